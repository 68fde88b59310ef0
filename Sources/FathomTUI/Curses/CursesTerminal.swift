import CNcursesw
import FathomCore
import Foundation

/// The only code that talks to the terminal: draws a `Grid` with ncursesw, decodes keys and mouse,
/// and restores the terminal on every exit path (quit, Ctrl+C, SIGTERM, a crash signal).
public enum CursesTerminal {
    // ncurses attribute bits (NCURSES_BITS(1, n) = 1 << (n + 8)); function-like macros Swift cannot import.
    static let underline: Int32 = 1 << 17, reverse: Int32 = 1 << 18, dim: Int32 = 1 << 20, bold: Int32 = 1 << 21
    static func pair(_ n: Int32) -> Int32 { n << 8 }
    // mouse masks for NCURSES_MOUSE_VERSION 2
    static let button1Pressed: UInt = 0o2, button1Clicked: UInt = 0o4, button4Pressed: UInt = 0o2 << 15, button5Pressed: UInt = 0o2 << 20

    /// How a session ended.
    public enum Outcome {
        case quit
        /// Loading failed: the terminal is restored; the caller reports the error.
        case failed(Error)
        /// The user quit while the image was still loading.
        case cancelled
    }

    /// Opens the terminal at once and shows the loading screen while `load` runs on another thread; once
    /// the image's layers are known (`LoadEvents.outline`), the explorer's layout with the layer list while the
    /// layers are read; then the explorer, on the layer selected meanwhile, until the user quits.
    ///
    /// - Parameters:
    ///   - title: What is being loaded (the archive path), for the loading screen.
    ///   - load: Reads and analyses the image, reporting to its `LoadEvents` (`LoadEvents.attach(to:)`).
    /// The terminal needs a UTF-8 locale; the loading thread keeps the C locale, because in a UTF-8
    /// locale libarchive normalises member names to NFC and would merge distinct files
    /// (fixture synthetic/wide-chars).
    public static func run(title: String, bindings: KeyBindings, theme: Theme = .standard,
                           load: @escaping @Sendable (LoadEvents) throws -> Analysis) -> Outcome {
        run(title: title, bindings: bindings, theme: theme, load: load, makeScreen: { analysis, loading in
            ScreenModel(analysis: analysis, continuing: loading)
        })
    }

    /// The same for any screen that needs no loading explorer: `makeScreen` builds it from `load`'s result.
    /// `finished` is given the screen as it was when the user quit (what a picker chose).
    public static func run<Content: Sendable, Screen: TerminalScreen>(
        title: String, theme: Theme = .standard, load: @escaping @Sendable (LoadEvents) throws -> Content,
        makeScreen: (Content, _ width: Int, _ height: Int) -> Screen, finished: (Screen) -> Void = { _ in }
    ) -> Outcome {
        run(title: title, bindings: KeyBindings(), theme: theme, load: load, makeScreen: { content, loading in
            makeScreen(content, loading.width, loading.height)
        }, finished: finished)
    }

