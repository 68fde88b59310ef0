#!/usr/bin/env bash
# End-to-end checks of the image sources against real components: the CNCF distribution
# registry (Debian's docker-registry) on loopback, filled with skopeo; a second one with htpasswd
# auth; a misbehaving proxy (fake_registry.py) for the bad-input cases; and, where it can start, a
# private dockerd and a private root Podman (its storage under the temporary folder). Prints one line per
# check and "N passed, M failed"; every process it started is stopped at exit.
#   Tests/e2e/sources.sh [FATHOM_BINARY]
set -u
here=$(cd "$(dirname "$0")/../.." && pwd)
bin=${1:-$here/.build/debug/fathom}
fixtures=${FATHOM_FIXTURES:-$here/../shared/fixtures}
sample=$here/SampleImages/wasteful.docker.tar
debian=$fixtures/real/debian-apt.oci-zstd.tar
multiarch=$fixtures/real/multiarch.oci.tar
work=$(mktemp -d /tmp/fathom-sources.XXXXXX)
passed=0 failed=0 skipped=0
pids=()
podman_pid=""
. "$here/Tests/e2e/dockerd.sh"
# the explorer's viewer, Y and x in tmux (view_case) on the registry's and the engine's images
tmux_sock=fathom-sources-$$
. "$here/Tests/e2e/tmux.sh"
vtmp=$work/view

stop() {  # stop PID: SIGTERM, up to 15 s to exit, then SIGKILL
  [ -n "$1" ] && kill -0 "$1" 2>/dev/null || return 0
  kill "$1"
  for _ in $(seq 1 30); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.5; done
  kill -9 "$1" 2>/dev/null
}
cleanup() {
  tm kill-server 2>/dev/null; rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$tmux_sock"
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
  stop_dockerd
  stop "$podman_pid"
  for p in "${pids[@]}" $podman_pid; do wait "$p" 2>/dev/null; done
  { grep -o " $work/[^ ]*" /proc/mounts 2>/dev/null || true; } | sort -r | while read -r m; do umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true; done
  # image storage (Podman's vfs layers) may hold read-only folders: make them writable, then remove
  rm -rf "$work" 2>/dev/null || { chmod -R u+rwX "$work" 2>/dev/null; rm -rf "$work"; }
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ok() { passed=$((passed + 1)); echo "ok   $1"; }
bad() { failed=$((failed + 1)); echo "FAIL $1"; shift; for l in "$@"; do echo "$l" | sed 's/^/    | /' | head -20; done; }
skip() { skipped=$((skipped + 1)); echo "SKIP $1"; }
mkdir -p "$work/tmp" "$vtmp"
# fathom's own TMPDIR: it must stay empty (no temporary file, whatever the source)
fathom() { env -u CI -u NO_COLOR TMPDIR="$work/tmp" "$bin" "$@"; }
# the same as a command, for the explorer in tmux (view_case): viewed=ENV... names it with ENV set
viewed() {
  printf '#!/bin/sh\nexec env -u CI -u NO_COLOR TMPDIR="%s" %s "%s" "$@"\n' "$work/tmp" "$*" "$bin" >"$work/fathom-viewed"
  chmod +x "$work/fathom-viewed"
  echo "$work/fathom-viewed"
}
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_http() {  # wait_http URL: until it answers at all (any status)
  for _ in $(seq 1 100); do curl -s -o /dev/null "$1" && return 0; sleep 0.1; done; return 1
}

# same_report NAME A.json B.json: equal apart from what legitimately differs between the two
# sources (see compare_reports.py).
same_report() {
  local out
  if out=$(python3 "$here/Tests/e2e/compare_reports.py" ${4:-} "$2" "$3" 2>&1); then ok "$1"; else bad "$1" "$out"; fi
}
# same_but_ids NAME A.json B.json: equal (--strict) but for dive's layer ids (`blobs` in an OCI layout)
same_but_ids() {
  local out
  out=$(python3 "$here/Tests/e2e/compare_reports.py" --strict "$2" "$3" 2>&1 | grep -v '^\.layer\[[0-9]*\]\.id: ')
  if [ -z "$out" ]; then ok "$1"; else bad "$1" "$out"; fi
}
# fails NAME PATTERN ARGS...: exit 2, exactly one line on stderr matching PATTERN, nothing on stdout
fails() {
  local name=$1 pattern=$2; shift 2
  fathom "$@" >"$work/out" 2>"$work/err"; local rc=$?
  local lines; lines=$(wc -l <"$work/err")
  if [ $rc -eq 2 ] && [ "$lines" -eq 1 ] && grep -Eq -- "$pattern" "$work/err" && [ ! -s "$work/out" ]; then
    ok "$name ($(cat "$work/err"))"
  else
    bad "$name: want exit 2 and one line matching '$pattern'" "exit $rc" "$(cat "$work/err")" "$(head -c 300 "$work/out")"
  fi
}

start_registry() {  # start_registry NAME PORT [AUTH_YAML]: a distribution server on 127.0.0.1:PORT
  local name=$1 port=$2
  mkdir -p "$work/$name"
  {
    echo "version: 0.1"
    echo "log: {level: error, accesslog: {disabled: true}}"
    echo "storage: {filesystem: {rootdirectory: $work/$name/data}}"
    echo "http: {addr: ${REG_ADDR:-127.0.0.1}:$port}"
    [ $# -ge 3 ] && printf '%s\n' "$3"
  } >"$work/$name/config.yml"
  /usr/bin/docker-registry serve "$work/$name/config.yml" >"$work/$name/log" 2>&1 &
  pids+=($!)
  wait_http "http://${REG_ADDR:-127.0.0.1}:$port/v2/" || { echo "registry $name did not start:"; cat "$work/$name/log"; exit 1; }
}

for tool in /usr/bin/docker-registry skopeo htpasswd curl python3 tmux; do
  command -v "$tool" >/dev/null || { echo "FAIL missing $tool (make deps-test installs docker-registry, skopeo, apache2-utils, curl, tmux)"; echo "0 passed, 1 failed"; exit 1; }
done

# ------------------------------------------------------------ anonymous registry, plain HTTP
port=$(free_port)
start_registry open "$port"
reg=127.0.0.1:$port
skopeo copy -q --dest-tls-verify=false "docker-archive:$sample" "docker://$reg/wasteful:latest" \
  && skopeo copy -q --dest-tls-verify=false "oci-archive:$debian" "docker://$reg/debian-apt:latest" \
  && skopeo copy -q --all --dest-tls-verify=false "oci-archive:$multiarch" "docker://$reg/multiarch:latest" \
  || { echo "FAIL skopeo could not fill the registry"; echo "0 passed, 1 failed"; exit 1; }

fathom "$sample" --json "$work/archive.json" || bad "archive report"
if fathom "registry://$reg/wasteful:latest" --insecure --json "$work/registry.json" 2>"$work/err"; then
  same_report "registry: wasteful equals the archive's report" "$work/archive.json" "$work/registry.json"
else bad "registry: wasteful" "$(cat "$work/err")"; fi

# fathom diff takes the same sources: the registry's copy against the archive shares every diff ID
if fathom diff "registry://$reg/wasteful:latest" "$sample" --insecure --json "$work/diff.json" 2>"$work/err" \
  && python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))["diff"]; l=d["layers"]; assert l["new"] == 0 and l["shared"] == 13 and l["downloadBytes"] == 0, l; assert d["totals"]["finalBytes"]["delta"] == 0; assert not d["files"]["changes"]' "$work/diff.json" 2>"$work/err2"; then
  ok "diff: registry:// against the archive: every layer shared, no change"
