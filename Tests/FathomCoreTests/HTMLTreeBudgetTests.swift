import Testing
@testable import FathomCore

/// The HTML report's treemap keeps the largest nodes up to `HTMLReport.treeNodeBudget`: the threshold
/// lets at most that many through, ties at the cut included or left out together.
@Suite struct HTMLTreeBudgetTests {
    @Test func everythingFitsUnderTheBudget() {
        #expect(HTMLReport.budgetThreshold([5, 0, 9], budget: 3) == 0)
        #expect(HTMLReport.budgetThreshold([], budget: 3) == 0)
    }

    @Test func theLargestAreKept() {
        let sizes: [Int64] = [10, 50, 20, 40, 30]
        let t = HTMLReport.budgetThreshold(sizes, budget: 3)
        #expect(t == 30)
        #expect(sizes.filter { $0 >= t }.sorted() == [30, 40, 50])
    }

    @Test func tiesAtTheCutStayOut() {
        let sizes: [Int64] = [100, 7, 7, 7, 1]
        let t = HTMLReport.budgetThreshold(sizes, budget: 2)
        #expect(t == 8)
        #expect(sizes.filter { $0 >= t } == [100])
    }
}