    /// The terminal loop: `load` runs on the loading thread while a `LoadingModel` shows its reports (ten
    /// frames a second) and takes keys; `makeScreen` builds the screen from the result and the loading
    /// model's last state.
    public static func run<Content: Sendable, Screen: TerminalScreen>(
        title: String, bindings: KeyBindings, theme: Theme = .standard, load: @escaping @Sendable (LoadEvents) throws -> Content,
        makeScreen: (Content, LoadingModel) -> Screen, finished: (Screen) -> Void = { _ in }
    ) -> Outcome {
        let job = LoadJob<Content>()
        let thread = Thread {
            if let c = newlocale(0, "C", nil) { uselocale(c) }
            do { job.finish(.success(try load(job.events))) } catch { job.finish(.failure(error)) }
        }
        thread.stackSize = 8 << 20
        thread.start()

        setlocale(LC_ALL, "")
        if String(cString: nl_langinfo(nl_item(CODESET))) != "UTF-8" { setlocale(LC_CTYPE, "C.UTF-8") }
        // Keys come from the terminal even when the archive comes on standard input.
        let input: UnsafeMutablePointer<FILE>? = isatty(0) == 1 ? fdopen(dup(0), "r") : fopen("/dev/tty", "r")
        let outputFD = dup(1)
        // the terminal's modes before curses changes them, for the crash handler
        var modes = termios()
        _ = tcgetattr(outputFD, &modes)
        guard let output = fdopen(outputFD, "w"), let input, newterm(nil, output, input) != nil else {
            return .failed(TerminalError(message: "cannot start the terminal UI (TERM=\(ProcessInfo.processInfo.environment["TERM"] ?? "unset"))"))
        }
        installSignalHandlers(terminal: outputFD, modes: modes)
        raw(); noecho(); nonl()
        keypad(fathom_stdscr(), true)
        _ = curs_set(0)
        set_escdelay(25)
        let wantsColor = has_colors() && (ProcessInfo.processInfo.environment["NO_COLOR"] ?? "").isEmpty
        if wantsColor {
            start_color()
            use_default_colors()
        }
        let color = CursesColors(palette: Palette(theme: theme, colors: wantsColor ? Int(fathom_colors()) : 0, monochrome: !wantsColor))
        mousemask(mmask_t(button1Pressed | button1Clicked | button4Pressed | button5Pressed), nil)

        // Loading: a frame at once, redrawn ten times a second and after each key until the result is ready.
        let started = Date()
        wtimeout(fathom_stdscr(), 100)
        var loading = LoadingModel(title: title, width: Int(getmaxx(fathom_stdscr())), height: Int(getmaxy(fathom_stdscr())),
                                   bindings: bindings)
        var content: Content?
        while content == nil {
            if let result = job.result {
                switch result {
                case let .success(a): content = a
                case let .failure(e): endwin(); return .failed(e)
                }
                break
            }
            loading = loading.updating(job.events.snapshot(seconds: Date().timeIntervalSince(started)))
            draw(loading.render(), color: color)
            var ch: wint_t = 0
            let rc = wget_wch(fathom_stdscr(), &ch)
            if rc != ERR, let key = decode(rc, ch) {
                loading = loading.handle(key)
                if loading.effect == .quit {
                    endwin()
                    return .cancelled
                }
            }
        }
        wtimeout(fathom_stdscr(), -1)

        loading = loading.handle(.resize(width: Int(getmaxx(fathom_stdscr())), height: Int(getmaxy(fathom_stdscr()))))
        let clock = StatusClock()
        var model = makeScreen(content!, loading).interrupted(by: statusLineInterrupt(color: color, clock: clock))
        draw(model.render(), color: color)
        loop: while true {
            var ch: wint_t = 0
            let rc = wget_wch(fathom_stdscr(), &ch)
            guard let key = decode(rc, ch) else { continue }
            clock.last = Date()   // work that ends within 0.1 s shows no mark
            model = model.handle(key)
            switch model.effect {
            case .quit: break loop
            case .suspend:
                endwin()
                raise(SIGTSTP)
                refresh()
                model = model.handle(.resize(width: Int(getmaxx(fathom_stdscr())), height: Int(getmaxy(fathom_stdscr()))))
            case let .copy(bytes): copyToClipboard(bytes)
            case .none: break
            }
            draw(model.render(), color: color)
        }
        endwin()
        finished(model)
        return .quit
    }

    /// When the status line last showed work (or the key that started it was read).
    final class StatusClock: @unchecked Sendable { var last = Date.distantPast }

