#!/usr/bin/env bash
# Builds dist/fathom_VERSION_ARCH.deb from the self-contained binary of `make release`:
# the binary, the man page, the shell completions, the copyright file and the Debian changelog,
# with Depends: computed by dpkg-shlibdeps from the libraries the binary really links (the exact
# Debian runtime packages). Also writes dist/depends.txt (those package names, for the Dockerfile),
# and runs lintian when it is installed (its findings are printed: the package test fails on any).
#   packaging/deb.sh VERSION ARCH
set -euo pipefail
cd "$(dirname "$0")/.."
version=$1 arch=$2
deb=dist/fathom_${version}_${arch}.deb
root=dist/deb-root
# one package in dist/ at a time: the Dockerfile installs dist/fathom_*.deb
rm -rf "$root" dist/fathom_*.deb
make --no-print-directory install-files DESTDIR="$PWD/$root" PREFIX=/usr >/dev/null
gzip -9n "$root/usr/share/man/man1/fathom.1"
doc=$root/usr/share/doc/fathom
install -d "$doc"
cp packaging/copyright "$doc/copyright"
{
  echo "fathom ($version) unstable; urgency=medium"
  echo
  echo "  * Release $version, built from commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)."
  echo
  echo " -- fathom maintainers <maintainers@users.noreply.r-seed-497d8a37.example>  $(date -R -d @"${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}")"
} | gzip -9n >"$doc/changelog.gz"   # a native package (no Debian revision): changelog.gz

# dpkg-shlibdeps works on a source tree: give it the smallest one, in a temporary folder
shlibs=$(mktemp -d)
trap 'rm -rf "$shlibs"' EXIT
mkdir -p "$shlibs/debian"
printf 'Source: fathom\n\nPackage: fathom\nArchitecture: any\n' >"$shlibs/debian/control"
depends=$(cd "$shlibs" && dpkg-shlibdeps -O -e "$OLDPWD/$root/usr/bin/fathom" 2>/dev/null | sed -n 's/^shlibs:Depends=//p')
[ -n "$depends" ] || { echo "dpkg-shlibdeps found no dependencies" >&2; exit 1; }
# libcurl and SQLite are loaded on first use (dlopen), so dpkg-shlibdeps does not see them; fathom
# sets CURLOPT_PROTOCOLS_STR, which libcurl has since 7.85, and calls sqlite3_deserialize (3.36 for
# its stable interface)
depends="$depends, libcurl4 (>= 7.85.0), libsqlite3-0 (>= 3.36.0)"
echo "$depends" | tr ',' '\n' | sed 's/(.*//; s/ //g' | grep -v '^$' >dist/depends.txt

install -d "$root/DEBIAN"
cat >"$root/DEBIAN/control" <<CONTROL
Package: fathom
Version: $version
Architecture: $arch
Maintainer: fathom maintainers <maintainers@users.noreply.r-seed-497d8a37.example>
Installed-Size: $(du -sk --exclude=DEBIAN "$root" | cut -f1)
Depends: $depends
Recommends: bash-completion
Suggests: docker.io | podman
Section: utils
Priority: optional
Description: container image layer analyzer (dive-compatible)
 fathom explores a container image layer by layer: it reads docker save
 archives of every Docker version, OCI layouts, Docker and Podman engines
 and registries, replays the layers as a union filesystem and shows what
 every layer added, changed and removed, and the bytes the image ships for
 nothing. It computes dive's efficiency and wasted bytes, gates CI
 pipelines with dive's rules, writes a JSON report, and has an
 interactive explorer in the terminal.
CONTROL
dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >/dev/null
rm -rf "$root"
echo "$deb ($(du -h "$deb" | cut -f1)): Depends: $depends"
if command -v lintian >/dev/null; then
  lintian $([ "$(id -u)" = 0 ] && echo --allow-root) "$deb" || true
fi