else bad "diff: registry:// against the archive" "$(cat "$work/err" "$work/err2" 2>/dev/null)"; fi

digest=$(skopeo inspect --tls-verify=false --format '{{.Digest}}' "docker://$reg/wasteful:latest")
if fathom "registry://$reg/wasteful@$digest" --insecure --json "$work/by-digest.json" 2>"$work/err"; then
  same_report "registry: by digest (@$digest)" "$work/archive.json" "$work/by-digest.json"
else bad "registry: by digest" "$(cat "$work/err")"; fi

fathom "$debian" --json "$work/debian-archive.json"
if fathom "registry://$reg/debian-apt:latest" --insecure --json "$work/debian-registry.json" 2>"$work/err"; then
  same_report "registry: debian-apt (zstd layers) equals the archive's report" "$work/debian-archive.json" "$work/debian-registry.json"
else bad "registry: debian-apt" "$(cat "$work/err")"; fi

fathom "$multiarch" --platform linux/arm64 --json "$work/multi-archive.json"
if fathom "registry://$reg/multiarch:latest" --insecure --platform linux/arm64 --json "$work/multi-registry.json" 2>"$work/err"; then
  same_report "registry: index, --platform linux/arm64 fetches that manifest only" "$work/multi-archive.json" "$work/multi-registry.json"
else bad "registry: multiarch" "$(cat "$work/err")"; fi
fails "registry: a platform the index does not have" "several platforms|no image for platform" \
  "registry://$reg/multiarch:latest" --insecure --platform linux/s390x

# the files inside a registry image's layers are read from the blob fetched again (fathom cat, extract)
if [ "$(fathom cat "registry://$reg/debian-apt:latest" /etc/debian_version --insecure 2>"$work/err")" = "$(fathom cat "$debian" /etc/debian_version)" ] \
   && fathom extract "registry://$reg/wasteful:latest" /app -o "$work/x-registry" --insecure 2>/dev/null \
   && fathom extract "$sample" /app -o "$work/x-archive" 2>/dev/null && diff -r "$work/x-registry" "$work/x-archive" >/dev/null; then
  ok "registry: cat and extract read the layers again (zstd and uncompressed), as from the archive"
else bad "registry: cat / extract" "$(cat "$work/err")"; fi
# the explorer opens, copies and extracts files of a registry image (the blobs fetched again, checked, spooled)
bin=$(viewed) view_case "registry viewer: wasteful" "registry://$reg/wasteful:latest --insecure" /app/config/app.ini "=" /bin/busybox
bin=$(viewed) view_case "registry viewer: debian-apt, zstd layers" "registry://$reg/debian-apt:latest --insecure" /usr/lib/os-release "debian" /usr/bin/dpkg

# text analysis and CI gate run on a registry image too
if fathom "registry://$reg/wasteful:latest" --insecure >"$work/text" 2>&1 && grep -q "efficiency" "$work/text"; then
  ok "registry: text analysis"
else bad "registry: text analysis" "$(head -5 "$work/text")"; fi

# ------------------------------------------------------------ bad input
fails "unknown tag" "registry://$reg/wasteful:nope: .*(not found|MANIFEST_UNKNOWN)" "registry://$reg/wasteful:nope" --insecure
fails "unknown repository" "registry://$reg/nothing-here:latest: .*(not found|NAME_UNKNOWN)" "registry://$reg/nothing-here:latest" --insecure
dead=$(free_port)
fails "registry unreachable" "registry://127.0.0.1:$dead/wasteful:latest: cannot reach .*refused" "registry://127.0.0.1:$dead/wasteful:latest" --insecure
fails "plain HTTP without --insecure" "registry://$reg/wasteful:latest: .*(TLS|SSL|--insecure)" "registry://$reg/wasteful:latest"
fails "not a reference" "registry://$reg/Bad_Name: not an image reference" "registry://$reg/Bad_Name" --insecure

fport=$(free_port)
python3 "$here/Tests/e2e/fake_registry.py" "$fport" "$port" >"$work/fake.log" 2>&1 &
pids+=($!)
wait_http "http://127.0.0.1:$fport/v2/" || { echo "fake registry did not start"; cat "$work/fake.log"; }
fake=127.0.0.1:$fport
fails "a server that answers HTML" "registry://$fake/html/app:1: .*HTML" "registry://$fake/html/app:1" --insecure
fails "manifest digest does not match" "registry://$fake/baddigest/wasteful:latest: manifest digest mismatch" "registry://$fake/baddigest/wasteful:latest" --insecure
fails "a blob cut short" "registry://$fake/short/wasteful:latest: .*(cut short|closed early|truncated)" "registry://$fake/short/wasteful:latest" --insecure
fails "a blob with the wrong digest" "registry://$fake/corrupt/wasteful:latest: .*(digest|corrupt)" "registry://$fake/corrupt/wasteful:latest" --insecure
fails "bearer token: no credentials" "registry://$fake/bearer/wasteful:latest: 401 .*no credentials for $fake" "registry://$fake/bearer/wasteful:latest" --insecure

# ------------------------------------------------------------ hostile registries (issue 16)
fails "a blob that never ends stops at its descriptor's size" \
  "registry://$fake/oversize/wasteful:latest: layer [0-9]+ \(sha256:[0-9a-f]+\) is larger than the [0-9]+ bytes its descriptor states" \
  "registry://$fake/oversize/wasteful:latest" --insecure
fails "a blob sent one byte a second is given up (--timeout 2)" \
  "registry://$fake/trickle/wasteful:latest: layer [0-9]+ \(sha256:[0-9a-f]+\): stalled: [0-9]+ bytes in 2 s, fewer than the 2048 required \(--timeout\)" \
  "registry://$fake/trickle/wasteful:latest" --insecure --timeout 2
fails "a registry that never answers is given up (--timeout 2)" \
  "registry://$fake/silent/wasteful:latest: cannot reach $fake: no answer for 2 s \(--timeout\)" \
  "registry://$fake/silent/wasteful:latest" --insecure --timeout 2
fails "escape sequences in a registry's error are shown escaped" \
  '^fathom: registry://[0-9.:]+/escape/wasteful:latest: not found in [0-9.:]+ \(404 Not Found: MANIFEST_UNKNOWN: \\x1b\[2J\\x1b\]0;owned\\x07all good\\r\\x1b\[32mPASS\)$' \
  "registry://$fake/escape/wasteful:latest" --insecure
fails "a layer of size -1 is refused" "registry://$fake/negsize/wasteful:latest: layer 0 \(sha256:[0-9a-f]+\) has a negative size \(-1\)" \
  "registry://$fake/negsize/wasteful:latest" --insecure
fails "a redirect loop ends" "registry://$fake/redirectloop/wasteful:latest: $fake: more than 5 redirects" \
  "registry://$fake/redirectloop/wasteful:latest" --insecure
# a blob fetched again for its files must be the one analysed
if out=$(fathom cat "registry://$fake/swap/wasteful:latest" /etc/passwd --insecure 2>"$work/err"); rc=$?; [ $rc = 2 ] && [ -z "$out" ] \
   && grep -Eq "^fathom: registry://$fake/swap/wasteful:latest: layer [0-9]+ \(sha256:[0-9a-f]+\) has other bytes than when it was analysed; nothing was read from it$" "$work/err"; then
  ok "a registry that answers other bytes the second time: cat refuses them, prints nothing (exit 2)"
else bad "registry swap: want exit 2, nothing printed, one line" "rc=$rc out=${out:0:40} $(cat "$work/err")"; fi
if fathom "registry://$fake/dupblob/wasteful:latest" --insecure --json "$work/dup.json" 2>"$work/err"; then
  first=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["fathom"]["layers"][0]["digest"])' "$work/dup.json" 2>/dev/null)
  count=$(curl -s "http://$fake/count/dupblob/$first")
  layers=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["layer"]))' "$work/dup.json")
  if [ "$layers" = 50 ] && [ "$count" = 1 ]; then ok "one blob named by 50 layers is fetched once ($layers layers, $count fetch)"
  else bad "one blob named by 50 layers: want 50 layers and 1 fetch" "layers $layers, fetches '$count' of '$first'"; fi
