# fathom: the two set-up commands of the README are `make run` and `make test`.
# Each installs the Debian packages it needs when they are missing, then builds.

SWIFT      ?= swift
FIXTURES   ?= ../shared/fixtures
# the tests (swift test, tui.sh, sources.sh) read the fixtures from FATHOM_FIXTURES: the same folder
export FATHOM_FIXTURES := $(abspath $(FIXTURES))
SAMPLE     ?= SampleImages/wasteful.docker.tar
# The libraries fathom links (DESIGN.md "Dependencies" says why each): libarchive, ISA-L, xxhash, ncursesw,
# libcurl (OpenSSL flavour), OpenSSL's libcrypto, libyaml, SQLite (RPM's package database).
# `make run` and `make release` need only these.
APT_PACKAGES := libarchive-dev libisal-dev libxxhash-dev libncursesw5-dev libcurl4-openssl-dev libssl-dev libyaml-dev libsqlite3-dev \
                pkg-config
# `make test` adds what the tests drive: tmux (the explorer), zstd, gzip and python3 (fixtures, checks);
# Tests/e2e/sources.sh: a real registry (CNCF distribution), htpasswd for its auth, skopeo to fill it,
# curl to wait for it, and Docker's engine (its check is skipped where dockerd cannot start).
TEST_PACKAGES := tmux zstd gzip python3 docker-registry apache2-utils skopeo curl docker.io
# ... and a real HTTP proxy for the proxy checks (started on loopback by the test, never as a service).
TEST_PACKAGES += tinyproxy
# ... and Podman (socket and `podman save`; skipped where root podman cannot run). On Debian 12: podman,
# conmon, libsubid4 (12.5 MB to fetch, 37 MB installed); no daemon runs (on a systemd host the package
# enables podman.socket, /run/podman/podman.sock: the checks then skip only the `podman save` part).
TEST_PACKAGES += podman
# ... and what packaging needs (Tests/e2e/packaging.sh): dpkg-shlibdeps (dpkg-dev) for the .deb's Depends, lintian to check it,
# groff to check the man page, debootstrap for the base of fathom's own image and the fresh-machine test.
# zsh and fish parse the completions that `make install` writes.
TEST_PACKAGES += dpkg-dev lintian groff-base debootstrap zsh fish
# ... and the real rpm (rpmbuild, rpm --root) that makes the RPM databases the package tests read.
TEST_PACKAGES += rpm
# ... and ISA-L's igzip, the benchmark's limit for gzip layers (make bench).
TEST_PACKAGES += isal
# ... and a real browser that renders the --html report (headless, in the tests only).
TEST_PACKAGES += chromium
# ... and git: the scorecard's images (Tests/e2e/scorecard.sh) copy a developer's folder with its git history
# (docker.io and debootstrap, listed above, build them).
TEST_PACKAGES += git
SUDO       := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
PREFIX     ?= /usr/local
DESTDIR    ?=
VERSION    := $(shell sed -n 's/.*current = "\(.*\)"/\1/p' Sources/FathomCore/Support/FathomVersion.swift)
ARCH       := $(shell dpkg --print-architecture 2>/dev/null || uname -m)

.PHONY: deps deps-test build run test conformance fuzz test-sanitize release install install-files deb image bench clean

# Installs the packages of the list given that are missing (with sudo when not root).
define install_missing
	@missing=""; for p in $(1); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi
endef

deps:
	$(call install_missing,$(APT_PACKAGES))

deps-test: deps
	$(call install_missing,$(TEST_PACKAGES))
	@python3 -c 'import jsonschema' 2>/dev/null || python3 -m pip install -q jsonschema 2>/dev/null || \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends python3-jsonschema
	@# cyclonedx-python-lib: the official CycloneDX JSON schemas and their validator, for the --sbom tests
	@python3 -c 'import cyclonedx.validation.json' 2>/dev/null || python3 -m pip install -q "cyclonedx-python-lib[json-validation]==11.12.0"
	@# zstandard: the fixtures' reference model (tools/truth.py) reads zstd layers with it (Tests/e2e/contents.py)
	@python3 -c 'import zstandard' 2>/dev/null || python3 -m pip install -q zstandard 2>/dev/null || \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends python3-zstandard

build: deps
	$(SWIFT) build

# The main job: open the bundled wasteful sample image (the explorer on a terminal, the text analysis otherwise).
run: build
	@# 130: the explorer was left while the image was loading (q), which is no failure of the run
	env -u CI .build/debug/fathom $(SAMPLE) || [ $$? -eq 130 ]

