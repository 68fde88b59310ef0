#!/usr/bin/env bash
# End-to-end checks of how fathom is installed (issue 15): `make deb` (lintian clean), `make install`
# (the binary, `man fathom`, the completions), fathom's own image built from its Dockerfile by a real
# Docker engine on a slim Debian base made with debootstrap, that image passing fathom's own gate,
# and the .deb installed with apt into a bare Debian container (no Swift) giving the host's report.
# Prints one line per check and "N passed, M failed".
#   Tests/e2e/packaging.sh [FATHOM_BINARY]     (the host build whose reports are compared)
# FATHOM_BASE_TARBALL=FILE reuses a debootstrap tarball (debootstrap --make-tarball) instead of
# fetching the base from the mirror again.
set -u
here=$(cd "$(dirname "$0")/../.." && pwd)
bin=${1:-$here/.build/debug/fathom}
sample=$here/SampleImages/wasteful.docker.tar
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
work=$(mktemp -d /tmp/fathom-packaging.XXXXXX)
passed=0 failed=0 skipped=0
. "$here/Tests/e2e/dockerd.sh"
cleanup() {
  stop_dockerd
  { grep -o " $work/[^ ]*" /proc/mounts 2>/dev/null || true; } | sort -r | while read -r m; do umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
ok() { passed=$((passed + 1)); echo "ok   $1"; }
bad() { failed=$((failed + 1)); echo "FAIL $1"; shift; for l in "$@"; do echo "$l" | sed 's/^/    | /' | head -30; done; }
skip() { skipped=$((skipped + 1)); echo "SKIP $1"; }
same_report() {  # same_report NAME A.json B.json [--strict]
  local out
  if out=$(python3 "$here/Tests/e2e/compare_reports.py" ${4:-} "$2" "$3" 2>&1); then ok "$1"; else bad "$1" "$out"; fi
}
cd "$here"
env -u CI "$bin" "$sample" --json "$work/host.json" || { echo "FAIL the host build cannot analyse $sample"; exit 1; }

# ------------------------------------------------------------ make deb
version=$(sed -n 's/.*current = "\(.*\)"/\1/p' Sources/FathomCore/Support/FathomVersion.swift)
if make --no-print-directory deb >"$work/deb.log" 2>&1; then
  deb=$(ls dist/fathom_"$version"_*.deb)
  ok "make deb: $(basename "$deb") ($(du -h "$deb" | cut -f1)), $(grep -o 'Depends: .*' "$work/deb.log" | head -1 | cut -c1-60)…"
  if lintian $([ "$(id -u)" = 0 ] && echo --allow-root) "$deb" >"$work/lintian" 2>&1 && ! grep -Eq '^[EW]: ' "$work/lintian"; then
    ok "lintian: no error or warning"
  else bad "lintian" "$(cat "$work/lintian")"; fi
  if readelf -d dist/fathom | grep -q 'libswiftCore'; then bad "dist/fathom links the Swift runtime dynamically" "$(readelf -d dist/fathom | grep NEEDED)"
  else ok "dist/fathom needs no Swift library: $(readelf -d dist/fathom | grep -o 'NEEDED.*\[.*\]' | sed 's/.*\[//; s/\]//' | tr '\n' ' ')"; fi
else
  bad "make deb" "$(tail -20 "$work/deb.log")"
  echo "$passed passed, $failed failed"; exit 1
fi

# ------------------------------------------------------------ make install
root=$work/root
if make --no-print-directory install-files DESTDIR="$root" PREFIX=/usr/local >"$work/install.log" 2>&1; then
  "$root/usr/local/bin/fathom" --version | grep -qx "$version" && ok "make install: the binary runs ($version)" \
    || bad "installed binary" "$("$root/usr/local/bin/fathom" --version 2>&1)"
  if MANWIDTH=100 man -M "$root/usr/local/share/man" -P cat fathom 2>"$work/man.err" | grep -q "fathom - explore a container image"; then
    ok "man fathom (MANPATH of the install) shows the page"
  else bad "man fathom" "$(cat "$work/man.err")"; fi
  completion=$root/usr/local/share/bash-completion/completions/fathom
  # as bash calls a completion function: the words so far, the word being completed, the one before
  words=$(bash -c 'source "$1"; COMP_WORDS=(fathom --ver); COMP_CWORD=1; COMP_LINE="fathom --ver"; COMP_POINT=${#COMP_LINE}
                   _fathom fathom --ver fathom 2>/dev/null; echo "${COMPREPLY[*]}"' _ "$completion")
  if [ "$words" = "--verify --version" ]; then ok "bash completion: fathom --ver<Tab> offers --verify --version"
  else bad "bash completion: want '--verify --version', got '$words'" "$(head -3 "$completion")"; fi
  if zsh -n "$root/usr/local/share/zsh/site-functions/_fathom" 2>"$work/zsh.err" && grep -q '^#compdef fathom' "$root/usr/local/share/zsh/site-functions/_fathom"; then
    ok "zsh completion: #compdef fathom, parses"
  else bad "zsh completion" "$(cat "$work/zsh.err")"; fi
  if fish -n "$root/usr/local/share/fish/vendor_completions.d/fathom.fish" 2>"$work/fish.err"; then ok "fish completion parses"
  else bad "fish completion" "$(cat "$work/fish.err")"; fi
else bad "make install" "$(tail -20 "$work/install.log")"; fi

# ------------------------------------------------------------ a slim Debian base, a real engine
if ! start_dockerd "$work"; then
  skip "fathom's image and the fresh-machine check: $dockerd_why"
  echo "$passed passed, $failed failed, $skipped skipped"; [ "$failed" -eq 0 ]; exit
fi
export DOCKER_HOST=unix://$docker_sock
rootfs=$work/rootfs
if [ -n "${FATHOM_BASE_TARBALL:-}" ] && [ -f "$FATHOM_BASE_TARBALL" ]; then
  debootstrap --variant=minbase --unpack-tarball="$FATHOM_BASE_TARBALL" bookworm "$rootfs" "$mirror" >"$work/debootstrap.log" 2>&1
else
  debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >"$work/debootstrap.log" 2>&1
fi
if [ $? -ne 0 ]; then
  bad "debootstrap --variant=minbase bookworm (the mirror $mirror)" "$(tail -5 "$work/debootstrap.log")"
  echo "$passed passed, $failed failed"; exit 1
fi
# slimmed as Debian's own -slim images are: no docs, man pages, locales, package lists or caches
rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/cache/apt/archives/*.deb \
       "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/* "$rootfs"/usr/share/locale/* "$rootfs"/usr/share/info/*
printf 'path-exclude /usr/share/doc/*\npath-include /usr/share/doc/*/copyright\npath-exclude /usr/share/man/*\npath-exclude /usr/share/locale/*\npath-exclude /usr/share/info/*\n' \
  >"$rootfs/etc/dpkg/dpkg.cfg.d/docker-slim"
printf 'Dir::Cache::pkgcache "";\nDir::Cache::srcpkgcache "";\nAcquire::Languages "none";\n' >"$rootfs/etc/apt/apt.conf.d/docker-slim"
printf 'deb %s bookworm main\n' "$mirror" >"$rootfs/etc/apt/sources.list"
tar -C "$rootfs" --numeric-owner -cf - . | $DOCKER import -c 'CMD ["/bin/bash"]' - fathom-test-base:bookworm >/dev/null \
  && ok "base: debootstrap --variant=minbase bookworm, imported ($($DOCKER image inspect -f '{{.Size}}' fathom-test-base:bookworm) bytes)" \
  || bad "docker import of the base"

# ------------------------------------------------------------ fathom's own image, and its own gate
if DOCKER_BUILDKIT=1 $DOCKER build --network host --build-arg BASE=fathom-test-base:bookworm -t fathom:test . >"$work/build.log" 2>&1; then
  ok "docker build (BuildKit) of the Dockerfile"
  user=$($DOCKER run --rm --network none --entrypoint id fathom:test -u 2>&1)
  [ "$user" = 10001 ] && ok "the image runs as a non-root user (uid $user)" || bad "non-root user: id -u gave '$user'"
  if $DOCKER run --rm --network none -v "$sample:/app.tar:ro" fathom:test /app.tar --json - >"$work/in-image.json" 2>"$work/err"; then
    same_report "docker run fathom /app.tar gives the host build's report" "$work/host.json" "$work/in-image.json"
  else bad "docker run fathom /app.tar" "$(cat "$work/err")"; fi
  if $DOCKER run --rm --network none -v "$docker_sock:/var/run/docker.sock" --group-add "$(stat -c %g "$docker_sock")" fathom:test docker://fathom:test --ci \
       --lowestEfficiency 0.99 >"$work/self.txt" 2>&1; then
    ok "fathom in its image reads the engine socket: its own image"
  else bad "fathom in its image, on the engine socket" "$(tail -5 "$work/self.txt")"; fi
  if env -u CI "$bin" docker://fathom:test --ci --fail-on-advice medium --lowestEfficiency 0.99 >"$work/gate.txt" 2>&1; then
    ok "fathom's image passes its own gate: $(grep -E 'efficiency:' "$work/gate.txt" | head -1 | tr -s ' '), no medium or high advice"
  else bad "fathom's own gate on its image (efficiency >= 0.99, --fail-on-advice medium)" "$(grep -E 'efficiency|FAIL|HIGH|MEDIUM|fix:' "$work/gate.txt" | head -20)"; fi
else bad "docker build of the Dockerfile" "$(tail -20 "$work/build.log")"; fi

# ------------------------------------------------------------ a fresh machine: apt installs the .deb
mkdir -p "$work/out"
if $DOCKER run --rm --network host -v "$here/dist:/dist:ro" -v "$sample:/sample.tar:ro" -v "$work/out:/out" fathom-test-base:bookworm \
     sh -c 'test ! -e /usr/bin/swift && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq /dist/fathom_*.deb >/dev/null \
            && fathom --version >/out/version && fathom /sample.tar --json /out/report.json \
            && { fathom registry://127.0.0.1:1/x:1 2>/out/registry.err; true; }' >"$work/fresh.log" 2>&1; then
  [ "$(cat "$work/out/version")" = "$version" ] && ok "fresh Debian 12 container: apt-get install ./fathom_$version.deb, fathom --version" \
    || bad "fresh container: fathom --version" "$(cat "$work/out/version")"
  same_report "fresh container: the report equals the host build's" "$work/host.json" "$work/out/report.json" --strict
  # libcurl is loaded on first use, so only the .deb's Depends bring it: a registry source must reach the network
  grep -q "connection refused" "$work/out/registry.err" && ok "fresh container: the .deb's Depends bring libcurl ($(cat "$work/out/registry.err"))" \
    || bad "fresh container: a registry source" "$(cat "$work/out/registry.err")"
else bad "fresh container: apt-get install of the .deb" "$(tail -10 "$work/fresh.log")"; fi

echo "$passed passed, $failed failed${skipped:+, $skipped skipped}"
[ "$failed" -eq 0 ]
