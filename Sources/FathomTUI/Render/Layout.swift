/// A rectangle of cells.
struct Rect: Equatable {
    var x: Int, y: Int, width: Int, height: Int
    func contains(x px: Int, y py: Int) -> Bool { px >= x && px < x + width && py >= y && py < y + height }
}

/// Where each pane goes (dive's layout: left column Layers, Layer details, Image details; right column the tree).
struct Layout {
    static let minimumWidth = 60
    static let minimumHeight = 15

    var layers: Rect, details: Rect, image: Rect, tree: Rect
    var statusY: Int
    /// The first row of the inefficient-files table, below the image facts and its header.
    var wasteTableTop: Int
    var isTooSmall: Bool

    init(width: Int, height: Int, layerCount: Int) {
        isTooSmall = width < Self.minimumWidth || height < Self.minimumHeight
        statusY = height - 1
        let body = max(0, height - 1)
        // dive splits 50/50; the tree needs the room more (attribute columns, nesting), so it gets 60 % on wide terminals
        let left = width >= 100 ? width * 2 / 5 : width / 2
        tree = Rect(x: left, y: 0, width: width - left, height: body)
        let layersHeight = min(layerCount + 2, max(4, body / 3))
        layers = Rect(x: 0, y: 0, width: left, height: layersHeight)
        let detailsHeight = min(10, max(3, body - layersHeight - 8))
        details = Rect(x: 0, y: layersHeight, width: left, height: detailsHeight)
        image = Rect(x: 0, y: layersHeight + detailsHeight, width: left, height: max(0, body - layersHeight - detailsHeight))
        wasteTableTop = image.y + 8
    }
}