# Unit and CLI tests, then the fixture conformance check against every truth file, then the
# end-to-end checks: the explorer in tmux, the image sources against a real registry and engine
# (sources.sh starts them on loopback and stops them at the end).
test: deps-test build
	$(SWIFT) test
	$(MAKE) conformance
	@# every file of every fixture's layers, read back by fathom extract and cat, against the reference model
	python3 Tests/e2e/contents.py .build/debug/fathom $(FIXTURES)
	@# the --html report in headless chromium (DevTools over a pipe): layer clicks, treemap zoom, hover and keys
	@# against the JSON report and fathom ls, a hostile image's names as text and no request (skipped without chromium)
	python3 Tests/e2e/html.py .build/debug/fathom
	@# Two runs once lost a whole tmux session (killing the server's last session raced the next new-session;
	@# tui.sh now starts the next session first). Should a run still fail, its screens stay in the log and
	@# the whole script runs once more, which must pass entirely.
	Tests/e2e/tui.sh .build/debug/fathom || { echo "tui.sh: failures above; running it once more"; Tests/e2e/tui.sh .build/debug/fathom; }
	Tests/e2e/sources.sh .build/debug/fathom
	@# the advice scorecard: realistic images built once by the real engine (cached in ~/.cache/fathom-scorecard),
	@# every built-in mistake named with the right bytes and fix, no medium or high alarm on the well-built ones
	Tests/e2e/scorecard.sh .build/debug/fathom
	Tests/e2e/packaging.sh .build/debug/fathom
	@# every fuzz target for a short while (a crash fails the run and prints the input), then the unit
	@# tests under the address and thread sanitizers
	Fuzz/run.sh $(CI_FUZZ_SECONDS) $(FIXTURES)
	$(MAKE) test-sanitize

# libFuzzer targets (Fuzz/): each runs FUZZ_SECONDS on the seed corpus made from the fixtures and the
# corpus earlier runs grew (.build-fuzz/corpus); `make fuzz FUZZ_SECONDS=1800 FUZZ_TARGETS=FuzzArchive`.
FUZZ_SECONDS    ?= 60
CI_FUZZ_SECONDS ?= 15
FUZZ_TARGETS    ?=
fuzz: deps-test
	Fuzz/run.sh $(FUZZ_SECONDS) $(FIXTURES) $(FUZZ_TARGETS)

# The unit tests under AddressSanitizer, then under ThreadSanitizer (the loader's and the HTTP client's
# threads), each in a build folder of its own.
test-sanitize: deps-test
	LSAN_OPTIONS=suppressions=$(CURDIR)/Tests/lsan.supp $(SWIFT) test --scratch-path .build-asan --sanitize=address
	$(SWIFT) test --scratch-path .build-tsan --sanitize=thread

conformance:
	python3 $(FIXTURES)/tools/conformance.py .build/debug/fathom $(FIXTURES) 

# A self-contained binary, dist/fathom: the Swift runtime and Foundation linked in, stripped; only
# Debian's libraries stay dynamic (libarchive, ISA-L, libcurl, libcrypto, libyaml, xxhash, ncursesw).
release: deps
	$(SWIFT) build -c release --static-swift-stdlib --scratch-path .build-release
	mkdir -p dist
	strip -o dist/fathom .build-release/release/fathom

# The binary, the man page and the bash (packaging/fathom.bash), zsh and fish completions under $(DESTDIR)$(PREFIX).
install: release install-files

install-files:
	install -Dm755 dist/fathom $(DESTDIR)$(PREFIX)/bin/fathom
	install -Dm644 docs/fathom.1 $(DESTDIR)$(PREFIX)/share/man/man1/fathom.1
	install -d $(DESTDIR)$(PREFIX)/share/bash-completion/completions $(DESTDIR)$(PREFIX)/share/zsh/site-functions \
	  $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d
	install -m644 packaging/fathom.bash $(DESTDIR)$(PREFIX)/share/bash-completion/completions/fathom
	dist/fathom --generate-completion-script zsh >$(DESTDIR)$(PREFIX)/share/zsh/site-functions/_fathom
	dist/fathom --generate-completion-script fish >$(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/fathom.fish

# dist/fathom_$(VERSION)_$(ARCH).deb (and dist/depends.txt, its runtime packages, for the Dockerfile).
deb: release
	$(call install_missing,dpkg-dev)
	packaging/deb.sh $(VERSION) $(ARCH)

# The benchmark (not a test) of the binary people install (`make release`: dist/fathom), generated
# images cached in /tmp/fathom-bench.
bench: deps-test release
	python3 bench/bench.py dist/fathom --fixtures $(FIXTURES)

clean:
	rm -rf .build