else bad "one blob named by 50 layers" "$(cat "$work/err")"; fi

# The explorer's viewer reads a registry layer by HTTP Range from where the file starts (issue 17), not
# the whole blob again: the layers pushed as they are (uncompressed, --preserve-digests), app.ini of
# layer 9 opened in the viewer, and the Range header the registry saw. CI=true would turn the CI gate on.
if skopeo copy -q --preserve-digests --dest-tls-verify=false "docker-archive:$sample" "docker://$reg/plain:1" 2>"$work/err"; then
  tmux -L "fathom-src-$$" new-session -d -x 160 -y 45 "unset CI NO_COLOR; $bin registry://$fake/ranges/plain:1 --insecure; sleep 60"
  rtm() { tmux -L "fathom-src-$$" "$@"; }
  for _ in $(seq 1 50); do rtm capture-pane -p | grep -q "Current Layer Contents" && break; sleep 0.2; done
  rtm send-keys Down Down Down Down Down Down Down Down Down Down Down Down Tab Tab /
  rtm send-keys -l app.ini; rtm send-keys Enter Down Down; sleep 0.5; rtm send-keys v
  for _ in $(seq 1 50); do rtm capture-pane -p | grep -q "app.ini  layer 9 · 44 B" && break; sleep 0.2; done
  screen=$(rtm capture-pane -p); rtm kill-server
  layer9=$(skopeo inspect --raw --tls-verify=false "docker://$reg/plain:1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["layers"][9]["digest"])')
  ranges=$(curl -s "http://$fake/ranges/$layer9")
  if echo "$screen" | grep -q "/app/config/app.ini  layer 9 · 44 B" && echo "$screen" | grep -Eq "^ +3 level=info" \
     && [ "$ranges" = "whole,bytes=1536-" ]; then
    ok "viewer: a registry layer's file is read by Range from its offset (fetches of layer 9: $ranges)"
  else bad "viewer: Range read from the registry" "fetches of layer 9: '$ranges'" "$screen"; fi
else bad "skopeo --preserve-digests" "$(cat "$work/err")"; fi

# ------------------------------------------------------------ a real HTTP proxy (tinyproxy) on loopback
# Loopback destinations are never proxied (as in Go's registry clients), so the proxied registry listens
# on this machine's first non-loopback address.
ext=$(hostname -I 2>/dev/null | tr ' ' '\n' | grep -E '^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$' | grep -v '^127\.' | head -1)
if ! command -v tinyproxy >/dev/null; then
  bad "tinyproxy is not installed (make deps-test installs it)"
elif [ -z "$ext" ]; then
  skip "HTTP proxy: this machine has no non-loopback IPv4 address (loopback is never proxied)"
else
  eport=$(free_port)
  REG_ADDR=$ext start_registry external "$eport"
  xreg=$ext:$eport
  skopeo copy -q --dest-tls-verify=false "docker-archive:$sample" "docker://$xreg/wasteful:latest" || bad "skopeo push to $xreg"
  pport=$(free_port)
  printf 'Port %s\nListen 127.0.0.1\nTimeout 30\nMaxClients 20\nAllow 127.0.0.1\nLogFile "%s"\nLogLevel Connect\nPidFile "%s"\n' \
    "$pport" "$work/tinyproxy.log" "$work/tinyproxy.pid" >"$work/tinyproxy.conf"
  tinyproxy -d -c "$work/tinyproxy.conf" >"$work/tinyproxy.out" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 50); do curl -s -o /dev/null -x "http://127.0.0.1:$pport" "http://$xreg/v2/" && break; sleep 0.1; done
  proxied() {  # proxied NAME WANT(yes|no) ENV...: fathom reads $xreg with ENV; tinyproxy saw its blobs or not
    local name=$1 want=$2; shift 2
    : >"$work/tinyproxy.log"
    if env -u CI -u NO_COLOR TMPDIR="$work/tmp" "$@" "$bin" "registry://$xreg/wasteful:latest" --insecure --json "$work/proxied.json" 2>"$work/err"; then
      local saw=no; grep -q "$xreg/v2/wasteful/blobs/" "$work/tinyproxy.log" && saw=yes
      if [ "$saw" = "$want" ]; then same_report "$name" "$work/archive.json" "$work/proxied.json"
      else bad "$name: the proxy saw the blob requests: $saw, want $want" "$(tail -3 "$work/tinyproxy.log")"; fi
    else bad "$name" "$(cat "$work/err")"; fi
  }
  proxied "HTTP_PROXY: the registry through tinyproxy (it saw the blob requests)" yes HTTP_PROXY=http://127.0.0.1:$pport
  proxied "NO_PROXY=localhost,$ext: reached directly, the proxy sees nothing" no http_proxy=http://127.0.0.1:$pport NO_PROXY=localhost,$ext
  proxied "NO_PROXY with a CIDR block ($ext/24): reached directly" no HTTP_PROXY=http://127.0.0.1:$pport NO_PROXY=$ext/24
  proxied "NO_PROXY=$ext:$eport (this port): reached directly" no HTTP_PROXY=http://127.0.0.1:$pport NO_PROXY=$ext:$eport
  proxied "NO_PROXY=$ext:1 (another port): proxied" yes HTTP_PROXY=http://127.0.0.1:$pport NO_PROXY=$ext:1
  proxied "NO_PROXY=*: nothing proxied" no HTTP_PROXY=http://127.0.0.1:$pport "NO_PROXY=*"
  deadproxy=$(free_port)
  HTTP_PROXY=http://127.0.0.1:$deadproxy fails "a proxy that refuses: named in the error" \
    "registry://$xreg/wasteful:latest: cannot reach $xreg: cannot connect through the proxy http://127.0.0.1:$deadproxy" \
    "registry://$xreg/wasteful:latest" --insecure
  if HTTP_PROXY=http://127.0.0.1:$deadproxy fathom "registry://$reg/wasteful:latest" --insecure --json "$work/loopback.json" 2>"$work/err"; then
    same_report "a loopback registry is never proxied (HTTP_PROXY names a dead proxy)" "$work/archive.json" "$work/loopback.json"
  else bad "loopback not proxied" "$(cat "$work/err")"; fi