    /// Long work on this thread (a search, a sort, a filter) shows what it does on the bottom line once
    /// it has taken 0.1 s, then at most ten times a second, and stops (where it can) when Esc, `q` or
    /// Ctrl+C is pressed meanwhile (other keys are dropped).
    static func statusLineInterrupt(color: CursesColors, clock: StatusClock) -> Interrupt {
        Interrupt { doing, fraction in
            guard Date().timeIntervalSince(clock.last) >= 0.1 else { return false }
            clock.last = Date()
            let width = Int(getmaxx(fathom_stdscr())), y = getmaxy(fathom_stdscr()) - 1
            let percent = fraction.map { " \(Int(($0 * 100).rounded(.down))) %" } ?? ""
            let stoppable = !doing.hasSuffix("…")
            let line = DisplayWidth.truncate(TerminalText.escape(" ⏳ \(doing)\(percent)" + (stoppable ? " · Esc stops" : "")), to: max(0, width - 1))
            attrset(color.attributes(.statusBar))
            mvaddstr(y, 0, line + String(repeating: " ", count: max(0, width - 1 - DisplayWidth.of(line))))
            attrset(0)
            refresh()
            wtimeout(fathom_stdscr(), 0)
            defer { wtimeout(fathom_stdscr(), -1) }
            var stop = false
            var ch: wint_t = 0
            while true {
                let rc = wget_wch(fathom_stdscr(), &ch)
                if rc == ERR { break }
                if let key = decode(rc, ch), key == .escape || key == .char("q") || key == .ctrl("c") { stop = true }
            }
            return stop
        }
    }

    /// Puts `bytes` on the clipboard with OSC 52 (`ESC ] 52 ; c ; base64 BEL`): terminals that take it do,
    /// over SSH too, and tmux with `set -g set-clipboard on` fills its buffer.
    static func copyToClipboard(_ bytes: [UInt8]) {
        let sequence = "\u{1B}]52;c;" + Data(bytes).base64EncodedString() + "\u{07}"
        fflush(nil)
        sequence.utf8CString.withUnsafeBufferPointer { _ = write(CrashRestore.fd, $0.baseAddress, $0.count - 1) }
    }

    /// Draws the grid: one `addstr` per run of cells with the same style.
    static func draw(_ grid: Grid, color: CursesColors) {
        erase()
        for y in 0..<grid.height {
            var x = 0
            while x < grid.width {
                let style = grid.cells[y * grid.width + x].style
                var text = ""
                let start = x
                while x < grid.width, grid.cells[y * grid.width + x].style == style {
                    text += grid.cells[y * grid.width + x].text
                    x += 1
                }
                // the bottom-right cell cannot be written without scrolling: leave it
                if y == grid.height - 1 && x == grid.width { text = String(text.dropLast()) }
                attrset(color.attributes(style))
                mvaddstr(Int32(y), Int32(start), text)
            }
        }
        attrset(0)
        refresh()
    }

    static func decode(_ rc: Int32, _ ch: wint_t) -> Key? {
        if rc == KEY_CODE_YES {
            switch Int32(ch) {
            case KEY_UP: return .up
            case KEY_DOWN: return .down
            case KEY_LEFT: return .left
            case KEY_RIGHT: return .right
            case KEY_PPAGE: return .pageUp
            case KEY_NPAGE: return .pageDown
            case KEY_HOME: return .home
            case KEY_END: return .end
            case KEY_BTAB: return .backTab
            case KEY_ENTER: return .enter
            case KEY_BACKSPACE: return .backspace
            case KEY_RESIZE: return .resize(width: Int(getmaxx(fathom_stdscr())), height: Int(getmaxy(fathom_stdscr())))
            case KEY_MOUSE:
                var event = MEVENT()
                guard getmouse(&event) == OK else { return nil }
                let b = UInt(event.bstate)
                if b & button4Pressed != 0 { return .wheelUp(x: Int(event.x), y: Int(event.y)) }
                if b & button5Pressed != 0 { return .wheelDown(x: Int(event.x), y: Int(event.y)) }
                if b & (button1Pressed | button1Clicked) != 0 { return .click(x: Int(event.x), y: Int(event.y)) }
                return nil
            default: return nil
            }
        }
        guard rc == OK else { return nil }
        switch ch {
        case 0: return .ctrlSpace
        case 9: return .tab
        case 10, 13: return .enter  // also Ctrl+M and Ctrl+J: indistinguishable on a terminal
        case 27: return .escape
        case 8, 127: return .backspace
        case 31: return .ctrlSlash
        case 1...26: return .ctrl(Character(UnicodeScalar(UInt8(ch) + 96)))
        default:
            guard let scalar = UnicodeScalar(UInt32(ch)) else { return nil }
            return .char(Character(scalar))
        }
    }

