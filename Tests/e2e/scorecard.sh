#!/usr/bin/env bash
# The advice scorecard (issue 18): realistic images built by the real Docker engine from the
# definitions in Tests/scorecard/<name>/ (a Dockerfile, the app, prepare.sh for what a developer's
# folder also holds, mistakes.json for the mistakes built in), each scored by scorecard.py: every
# listed mistake named by the right rule on the right layer, bytes within 1 % of what the image
# holds, a fix that fits the instruction, and no medium or high finding that is not a listed mistake.
# Prints one row per image and exits non-zero on any miss.
#   Tests/e2e/scorecard.sh [FATHOM_BINARY]
# The images are saved (`docker save`) in FATHOM_SCORECARD_CACHE (~/.cache/fathom-scorecard), keyed
# by a hash of the base and of their definition folder: a later run (or a clean clone on the same
# machine) builds only what changed, and needs no engine when nothing did. The base is Debian 12
# made by debootstrap (--variant=minbase, slimmed as Debian's -slim images are), from the tarball
# FATHOM_BASE_TARBALL or one made once into the cache (debootstrap --make-tarball).
# Where the engine cannot run (not root, no docker.io) and an image is missing, says so and exits 0.
set -u
here=$(cd "$(dirname "$0")/../.." && pwd)
bin=${1:-$here/.build/debug/fathom}
defs=$here/Tests/scorecard
cache=${FATHOM_SCORECARD_CACHE:-$HOME/.cache/fathom-scorecard}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
base_tgz=${FATHOM_BASE_TARBALL:-$cache/bookworm-minbase.tgz}
base_tag=fathom-scorecard-base:bookworm
work=$(mktemp -d /tmp/fathom-scorecard.XXXXXX)
. "$here/Tests/e2e/dockerd.sh"
cleanup() {
  stop_dockerd
  { grep -o " $work/[^ ]*" /proc/mounts 2>/dev/null || true; } | sort -r | while read -r m; do umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true; done
  rm -rf "$work" 2>/dev/null || { chmod -R u+rwX "$work" 2>/dev/null; rm -rf "$work"; }
}
trap cleanup EXIT
trap 'exit 130' INT TERM
mkdir -p "$cache"
exec 9>"$cache/.lock"
flock 9   # one run at a time fills the cache