fi

# ------------------------------------------------------------ credentials: ~/.docker/config.json
mkdir -p "$work/home/.docker" "$work/badhome/.docker"
auth=$(printf 'fathom:s3cret' | base64)
wrong=$(printf 'fathom:wrong' | base64)
aport=$(free_port)
htpasswd -Bbn fathom s3cret >"$work/htpasswd"
start_registry auth "$aport" "auth: {htpasswd: {realm: fathom-test, path: $work/htpasswd}}"
areg=127.0.0.1:$aport
printf '{"auths":{"%s":{"auth":"%s"},"%s":{"auth":"%s"}}}\n' "$areg" "$auth" "$fake" "$auth" >"$work/home/.docker/config.json"
printf '{"auths":{"%s":{"auth":"%s"}}}\n' "$areg" "$wrong" >"$work/badhome/.docker/config.json"
skopeo copy -q --dest-tls-verify=false --dest-creds fathom:s3cret "docker-archive:$sample" "docker://$areg/wasteful:latest" \
  || bad "skopeo push to the auth registry"
if HOME=$work/home fathom "registry://$areg/wasteful:latest" --insecure --json "$work/auth.json" 2>"$work/err"; then
  same_report "registry with htpasswd auth (Basic challenge), credentials from ~/.docker/config.json" "$work/archive.json" "$work/auth.json"
else bad "registry with auth" "$(cat "$work/err")"; fi
if HOME=$work/home fathom "registry://$fake/bearer/wasteful:latest" --insecure --json "$work/bearer.json" 2>"$work/err"; then
  same_report "registry with a Bearer token service (WWW-Authenticate flow)" "$work/archive.json" "$work/bearer.json"
else bad "bearer token" "$(cat "$work/err")"; fi
HOME=$work/nohome fails "auth registry, no credentials" "registry://$areg/wasteful:latest: 401 Unauthorized \(no credentials for $areg in .*config.json\)" "registry://$areg/wasteful:latest" --insecure
HOME=$work/badhome fails "auth registry, wrong password" "registry://$areg/wasteful:latest: 401 Unauthorized \(the credentials for $areg in .*config.json were refused\)" "registry://$areg/wasteful:latest" --insecure
# hostile registries that need credentials configured: none may reach the wrong place
HOME=$work/home fails "a token realm on a Unix socket: refused, no credential sent" \
  "registry://$fake/unixrealm/wasteful:latest: the registry's token realm 'http\+unix://%2Ftmp%2Ffathom-evil.sock/token' is not an https URL; no credentials were sent" \
  "registry://$fake/unixrealm/wasteful:latest" --insecure
HOME=$work/home fails "a plain-http token realm on another host: refused" \
  "registry://$fake/httprealm/wasteful:latest: the registry's token realm 'http://other-host.invalid:9/token' is plain http on another host; no credentials were sent" \
  "registry://$fake/httprealm/wasteful:latest" --insecure
if HOME=$work/home fathom "registry://$fake/bearerredirect/wasteful:latest" --insecure --json "$work/redirect.json" 2>"$work/err"; then
  same_report "blobs redirected to another host get no Authorization header (the storage host refuses one)" "$work/archive.json" "$work/redirect.json"
else bad "bearer + redirect to another host" "$(cat "$work/err")"; fi

# credentials for 127.0.0.1:PORT never go to 127.0.0.2:PORT (another host, same port): a recorder there
# asks for Basic credentials and logs every Authorization header it is sent
cat >"$work/recorder.py" <<'PY'
import http.server, sys
class H(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a): pass
    def do_GET(self):
        with open(sys.argv[3], "a") as f: f.write("%s %s\n" % (self.path, self.headers.get("Authorization", "-")))
        self.send_response(401); self.send_header("WWW-Authenticate", 'Basic realm="recorder"')
        self.send_header("Content-Length", "0"); self.end_headers()
http.server.HTTPServer((sys.argv[1], int(sys.argv[2])), H).serve_forever()
PY
: >"$work/recorder.log"
python3 "$work/recorder.py" 127.0.0.2 "$aport" "$work/recorder.log" &
pids+=($!)
wait_http "http://127.0.0.2:$aport/v2/"
HOME=$work/home fails "credentials for $areg are not sent to 127.0.0.2:$aport" \
  "registry://127.0.0.2:$aport/wasteful:latest: 401 Unauthorized \(no credentials for 127.0.0.2:$aport in ~/.docker/config.json\)" \
  "registry://127.0.0.2:$aport/wasteful:latest" --insecure
if grep -qv ' -$' "$work/recorder.log" || ! grep -q '^/v2/' "$work/recorder.log"; then
  bad "127.0.0.2 was sent an Authorization header (or no request)" "$(cat "$work/recorder.log")"
else ok "127.0.0.2:$aport got requests, none with an Authorization header"; fi

# ------------------------------------------------------------ credential helpers (issue 19)
# helper scripts written here, run as docker-credential-NAME get: the server URL on standard input
mkdir -p "$work/helpers" "$work/hhome/.docker"
helper() { printf '#!/bin/sh\n%s\n' "$2" >"$work/helpers/docker-credential-$1"; chmod +x "$work/helpers/docker-credential-$1"; }
helper good 'read url; [ "$url" = "'"$areg"'" ] || [ "$url" = "'"$fake"'" ] || exit 1; printf "{\"ServerURL\":\"%s\",\"Username\":\"fathom\",\"Secret\":\"s3cret\"}" "$url"'
helper token 'printf "{\"ServerURL\":\"x\",\"Username\":\"<token>\",\"Secret\":\"fathom-refresh-token\"}"'
helper failing 'echo "error getting credentials - err: exit status 2, out: pass store is locked" >&2; exit 1'
helper slow 'sleep 60'
helper garbage 'echo "Username: fathom, Secret: s3cret-garbage"'
hpath=$work/helpers:$PATH
printf '{"credsStore":"good"}\n' >"$work/hhome/.docker/config.json"
if HOME=$work/hhome PATH=$hpath fathom "registry://$areg/wasteful:latest" --insecure --json "$work/helper.json" 2>"$work/err"; then
  same_report "credsStore helper: htpasswd registry (Basic) with the credentials docker-credential-good gives" "$work/archive.json" "$work/helper.json"
