"""A headless Chromium driven through the DevTools protocol over --remote-debugging-pipe, with Python's
standard library only: Chromium reads commands on fd 3 and writes replies and events on fd 4, each
message one JSON document ended by a NUL byte.

    with Browser() as b:           # 1280x800, a fresh profile
        page = b.open("file:///tmp/report.html")
        page.eval("document.title")
        page.click("#layers > div")
        page.events                # every event seen so far: (method, params)

Used by Tests/e2e/html.py (the report's clicks, zoom, keys and hostile names) and bench/bench.py (the
million-file page's open time).
"""
import fcntl, json, os, select, shutil, subprocess, tempfile, time

CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"


def available():
    return os.access(CHROMIUM, os.X_OK)


class Browser:
    def __init__(self, width=1280, height=800, timeout=30):
        self.timeout = timeout
        self.profile = tempfile.mkdtemp(prefix="fathom-cdp-")
        to_r, self.to_w = os.pipe()      # our commands: Chromium reads them on fd 3
        self.from_r, from_w = os.pipe()  # its replies and events: Chromium writes them on fd 4

        def child():
            a, b = fcntl.fcntl(to_r, fcntl.F_DUPFD, 10), fcntl.fcntl(from_w, fcntl.F_DUPFD, 10)
            os.dup2(a, 3)
            os.dup2(b, 4)

        self.proc = subprocess.Popen(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--remote-debugging-pipe", "--no-first-run",
             "--disable-extensions", "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--hide-scrollbars", "--mute-audio", f"--user-data-dir={self.profile}", f"--window-size={width},{height}",
             "about:blank"],
            preexec_fn=child, close_fds=False, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_r)
        os.close(from_w)
        self.buffer = b""
        self.next_id = 0
        self.width, self.height = width, height

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        try:
            self.send("Browser.close")
        except Exception:
            pass
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        for fd in (self.to_w, self.from_r):
            try:
                os.close(fd)
            except OSError:
                pass
        shutil.rmtree(self.profile, ignore_errors=True)

    def _read(self, deadline):
        """The next message, or None when the deadline passes."""
        while b"\0" not in self.buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.from_r], [], [], left)[0]:
                return None
            chunk = os.read(self.from_r, 1 << 20)
            if not chunk:
                raise RuntimeError("chromium closed the DevTools pipe")
            self.buffer += chunk
        message, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(message)

    def send(self, method, params=None, session=None, sink=None):
        """Sends a command and returns its result; events met on the way go to sink(message)."""
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self.to_w, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + self.timeout
        while True:
            m = self._read(deadline)
            if m is None:
                raise TimeoutError(f"no reply to {method}")
            if m.get("id") == self.next_id:
                if "error" in m:
                    raise RuntimeError(f"{method}: {m['error']}")
                return m["result"]
            if sink:
                sink(m)

    def open(self, url, wait_load=True):
        """A new tab on url, its Page, Runtime, Log, Network and Audits domains enabled before it loads."""
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        page = Page(self, session)
        for domain in ("Page", "Runtime", "Log", "Network", "Audits"):
            page.send(domain + ".enable")
        page.send("Emulation.setDeviceMetricsOverride", {"width": self.width, "height": self.height,
                                                         "deviceScaleFactor": 1, "mobile": False})
        if url:
            page.navigate(url, wait_load)
        return page


class Page:
    def __init__(self, browser, session):
        self.browser, self.session = browser, session
        self.events = []
        self.mark = 0

    def _sink(self, m):
        if m.get("sessionId") == self.session and "method" in m:
            self.events.append((m["method"], m.get("params", {})))

    def send(self, method, params=None):
        return self.browser.send(method, params, self.session, self._sink)

    def wait_event(self, method, timeout=30):
        """The first event of that name seen since the last navigation (waiting for it if needed)."""
        deadline = time.monotonic() + timeout
        while True:
            for name, params in self.events[self.mark:]:
                if name == method:
                    return params
            m = self.browser._read(deadline)
            if m is None:
                raise TimeoutError(f"no {method}")
            self._sink(m)

    def navigate(self, url, wait_load=True):
        self.mark = len(self.events)
        self.send("Page.navigate", {"url": url})
        if wait_load:
            self.wait_event("Page.loadEventFired")

    def eval(self, expression):
        r = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True, "awaitPromise": True})
        if "exceptionDetails" in r:
            raise RuntimeError(f"{expression}: {r['exceptionDetails']}")
        return r["result"].get("value")

    def center(self, selector):
        """The viewport coordinates of the element's centre, scrolled into view first."""
        box = self.eval(f"(() => {{ const e = document.querySelector({json.dumps(selector)}); if (!e) return null;"
                        " e.scrollIntoView({block: 'center'}); const r = e.getBoundingClientRect();"
                        " return [r.left + r.width / 2, r.top + r.height / 2]; })()")
        if box is None:
            raise LookupError(f"no element {selector}")
        return box

    def click(self, selector):
        """A real mouse click (moved, pressed, released) at the element's centre."""
        x, y = self.center(selector)
        self.mouse("mouseMoved", x, y)
        self.mouse("mousePressed", x, y, button="left", clickCount=1)
        self.mouse("mouseReleased", x, y, button="left", clickCount=1)

    def hover(self, selector):
        x, y = self.center(selector)
        self.mouse("mouseMoved", x, y)

    def mouse(self, kind, x, y, **extra):
        self.send("Input.dispatchMouseEvent", {"type": kind, "x": x, "y": y, **extra})

    KEYS = {"Tab": (9, ""), "Enter": (13, "\r"), "Escape": (27, "")}

    def key(self, name, shift=False):
        """A real key press (down, up) as the keyboard sends it."""
        code, text = self.KEYS[name]
        params = {"key": name, "code": name, "windowsVirtualKeyCode": code, "modifiers": 8 if shift else 0}
        self.send("Input.dispatchKeyEvent", {"type": "keyDown", **params, **({"text": text} if text else {})})
        self.send("Input.dispatchKeyEvent", {"type": "keyUp", **params})

    def screenshot(self, path):
        import base64
        data = self.send("Page.captureScreenshot", {"format": "png"})["data"]
        with open(path, "wb") as f:
            f.write(base64.b64decode(data))

    def problems(self, page_url):
        """What a self-contained page must never cause: requests other than the page itself, console
        errors and warnings (a CSP violation is one), exceptions and audit issues."""
        out = []
        for name, p in self.events:
            if name == "Network.requestWillBeSent" and p["request"]["url"] != page_url:
                out.append(f"request {p['request']['url']}")
            elif name == "Network.loadingFailed":
                out.append(f"failed load {p.get('errorText')} {p.get('blockedReason', '')}")
            elif name == "Log.entryAdded" and p["entry"]["level"] in ("error", "warning"):
                out.append(f"log {p['entry']['source']}: {p['entry']['text']}")
            elif name == "Runtime.exceptionThrown":
                out.append(f"exception {p['exceptionDetails'].get('text')} {p['exceptionDetails'].get('exception', {}).get('description', '')}")
            elif name == "Runtime.consoleAPICalled" and p["type"] in ("error", "warning", "assert"):
                out.append(f"console {p['type']}: {p['args']}")
            elif name == "Audits.issueAdded":
                out.append(f"issue {p['issue']['code']}")
        return out