# The base's recipe: what is done to the debootstrap tree before `docker import` (part of every key).
slim_base() {
  local rootfs=$1
  # slimmed as Debian's -slim images are: no docs, man pages, locales, package lists or caches
  rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/cache/apt/archives/*.deb \
         "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/* "$rootfs"/usr/share/locale/* "$rootfs"/usr/share/info/*
  printf 'path-exclude /usr/share/doc/*\npath-include /usr/share/doc/*/copyright\npath-exclude /usr/share/man/*\npath-exclude /usr/share/locale/*\npath-exclude /usr/share/info/*\n' \
    >"$rootfs/etc/dpkg/dpkg.cfg.d/docker-slim"
  # as the official debian images: downloaded .deb files removed after each install
  printf 'DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };\nAPT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };\nDir::Cache::pkgcache "";\nDir::Cache::srcpkgcache "";\nAcquire::Languages "none";\n' \
    >"$rootfs/etc/apt/apt.conf.d/docker-clean"
  printf 'deb %s bookworm main\n' "$mirror" >"$rootfs/etc/apt/sources.list"
  # the host's own certificate authorities (a TLS-inspecting proxy's, as a company's base image would have):
  # ca-certificates adds them to the bundle pip uses when an image installs it
  if [ -s "$work/local-ca.crt" ]; then mkdir -p "$rootfs/usr/local/share/ca-certificates" && cp "$work/local-ca.crt" "$rootfs/usr/local/share/ca-certificates/"; fi
}
# The certificates of the host's bundle that Debian's ca-certificates does not ship (none on most machines).
python3 - "$work/local-ca.crt" <<'PY'
import glob, re, sys
pem = re.compile(r"-----BEGIN CERTIFICATE-----.*?-----END CERTIFICATE-----", re.S)
def certs(path):
    try:
        return pem.findall(open(path, errors="replace").read())
    except OSError:
        return []
known = {"".join(c.split()) for f in glob.glob("/usr/share/ca-certificates/**/*.crt", recursive=True) for c in certs(f)}
extra = [c for c in certs("/etc/ssl/certs/ca-certificates.crt") if "".join(c.split()) not in known] if known else []
open(sys.argv[1], "w").write("\n".join(extra) + ("\n" if extra else ""))
PY

if [ ! -f "$base_tgz" ]; then
  if [ "$(id -u)" != 0 ] || ! command -v debootstrap >/dev/null; then
    echo "SKIP scorecard: no base tarball ($base_tgz) and debootstrap cannot run here (needs root and debootstrap)"; exit 0
  fi
  echo "making the base tarball (debootstrap --make-tarball, once): $base_tgz"
  if ! debootstrap --variant=minbase --make-tarball="$base_tgz.part" bookworm "$work/dbs" "$mirror" >"$work/debootstrap.log" 2>&1; then
    echo "FAIL debootstrap --make-tarball (the mirror $mirror)"; tail -5 "$work/debootstrap.log"; exit 1
  fi
  mv "$base_tgz.part" "$base_tgz"
fi
base_key=$( { sha256sum <"$base_tgz"; declare -f slim_base; echo "$mirror"; cat "$work/local-ca.crt"; } | sha256sum | cut -c1-16)

# key_of NAME: the base's key and every file of the definition folder (names and contents)
key_of() {
  { echo "$base_key"; (cd "$defs/$1" && find . -type f | LC_ALL=C sort | while read -r f; do echo "$f"; sha256sum <"$f"; done); } \
    | sha256sum | cut -c1-16
}
names=$(cd "$defs" && for d in */; do [ -f "$d/Dockerfile" ] && echo "${d%/}"; done)
missing=()
for n in $names; do k=$(key_of "$n"); [ -f "$cache/$n-$k.tar" ] && [ -f "$cache/$n-$k.packages" ] || missing+=("$n"); done

# What the image's own package managers say, run inside a container of it (issue 21's accuracy check):
# dpkg-query's packages, and every Python distribution each interpreter of the image sees.
list_packages() {  # list_packages IMAGE OUT
  $DOCKER run --rm --network none --entrypoint /bin/sh "$1" -c '
    command -v dpkg-query >/dev/null && dpkg-query -W -f "deb \${Package} \${Version} \${Architecture} \${db:Status-Status}\n"
    for py in /venv/bin/python3 /opt/venv/bin/python3 /app/.venv/bin/python3 /usr/local/bin/python3 /usr/bin/python3; do
      [ -x "$py" ] && "$py" -c "import importlib.metadata as m
for d in m.distributions(): print(\"pypi\", d.metadata[\"Name\"], d.version)" 2>/dev/null
    done; true' | sort -u >"$2"
}

if [ ${#missing[@]} -gt 0 ]; then
  if ! start_dockerd "$work"; then
    echo "SKIP scorecard: ${missing[*]} not built yet and $dockerd_why"; exit 0
  fi
  export DOCKER_HOST=unix://$docker_sock
  rootfs=$work/rootfs
  if ! debootstrap --variant=minbase --unpack-tarball="$base_tgz" bookworm "$rootfs" "$mirror" >"$work/debootstrap.log" 2>&1; then
    echo "FAIL debootstrap --unpack-tarball $base_tgz"; tail -5 "$work/debootstrap.log"; exit 1
  fi
  slim_base "$rootfs"
  tar -C "$rootfs" --numeric-owner -cf - . | $DOCKER import -c 'CMD ["/bin/bash"]' - "$base_tag" >/dev/null \
    || { echo "FAIL docker import of the base"; exit 1; }
  for n in "${missing[@]}"; do
    key=$(key_of "$n")
    ctx=$work/ctx-$n
    cp -a "$defs/$n" "$ctx"
    # what the developer's folder holds besides the sources (git history, .env, data), made afresh
    (cd "$ctx" && GIT_AUTHOR_DATE=2024-01-01T00:00:00Z GIT_COMMITTER_DATE=2024-01-01T00:00:00Z sh ./prepare.sh && rm -f prepare.sh) \
      || { echo "FAIL $n: prepare.sh"; exit 1; }
    start=$(date +%s)
    if [ -f "$cache/$n-$key.tar" ]; then
      # built by an earlier run that did not list its packages: loaded, not built again
      $DOCKER load -q -i "$cache/$n-$key.tar" >/dev/null || { echo "FAIL docker load of $n"; exit 1; }
    elif ! DOCKER_BUILDKIT=1 $DOCKER build --network host -t "scorecard-$n" "$ctx" >"$work/build-$n.log" 2>&1; then
      echo "FAIL docker build of $n"; tail -20 "$work/build-$n.log"; exit 1
    fi
    list_packages "scorecard-$n" "$cache/$n-$key.packages.part" && mv "$cache/$n-$key.packages.part" "$cache/$n-$key.packages" \
      || { echo "FAIL listing the packages of $n"; exit 1; }
    [ -f "$cache/$n-$key.tar" ] || { $DOCKER save -o "$cache/$n-$key.tar.part" "scorecard-$n" && mv "$cache/$n-$key.tar.part" "$cache/$n-$key.tar"; } \
      || { echo "FAIL docker save of $n"; exit 1; }
    # older builds of this definition go
    for old in "$cache/$n"-*.tar "$cache/$n"-*.packages; do [ "$old" = "$cache/$n-$key.tar" ] || [ "$old" = "$cache/$n-$key.packages" ] || rm -f "$old"; done
    echo "built $n in $(($(date +%s) - start)) s ($(du -h "$cache/$n-$key.tar" | cut -f1))"
  done
  stop_dockerd
fi

args=()
for n in $names; do args+=("$n=$cache/$n-$(key_of "$n").tar"); done
python3 "$here/Tests/e2e/scorecard.py" "$bin" "$defs" "${args[@]}"
rc=$?
# the packages fathom reads from each image against what its package managers said inside it
pargs=()
for n in $names; do k=$(key_of "$n"); pargs+=("$cache/$n-$k.tar=$cache/$n-$k.packages"); done
python3 "$here/Tests/e2e/package_accuracy.py" "$bin" "${pargs[@]}" || rc=1
exit $rc