else bad "credsStore helper" "$(cat "$work/err")"; fi
if HOME=$work/hhome PATH=$hpath fathom "registry://$fake/bearer/wasteful:latest" --insecure --json "$work/helperb.json" 2>"$work/err"; then
  same_report "credsStore helper: Bearer token service" "$work/archive.json" "$work/helperb.json"
else bad "credsStore helper, bearer" "$(cat "$work/err")"; fi
printf '{"credsStore":"failing","credHelpers":{"%s":"token"}}\n' "$fake" >"$work/hhome/.docker/config.json"
if HOME=$work/hhome PATH=$hpath fathom "registry://$fake/bearer/wasteful:latest" --insecure --json "$work/identity.json" 2>"$work/err"; then
  same_report "credHelpers[host] before credsStore; an identity token (<token>) exchanged at the realm (POST grant_type=refresh_token)" "$work/archive.json" "$work/identity.json"
else bad "identity token" "$(cat "$work/err")"; fi
printf '{"credHelpers":{"%s":"token"}}\n' "$areg" >"$work/hhome/.docker/config.json"
HOME=$work/hhome PATH=$hpath fails "identity token and a Basic challenge: one line, no secret" \
  "registry://$areg/wasteful:latest: 401 Unauthorized: the registry asks for a password, and the credentials for $areg from docker-credential-token \\(credHelpers of ~/.docker/config.json\\) are an identity token" \
  "registry://$areg/wasteful:latest" --insecure
for h in failing slow garbage missing; do
  printf '{"credsStore":"%s"}\n' "$h" >"$work/hhome/.docker/config.json"
  case $h in
    failing) why="failed \\(exit status 1\\): error getting credentials - err: exit status 2, out: pass store is locked" ;;
    slow) why="did not answer within 2 s \\(--timeout\\)" ;;
    garbage) why='answered something that is not \{"ServerURL", "Username", "Secret"\} JSON' ;;
    missing) why="is not installed \\(no docker-credential-missing in PATH\\)" ;;
  esac
  HOME=$work/hhome PATH=$hpath fails "credential helper '$h': one line naming the helper and the registry" \
    "^fathom: registry://$areg/wasteful:latest: credential helper docker-credential-$h \\(credsStore of ~/.docker/config.json\\) for $areg: $why\$" \
    "registry://$areg/wasteful:latest" --insecure --timeout 2
  if grep -q "s3cret" "$work/err"; then bad "credential helper '$h': its output reached the message" "$(cat "$work/err")"; fi
done
# containers auth.json: REGISTRY_AUTH_FILE before ~/.config/containers/auth.json before ~/.docker/config.json
mkdir -p "$work/chome/.config/containers" "$work/chome/.docker"
printf '{"auths":{"%s":{"auth":"%s"}}}\n' "$areg" "$wrong" >"$work/chome/.docker/config.json"
printf '{"auths":{"%s/wasteful":{"auth":"%s"},"%s":{"auth":"%s"}}}\n' "$areg" "$auth" "$areg" "$wrong" >"$work/chome/.config/containers/auth.json"
if HOME=$work/chome fathom "registry://$areg/wasteful:latest" --insecure --json "$work/cauth.json" 2>"$work/err"; then
  same_report "~/.config/containers/auth.json: its namespace key $areg/wasteful before its host key and before ~/.docker/config.json" "$work/archive.json" "$work/cauth.json"
else bad "containers auth.json" "$(cat "$work/err")"; fi
printf '{"auths":{"%s":{"auth":"%s"}}}\n' "$areg" "$wrong" >"$work/explicit-auth.json"
HOME=$work/chome REGISTRY_AUTH_FILE=$work/explicit-auth.json fails "REGISTRY_AUTH_FILE is read first (its wrong password is the one refused)" \
  "401 Unauthorized \\(the credentials for $areg in $work/explicit-auth.json were refused\\)" \
  "registry://$areg/wasteful:latest" --insecure

# ------------------------------------------------------------ timing: debian-apt, registry vs archive
t0=$(date +%s.%N); fathom "$debian" --json /dev/null; t1=$(date +%s.%N)
fathom "registry://$reg/debian-apt:latest" --insecure --json /dev/null; t2=$(date +%s.%N)
echo "time debian-apt: archive $(python3 -c "print(f'{$t1-$t0:.2f}')") s, loopback registry $(python3 -c "print(f'{$t2-$t1:.2f}')") s"

# ------------------------------------------------------------ explicit archive kinds
if fathom "docker-archive:$sample" --json "$work/da.json" 2>"$work/err"; then same_report "docker-archive: prefix" "$work/archive.json" "$work/da.json" --strict
else bad "docker-archive: prefix" "$(cat "$work/err")"; fi
fails "oci-archive: on a docker-archive" "oci-archive:$sample: .*not an OCI layout" "oci-archive:$sample"
fails "docker-archive: on an OCI archive" "docker-archive:$debian: .*not a docker-archive" "docker-archive:$debian"
fails "oci: on a file" "oci:$debian: not a directory" "oci:$debian"
if fathom --source oci-archive "$debian" --json "$work/oa.json" 2>"$work/err"; then same_report "--source oci-archive" "$work/debian-archive.json" "$work/oa.json"
else bad "--source oci-archive" "$(cat "$work/err")"; fi
fails "--source with an unknown kind" "--source: 'ftp' is not one of" --source ftp "$sample"

# ------------------------------------------------------------ Docker engine
if ! start_dockerd "$work"; then
  skip "Docker engine: $dockerd_why"
