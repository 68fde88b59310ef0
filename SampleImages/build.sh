#!/usr/bin/env bash
# Rebuild the fathom sample images in this folder with a real Docker engine.
#
#   sudo bash SampleImages/build.sh          # from the repository root (or from anywhere)
#   SKIP_APT=1 sudo bash SampleImages/build.sh   # packages already installed
#   KEEP_WORK=1 ...                               # keep the work dir (daemon data root) afterwards
#
# Needs: Debian 12 (bookworm), root, the Debian apt mirror, PyPI (for `zstandard`, used by the
# reference model truth.py). No registry is needed: every image starts FROM scratch with
# Debian's static busybox binary (busybox-static, /bin/busybox).
#
# A private Docker 20.10 daemon (Debian docker.io) runs on its own socket, data root and exec
# root under $WORK (default /tmp/fathom-sample-build); it is stopped, and whatever it left
# mounted under $WORK is unmounted, when the script exits. Only the final archives and truth
# files are written next to this script:
#   wasteful.docker.tar       docker save of wasteful:latest (classic builder)
#   wasteful.oci-zstd.tar     the same image, skopeo OCI archive with zstd layers
#   good.docker.tar.zst       docker save of good:latest (BuildKit), compressed with zstd -19
#   NAME.truth.json           output of the reference model (truth.py) for each archive
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${OUT:-$HERE}
WORK=${WORK:-/tmp/fathom-sample-build}
TRUTH=${TRUTH:-/work/shared/fixtures/tools/truth.py}

log() { printf '\n=== %s\n' "$*" >&2; }

if [ "$(id -u)" != 0 ]; then echo "run as root (sudo bash $0)" >&2; exit 1; fi

# ---------------------------------------------------------------- packages
PKGS="docker.io containerd runc busybox-static skopeo zstd python3 ca-certificates"
if [ "${SKIP_APT:-0}" != 1 ]; then
  missing=""
  for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
  done
  if [ -n "$missing" ]; then
    log "installing:$missing"
    apt-get update
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $missing
  fi
fi
if ! python3 -c 'import zstandard' 2>/dev/null; then
  log "installing the zstandard Python package (for truth.py)"
  python3 -m pip install --quiet zstandard || python3 -m pip install --quiet --break-system-packages zstandard
fi

mkdir -p "$WORK" "$OUT"
WORK=$(cd "$WORK" && pwd)
OUT=$(cd "$OUT" && pwd)
STAGE=$WORK/stage
rm -rf "$STAGE" "$WORK/ctx"
mkdir -p "$STAGE" "$WORK/ctx"

# ---------------------------------------------------------------- private dockerd
DOCKERD_PID=""
cleanup() {
  if [ -n "$DOCKERD_PID" ] && kill -0 "$DOCKERD_PID" 2>/dev/null; then
    log "stopping dockerd (pid $DOCKERD_PID)"
    kill "$DOCKERD_PID"
    for _ in $(seq 1 30); do kill -0 "$DOCKERD_PID" 2>/dev/null || break; sleep 1; done
  fi
  DOCKERD_PID=""
  # dockerd leaves its netns bind mount (and, if killed, overlay mounts) behind: unmount under $WORK
  { grep -o " $WORK/[^ ]*" /proc/mounts 2>/dev/null || true; } | sort -r | while read -r m; do umount "$m" || true; done
  if [ "${KEEP_WORK:-0}" != 1 ] && ! grep -q " $WORK/" /proc/mounts 2>/dev/null; then
    rm -rf "$WORK/docker-root" "$WORK/docker-exec" "$WORK/ctx"
  fi
  return 0
}
trap cleanup EXIT

export DOCKER_HOST=unix://$WORK/docker.sock
DOCKER=/usr/bin/docker          # the docker.io 20.10 client, whatever else is on PATH
log "starting $(/usr/sbin/dockerd --version)"
/usr/sbin/dockerd --bridge=none --iptables=false --ip-masq=false \
  --data-root "$WORK/docker-root" --exec-root "$WORK/docker-exec" \
  --pidfile "$WORK/dockerd.pid" -H "$DOCKER_HOST" >"$WORK/dockerd.log" 2>&1 &
