import ArgumentParser
import FathomCore
import Foundation

setlocale(LC_ALL, "C.UTF-8")
FathomCommand.main()