else
  sock=$docker_sock
  if ! DOCKER_HOST=unix://$sock $DOCKER load -q -i "$sample" >/dev/null 2>"$work/err"; then
    skip "Docker engine: docker load failed ($(cat "$work/err"))"
  else
    if DOCKER_HOST=unix://$sock fathom docker://wasteful:latest --json "$work/docker.json" 2>"$work/err"; then
      same_report "docker://wasteful:latest equals the archive's report (all but fathom.source)" "$work/archive.json" "$work/docker.json" --strict
    else bad "docker://wasteful:latest" "$(cat "$work/err")"; fi
    if DOCKER_HOST=unix://$sock fathom wasteful --json "$work/docker2.json" 2>"$work/err"; then
      same_report "a name that is not a path asks the engine (wasteful → wasteful:latest)" "$work/archive.json" "$work/docker2.json" --strict
    else bad "implicit engine" "$(cat "$work/err")"; fi
    if DOCKER_HOST=unix://$sock fathom extract docker://wasteful:latest /app -o "$work/x-engine" 2>"$work/err" \
       && fathom extract "$sample" /app -o "$work/x-engine-archive" 2>/dev/null && diff -r "$work/x-engine" "$work/x-engine-archive" >/dev/null; then
      ok "docker://: extract asks the engine again for the image and writes what the archive has"
    else bad "docker:// extract" "$(cat "$work/err")"; fi
    bin=$(viewed DOCKER_HOST=unix://$sock) view_case "engine viewer: docker://wasteful" docker://wasteful:latest /app/config/app.ini "=" /bin/busybox
    DOCKER_HOST=unix://$sock fails "engine: unknown image" "docker://nope:1: no such image in the Docker engine at unix://$sock \(pull it first, or add --pull\)" docker://nope:1
  fi
fi
# ------------------------------------------------------------ a hostile engine (issue 16)
fsock=$work/fake-engine.sock
python3 "$here/Tests/e2e/fake_engine.py" "$fsock" "$sample" >"$work/fake-engine.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 50); do [ -S "$fsock" ] && break; sleep 0.1; done
if DOCKER_HOST=unix://$fsock fathom docker://good:1 --json "$work/fake-engine.json" 2>"$work/err"; then
  same_report "fake engine: an archive stream reads as the file" "$work/archive.json" "$work/fake-engine.json" --strict
else bad "fake engine: good:1" "$(cat "$work/err")"; fi
if out=$(DOCKER_HOST=unix://$fsock fathom cat docker://swap:1 /etc/passwd 2>"$work/err"); rc=$?; [ $rc = 2 ] && [ -z "$out" ] \
   && grep -Eq "^fathom: docker://swap:1: layer [0-9]+ \(sha256:[0-9a-f]+\) has other bytes than when it was analysed; nothing was read from it$" "$work/err"; then
  ok "an engine that answers another image the second time: cat refuses it, prints nothing (exit 2)"
else bad "engine swap: want exit 2, nothing printed, one line" "rc=$rc out=${out:0:40} $(cat "$work/err")"; fi
DOCKER_HOST=unix://$fsock fails "an engine that sends one byte a second is given up (--timeout 2)" \
  "docker://trickle:1: the archive stream was cut short after [0-9]+ bytes \(stalled: [0-9]+ bytes in 2 s, fewer than the 2048 required \(--timeout\)\)" \
  docker://trickle:1 --timeout 2
DOCKER_HOST=unix://$fsock fails "an engine that never answers is given up (--timeout 2)" \
  "docker://silent:1: cannot reach the Docker engine at unix://$fsock: no answer for 2 s \(--timeout\)" docker://silent:1 --timeout 2
DOCKER_HOST=unix://$fsock fails "escape sequences in an engine's error are shown escaped" \
  '^fathom: docker://escape:1: the Docker engine at unix://[^ ]+ answered 500 Internal Server Error \(\\x1b\[2J\\x1b\]0;owned\\x07image is fine\\r\\x1b\[32mPASS\)$' docker://escape:1

# Docker contexts (issue 19), made by the docker command itself: DOCKER_HOST, else DOCKER_CONTEXT, else currentContext
if command -v docker >/dev/null && DOCKER_CONFIG=$work/ctx docker context create fake --docker "host=unix://$fsock" >/dev/null 2>"$work/err" \
   && DOCKER_CONFIG=$work/ctx docker context create remote --docker "host=ssh://builder@build-host" >/dev/null 2>&1 \
   && DOCKER_CONFIG=$work/ctx docker context use fake >/dev/null 2>&1; then
  if DOCKER_CONFIG=$work/ctx fathom docker://good:1 --json "$work/ctx.json" 2>"$work/err"; then
    same_report "docker context use fake: the engine at the context's unix:// endpoint" "$work/archive.json" "$work/ctx.json" --strict
  else bad "currentContext" "$(cat "$work/err")"; fi
  DOCKER_CONFIG=$work/ctx DOCKER_CONTEXT=remote fails "an ssh:// context: one line, not supported yet" \
    "^fathom: docker://good:1: Docker context 'remote' 'ssh://builder@build-host': only unix:// sockets are supported \(ssh:// is not supported yet\)$" docker://good:1
  DOCKER_CONFIG=$work/ctx DOCKER_CONTEXT=nope fails "an unknown context: one line" "^fathom: docker://good:1: Docker context 'nope' not found \(DOCKER_CONTEXT names it" docker://good:1
  DOCKER_CONFIG=$work/ctx DOCKER_HOST=unix://$work/no.sock fails "DOCKER_HOST wins over the current context" \
    "docker://good:1: no Docker engine at unix://$work/no.sock" docker://good:1
  DOCKER_CONFIG=$work/ctx DOCKER_CONTEXT=default fails "DOCKER_CONTEXT=default is /var/run/docker.sock" "unix:///var/run/docker.sock" docker://nonexistent-for-fathom:1
else skip "Docker contexts: the docker command cannot create one ($(cat "$work/err"))"; fi
# Podman connections: CONTAINER_HOST, else CONTAINER_CONNECTION, else the default connection
: >"$work/containers.conf"
if command -v podman >/dev/null \
   && CONTAINERS_CONF=$work/containers.conf podman system connection add --default fakep "unix://$fsock" >/dev/null 2>"$work/err"; then
  if CONTAINERS_CONF=$work/containers.conf fathom podman://good:1 --json "$work/pconn.json" 2>"$work/err"; then
    same_report "podman system connection add --default: the connection's socket" "$work/archive.json" "$work/pconn.json" --strict
  else bad "podman default connection" "$(cat "$work/err")"; fi
  CONTAINERS_CONF=$work/containers.conf CONTAINER_CONNECTION=nope fails "an unknown Podman connection: one line" \
    "^fathom: podman://good:1: Podman connection 'nope' not found" podman://good:1
else skip "Podman connections: podman system connection add failed ($(cat "$work/err"))"; fi

DOCKER_HOST=unix://$work/no.sock fails "engine: no socket" "docker://wasteful:latest: no Docker engine at unix://$work/no.sock" docker://wasteful:latest
DOCKER_HOST=unix://$work/no.sock fails "a name that is neither a file nor in an engine" "nosuchimage: no such file, and no Docker engine" nosuchimage
DOCKER_HOST=tcp://1.2.3.4:2375 fails "DOCKER_HOST tcp:// is refused clearly" "only unix:// sockets" docker://wasteful

# ------------------------------------------------------------ containerd (issue 19)
# A containerd of its own (socket, root and state under $work), the sample imported by ctr.
start_containerd() {
  command -v containerd >/dev/null && command -v ctr >/dev/null || { ctrd_why="containerd is not installed (apt-get install containerd)"; return 1; }
  [ "$(id -u)" = 0 ] || { ctrd_why="containerd needs root"; return 1; }
  mkdir -p "$work/ctrd"
  printf 'version = 2\nroot = "%s/ctrd/root"\nstate = "%s/ctrd/state"\ndisabled_plugins = ["io.containerd.grpc.v1.cri"]\n[grpc]\n  address = "%s/ctrd/sock"\n[ttrpc]\n  address = "%s/ctrd/sock.ttrpc"\n[debug]\n  address = ""\n[metrics]\n  address = ""\n' \
    "$work" "$work" "$work" "$work" >"$work/ctrd/config.toml"
  containerd --config "$work/ctrd/config.toml" >"$work/ctrd/log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 100); do [ -S "$work/ctrd/sock" ] && ctr --address "$work/ctrd/sock" version >/dev/null 2>&1 && return 0; sleep 0.1; done
  ctrd_why="containerd did not start ($(tail -1 "$work/ctrd/log"))"; return 1
}
if ! start_containerd; then
  skip "containerd: $ctrd_why"
else
  csock=$work/ctrd/sock
  ctr --address "$csock" -n fathom images import --no-unpack "$sample" >/dev/null 2>"$work/err" || bad "ctr images import" "$(cat "$work/err")"
  if fathom containerd://wasteful:latest --containerd-address "$csock" --namespace fathom --json "$work/containerd.json" 2>"$work/err"; then
    same_but_ids "containerd://wasteful:latest (ctr images import): the archive's report, all but fathom.source and dive's layer ids (OCI: blobs)" "$work/archive.json" "$work/containerd.json"
  else bad "containerd://wasteful:latest" "$(cat "$work/err")"; fi
  fathom cat containerd://wasteful:latest /app/config/app.ini --containerd-address "$csock" --namespace fathom >"$work/ccat" 2>"$work/err"
  if fathom cat "$sample" /app/config/app.ini | cmp -s - "$work/ccat"; then ok "containerd: cat reads the file again (ctr images export), the archive's bytes"
  else bad "containerd: cat" "$(cat "$work/err")"; fi
  t0=$(date +%s.%N); fathom containerd://wasteful --containerd-address "$csock" --namespace fathom --json /dev/null; t1=$(date +%s.%N)
  fathom "$sample" --json /dev/null; t2=$(date +%s.%N)
  fathom "registry://$reg/wasteful:latest" --insecure --json /dev/null; t3=$(date +%s.%N)
  echo "time wasteful sample: archive $(python3 -c "print(f'{$t2-$t1:.2f}')") s, containerd $(python3 -c "print(f'{$t1-$t0:.2f}')") s, loopback registry $(python3 -c "print(f'{$t3-$t2:.2f}')") s"
  if CONTAINERD_ADDRESS=$csock CONTAINERD_NAMESPACE=fathom fathom containerd://docker.io/library/wasteful:latest --json "$work/containerd2.json" 2>"$work/err"; then
    same_but_ids "CONTAINERD_ADDRESS and CONTAINERD_NAMESPACE; the name as containerd lists it" "$work/archive.json" "$work/containerd2.json"
  else bad "containerd from the environment" "$(cat "$work/err")"; fi
  if CONTAINERD_ADDRESS=$csock CONTAINERD_NAMESPACE=fathom fathom diff --json "$work/cdiff.json" containerd://wasteful "$sample" 2>"$work/err" \
     && python3 -c "import json,sys; d=json.load(open(sys.argv[1]))['diff']; sys.exit(0 if d['files']['changes']==[] and d['totals']['finalBytes']['delta']==0 else 1)" "$work/cdiff.json"; then
    ok "fathom diff containerd://wasteful SAMPLE: identical"
  else bad "fathom diff with containerd" "$(cat "$work/err")"; fi
  fails "containerd: an image it does not have" \
    "^fathom: containerd://nope:1: no image docker.io/library/nope:1 in the containerd at unix://$csock \(namespace fathom\)$" \
    containerd://nope:1 --containerd-address "$csock" --namespace fathom
  fails "containerd: the image is in another namespace" "no image docker.io/library/wasteful:latest in the containerd at unix://$csock \(namespace default\)" \
    containerd://wasteful --containerd-address "$csock"
  # a layer containerd does not have (lazily pulled, or garbage-collected)
  zstd -dc "$here/SampleImages/good.docker.tar.zst" >"$work/good.tar"
  ctr --address "$csock" -n partial images import --no-unpack "$work/good.tar" >/dev/null 2>&1
  gone=$(ctr --address "$csock" -n partial content ls -q 2>/dev/null | while read -r d; do
    ctr --address "$csock" -n partial content get "$d" 2>/dev/null | python3 -c "import json,sys
try: m=json.load(sys.stdin); print(m['layers'][3]['digest'])
except Exception: pass" 2>/dev/null; done | head -1)
  if [ -n "$gone" ] && ctr --address "$csock" -n partial content rm "$gone" >/dev/null 2>&1; then
    fails "containerd: an image with a layer missing from the content store" \
      "containerd://good: the containerd at unix://$csock \(namespace partial\) does not have all of docker.io/library/good:latest's content \(a layer not pulled, or garbage-collected\): .*$gone" \
      containerd://good --containerd-address "$csock" --namespace partial
  else bad "containerd: could not remove a layer blob to test a partial image"; fi
fi
fails "containerd: no socket" "^fathom: containerd://app:1: no containerd at unix://$work/none.sock \(no such socket" containerd://app:1 --containerd-address "$work/none.sock"

# ------------------------------------------------------------ Podman
# Root podman with all its state under $work/podman: vfs storage (no overlay mount), cgroupfs, events
# in a file. The two configuration files are named by CONTAINERS_STORAGE_CONF and CONTAINERS_CONF, which
# podman reads: the `podman save` fathom runs when no socket is up then sees the same storage.
pmdir=$work/podman
mkdir -p "$pmdir/xdg/podman" "$pmdir/no-socket" "$pmdir/fakebin"
chmod 700 "$pmdir/xdg" "$pmdir/no-socket"
printf '[storage]\ndriver = "vfs"\ngraphroot = "%s/root"\nrunroot = "%s/runroot"\n' "$pmdir" "$pmdir" >"$pmdir/storage.conf"
printf '%s\n' '[engine]' 'cgroup_manager = "cgroupfs"' 'events_logger = "file"' \
  "events_logfile_path = \"$pmdir/events.log\"" "tmp_dir = \"$pmdir/tmp\"" "static_dir = \"$pmdir/libpod\"" \
  "volume_path = \"$pmdir/volumes\"" '[network]' "network_config_dir = \"$pmdir/networks\"" >"$pmdir/containers.conf"
export CONTAINERS_STORAGE_CONF=$pmdir/storage.conf CONTAINERS_CONF=$pmdir/containers.conf
unset CONTAINER_HOST   # fathom's first choice of Podman socket (and podman's remote mode): only where a check sets it
psock=$pmdir/xdg/podman/podman.sock
# podman_same NAME REPORT: equal to the archive's report apart from fathom.source and dive's layer ids
# (podman save writes skopeo's docker-archive layout, a layer is <diff ID>.tar, not <id>/layer.tar),
# and equal (--strict) to the report of the archive `podman save -o` writes.
podman_same() {
  local compare="$here/Tests/e2e/compare_reports.py" out
  out=$(python3 "$compare" --strict "$work/archive.json" "$2" 2>&1 | grep -v '^\.layer\[[0-9]*\]\.id: '
        python3 "$compare" --strict "$work/podman-saved.json" "$2" 2>&1)
  if [ -z "$out" ]; then ok "$1"; else bad "$1" "$out"; fi
}
if ! command -v podman >/dev/null; then
  skip "podman: not installed (apt-get install podman)"
elif [ "$(id -u)" != 0 ]; then
  skip "podman: needs root (this set-up runs root podman with its storage in a temporary folder)"
elif ! podman info >/dev/null 2>"$work/err"; then
  skip "podman: cannot run here ($(tail -1 "$work/err"))"
elif ! podman load -q -i "$sample" >/dev/null 2>"$work/err" \
  || ! podman save -q --format docker-archive -o "$pmdir/saved.tar" wasteful:latest 2>"$work/err" \
  || ! fathom "$pmdir/saved.tar" --json "$work/podman-saved.json" 2>"$work/err"; then
  skip "podman: podman load/save failed ($(tail -1 "$work/err"))"
else
  echo "     ($(podman --version); vfs storage, cgroupfs, file events, all under $pmdir)"
  # the socket: the service at $XDG_RUNTIME_DIR/podman/podman.sock, where fathom looks
  podman system service --time=0 "unix://$psock" >"$pmdir/service.log" 2>&1 &
  podman_pid=$!
  for _ in $(seq 1 100); do curl -sf --unix-socket "$psock" http://d/_ping >/dev/null 2>&1 && break; sleep 0.1; done
  if ! curl -sf --unix-socket "$psock" http://d/_ping >/dev/null 2>&1; then
    skip "podman: the service did not start ($(tail -1 "$pmdir/service.log"))"
  else
    if XDG_RUNTIME_DIR=$pmdir/xdg fathom podman://wasteful:latest --json "$work/podman-socket.json" 2>"$work/err"; then
      podman_same "podman socket: podman://wasteful:latest equals the archive's report (all but fathom.source, layer ids)" "$work/podman-socket.json"
    else bad "podman socket: podman://wasteful:latest" "$(cat "$work/err")"; fi
    XDG_RUNTIME_DIR=$pmdir/xdg fathom cat podman://wasteful:latest /app/config/app.ini >"$work/pcat" 2>"$work/err"
    if fathom cat "$sample" /app/config/app.ini | cmp -s - "$work/pcat"; then ok "podman socket: cat reads the file again, the archive's bytes"
    else bad "podman socket: cat" "$(cat "$work/err")"; fi
    if XDG_RUNTIME_DIR=$pmdir/no-socket CONTAINER_HOST=unix://$psock fathom podman://wasteful --json "$work/podman-host.json" 2>"$work/err"; then
      podman_same "podman socket from CONTAINER_HOST, podman://wasteful (→ wasteful:latest)" "$work/podman-host.json"
    else bad "podman socket from CONTAINER_HOST" "$(cat "$work/err")"; fi
    XDG_RUNTIME_DIR=$pmdir/xdg fails "podman socket: unknown image" \
      "^fathom: podman://nope:1: no such image in the Podman service at unix://$psock \(pull it first, or add --pull\)$" podman://nope:1
  fi
  stop "$podman_pid"; wait "$podman_pid" 2>/dev/null; podman_pid=""
  # no socket: fathom runs `podman save`, which finds the storage through CONTAINERS_*_CONF
  if [ -e /run/podman/podman.sock ]; then
    skip "podman save: /run/podman/podman.sock exists here, fathom would use that socket"
  else
    if XDG_RUNTIME_DIR=$pmdir/no-socket fathom podman://wasteful:latest --json "$work/podman-save.json" 2>"$work/err"; then
      podman_same "podman save (no socket): podman://wasteful:latest equals the archive's report" "$work/podman-save.json"
    else bad "podman save: podman://wasteful:latest" "$(cat "$work/err")"; fi
    XDG_RUNTIME_DIR=$pmdir/no-socket fathom cat podman://wasteful:latest /app/config/app.ini >"$work/pcat" 2>"$work/err"
    if fathom cat "$sample" /app/config/app.ini | cmp -s - "$work/pcat"; then ok "podman save: cat runs podman save again for the file, the archive's bytes"
    else bad "podman save: cat" "$(cat "$work/err")"; fi
    XDG_RUNTIME_DIR=$pmdir/no-socket fails "podman save: unknown image" \
      "^fathom: podman://nope:1: podman save failed: .*nope:1: image not known$" podman://nope:1
  fi
fi
# what fathom makes of the `podman save` command's output and errors: a fake podman first in PATH
if [ -e /run/podman/podman.sock ]; then
  skip "podman save, fake command: /run/podman/podman.sock exists here"
else
  printf '#!/bin/sh\nhead -c 20000000 /dev/urandom\n' >"$pmdir/fakebin/podman"
  chmod +x "$pmdir/fakebin/podman"
  PATH=$pmdir/fakebin:$PATH XDG_RUNTIME_DIR=$pmdir/no-socket fails "podman save writes a bad archive: its error, not podman's broken pipe" \
    "^fathom: podman://wasteful: not a tar archive" podman://wasteful
  printf '#!/bin/sh\nhead -c 200000 /dev/zero | tr "\\000" x >&2; echo >&2; echo "Error: no storage" >&2; exit 125\n' >"$pmdir/fakebin/podman"
  timeout 60 env -u CI -u NO_COLOR TMPDIR="$work/tmp" PATH="$pmdir/fakebin:$PATH" XDG_RUNTIME_DIR="$pmdir/no-socket" \
    "$bin" podman://wasteful >"$work/out" 2>"$work/err"; rc=$?
  if [ $rc -eq 2 ] && [ "$(cat "$work/err")" = "fathom: podman://wasteful: podman save failed: Error: no storage" ] && [ ! -s "$work/out" ]; then
    ok "podman save writes 200 KB on stderr and fails: no deadlock, its last line reported"
  else bad "podman save with 200 KB on stderr: want exit 2 (124: timed out)" "exit $rc" "$(tail -c 300 "$work/err")"; fi
fi
unset CONTAINERS_STORAGE_CONF CONTAINERS_CONF

leftover=$(ls -A "$work/tmp")
[ -z "$leftover" ] && ok "nothing left behind in fathom's TMPDIR" || bad "left behind in TMPDIR: $leftover"

echo "$passed passed, $failed failed${skipped:+, $skipped skipped}"
[ "$failed" -eq 0 ]