DOCKERD_PID=$!
for _ in $(seq 1 60); do $DOCKER version >/dev/null 2>&1 && break; sleep 1; done
$DOCKER version >/dev/null
$DOCKER info 2>/dev/null | grep -E 'Server Version|Storage Driver|Native Overlay Diff' >&2

classic_build() { DOCKER_BUILDKIT=0 $DOCKER build --network host "$@"; }

# a build context = the generated app project + the Dockerfile(s) (+ .dockerignore) of one image
make_ctx() {
  local name=$1 c=$WORK/ctx/$1
  rm -rf "$c"; mkdir -p "$c"
  python3 "$HERE/gen_context.py" "$c"
  cp -a "$HERE/$name/." "$c/"
  echo "$c"
}

# ---------------------------------------------------------------- base
log "base: fathom-sample-base:1 (FROM scratch + busybox-static)"
C=$WORK/ctx/base
rm -rf "$C"; mkdir -p "$C"
cp "$HERE/base/Dockerfile" "$C/"
cp /bin/busybox "$C/busybox"
classic_build -t fathom-sample-base:1 "$C"

# ---------------------------------------------------------------- wasteful
log "wasteful: classic builder"
C=$(make_ctx wasteful)
classic_build -t wasteful:latest "$C"
$DOCKER history --no-trunc wasteful:latest >&2
$DOCKER save -o "$STAGE/wasteful.docker.tar" wasteful:latest
log "wasteful: skopeo copy to an OCI archive with zstd layers"
skopeo copy --dest-compress --dest-compress-format zstd \
  docker-archive:"$STAGE/wasteful.docker.tar" oci-archive:"$STAGE/wasteful.oci-zstd.tar":wasteful:latest

# ---------------------------------------------------------------- good
log "good: BuildKit (multi-stage, COPY --chmod/--chown, USER)"
C=$(make_ctx good)
if ! DOCKER_BUILDKIT=1 $DOCKER build --network host -t good:latest "$C"; then
  log "good: BuildKit failed, classic builder with Dockerfile.classic"
  classic_build -t good:latest -f "$C/Dockerfile.classic" "$C"
fi
$DOCKER history --no-trunc good:latest >&2
$DOCKER save -o "$STAGE/good.docker.tar" good:latest

cleanup

# ---------------------------------------------------------------- store + truth
# wasteful.docker.tar stays uncompressed, wasteful.oci-zstd.tar has compressed layers already,
# good.docker.tar is stored as good.docker.tar.zst to keep the folder small.
log "storing into $OUT"
rm -f "$OUT"/*.tar "$OUT"/*.tar.zst "$OUT"/*.truth.json
install -m 0644 "$STAGE/wasteful.docker.tar" "$OUT/wasteful.docker.tar"
install -m 0644 "$STAGE/wasteful.oci-zstd.tar" "$OUT/wasteful.oci-zstd.tar"
zstd -19 -q -f "$STAGE/good.docker.tar" -o "$OUT/good.docker.tar.zst"
chmod 0644 "$OUT/good.docker.tar.zst"

log "truth files ($TRUTH)"
for f in "$OUT/wasteful.docker.tar" "$OUT/wasteful.oci-zstd.tar" "$OUT/good.docker.tar.zst"; do
  name=$(basename "$f"); name=${name%.zst}; name=${name%.tar}
  python3 "$TRUTH" "$f" >"$OUT/$name.truth.json"
  python3 - "$OUT/$name.truth.json" <<'EOF'
import json, sys
t = json.load(open(sys.argv[1]))
if "error" in t:
    sys.exit("%s: error: %s" % (sys.argv[1], t["error"]))
print("%-28s layers=%d entries=%d shipped=%d final=%d reclaimable=%d" % (
    sys.argv[1].rsplit("/", 1)[-1], len(t["layers"]), sum(l["entries"] for l in t["layers"]),
    t["shippedBytes"], t["finalBytes"], t["reclaimableBytes"]))
EOF
done
rm -rf "$STAGE"
ls -l "$OUT" >&2
du -sh "$OUT" >&2
exit 0
