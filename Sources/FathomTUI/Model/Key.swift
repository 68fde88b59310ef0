/// An input event, as the curses backend decodes it (a resize is an input too, never a query).
public enum Key: Hashable, Sendable {
    case char(Character)
    /// Ctrl + a letter (`ctrl("a")`); Ctrl+Space is `ctrlSpace`.
    case ctrl(Character)
    case ctrlSpace, ctrlSlash
    case up, down, left, right, pageUp, pageDown, home, end
    case tab, backTab, enter, escape, backspace
    case resize(width: Int, height: Int)
    /// Mouse: wheel and a left click at (x, y).
    case wheelUp(x: Int, y: Int), wheelDown(x: Int, y: Int), click(x: Int, y: Int)

    /// Parses dive's key names (`ctrl+a`, `tab`, `pgup`, `q`, `ctrl+space`, `ctrl+slash`, `esc`, `space`, …).
    public init?(diveName raw: String) {
        let name = raw.trimmingCharacters(in: .whitespaces).lowercased()
        switch name {
        case "tab": self = .tab
        case "up": self = .up
        case "down": self = .down
        case "left": self = .left
        case "right": self = .right
        case "pgup", "pageup": self = .pageUp
        case "pgdn", "pagedown": self = .pageDown
        case "home": self = .home
        case "end": self = .end
        case "enter": self = .enter
        case "esc", "escape": self = .escape
        case "space": self = .char(" ")
        case "backspace": self = .backspace
        case "ctrl+space": self = .ctrlSpace
        case "ctrl+slash", "ctrl+/": self = .ctrlSlash
        default:
            if name.hasPrefix("ctrl+"), name.count == 6, let c = name.last, c.isLetter { self = .ctrl(c); return }
            if raw.trimmingCharacters(in: .whitespaces).count == 1, let c = raw.trimmingCharacters(in: .whitespaces).first {
                self = .char(c); return
            }
            return nil
        }
    }
}

import Foundation