    /// SIGTERM and crash signals restore the terminal before the process ends: the terminal modes
    /// saved before curses started, the main screen, a visible cursor. The handler runs on a stack of
    /// its own, so that a stack overflow (SIGSEGV) still restores, and does only what is
    /// async-signal-safe (`tcsetattr`, `write`), then lets the signal take its default action.
    static func installSignalHandlers(terminal fd: Int32, modes: termios) {
        CrashRestore.fd = fd
        CrashRestore.modes = modes
        // attributes off, mouse reports off, the main screen, a visible cursor: prepared here, since the
        // handler may not allocate
        let reset = Array("\u{1B}[0m\u{1B}[?1000l\u{1B}[?1049l\u{1B}[?25h\r\n".utf8)
        let buffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: reset.count)
        _ = buffer.initialize(from: reset)
        CrashRestore.reset = UnsafeBufferPointer(buffer)
        let size = 256 << 10
        var stack = stack_t()
        stack.ss_sp = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 16)
        stack.ss_size = size
        stack.ss_flags = 0
        sigaltstack(&stack, nil)
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { sig in
            _ = tcsetattr(CrashRestore.fd, TCSANOW, &CrashRestore.modes)
            _ = write(CrashRestore.fd, CrashRestore.reset.baseAddress, CrashRestore.reset.count)
            raise(sig)   // SA_RESETHAND made the action the default again
        }
        sigemptyset(&action.sa_mask)
        action.sa_flags = Int32(SA_ONSTACK) | Int32(bitPattern: 0x8000_0000)  // SA_RESETHAND
        for sig in [SIGTERM, SIGINT, SIGHUP, SIGSEGV, SIGILL, SIGTRAP, SIGABRT, SIGBUS, SIGFPE] { sigaction(sig, &action, nil) }
    }
}

/// What the crash handler restores: read only inside the handler, written once before it is installed.
private enum CrashRestore {
    nonisolated(unsafe) static var fd: Int32 = 1
    nonisolated(unsafe) static var modes = termios()
    nonisolated(unsafe) static var reset = UnsafeBufferPointer<UInt8>(start: nil, count: 0)
}

/// A terminal that could not be opened.
public struct TerminalError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}

/// A palette as ncurses attributes: one colour pair per coloured style (pairs 1…), made once at start.
struct CursesColors: @unchecked Sendable {
    private var attrs: [Style: Int32] = [:]

    init(palette: Palette) {
        var number: Int32 = 1
        for style in Style.allCases {
            let e = palette[style]
            var a: Int32 = 0
            if e.colored {
                // extended pairs take direct (24-bit) colour numbers; plain ones 8, 16 or 256 colours
                if init_extended_pair(number, Int32(e.fg), Int32(e.bg)) == ERR {
                    _ = init_pair(Int16(number), Int16(clamping: e.fg), Int16(clamping: e.bg))
                }
                a |= CursesTerminal.pair(number)
                number += 1
            }
            if e.bold { a |= CursesTerminal.bold }
            if e.reverse { a |= CursesTerminal.reverse }
            if e.underline { a |= CursesTerminal.underline }
            if e.dim { a |= CursesTerminal.dim }
            attrs[style] = a
        }
    }

    func attributes(_ style: Style) -> Int32 { attrs[style] ?? 0 }
}
