#!/usr/bin/env bash
# End-to-end checks of the explorer: the real binary in a real terminal (tmux), keys sent with
# send-keys, the screen read with capture-pane. Prints one line per check and "N passed, M failed".
#   Tests/e2e/tui.sh [FATHOM_BINARY]
set -u
here=$(cd "$(dirname "$0")/../.." && pwd)
bin=${1:-$here/.build/debug/fathom}
fixtures=${FATHOM_FIXTURES:-$here/../shared/fixtures}
sample=$here/SampleImages/wasteful.docker.tar
sock=fathom-e2e-$$
passed=0 failed=0
tm() { tmux -L "$sock" "$@"; }
session=0
screen() { tm capture-pane -t "s$session" -p 2>/dev/null; }
# wait_for PATTERN [SECONDS]: poll the screen until the pattern (grep -E) shows
wait_for() {
  local pattern=$1 limit=${2:-20} i=0
  while [ $i -lt $((limit * 10)) ]; do
    screen | grep -Eq -- "$pattern" && return 0
    sleep 0.1; i=$((i + 1))
  done
  return 1
}
check() {  # check NAME PATTERN [absent]
  local name=$1 pattern=$2 mode=${3:-present}
  if [ "$mode" = absent ]; then
    sleep 0.3
    if screen | grep -Eq -- "$pattern"; then failed=$((failed + 1)); echo "FAIL $name: '$pattern' should not show"; screen | sed 's/^/    | /' | head -50
    else passed=$((passed + 1)); echo "ok   $name"; fi
  elif wait_for "$pattern"; then passed=$((passed + 1)); echo "ok   $name"
  else failed=$((failed + 1)); echo "FAIL $name: '$pattern' not on screen"; screen | sed 's/^/    | /' | head -50; fi
}
start() {  # start COMMAND: a fresh 120x40 terminal running COMMAND, then a marker with its exit code
  local previous=$session
  session=$((session + 1))
  # CI systems set CI=true, which would turn fathom's CI gate on: the explorer is what is tested here
  tm new-session -d -s "s$session" -x 120 -y 40 "unset CI NO_COLOR; $1; echo EXITED rc=\$?; sleep 60"
  # the old session goes only once the new one exists: killing a server's last session makes it exit,
  # and a new-session racing that exit could be lost with it (a whole session's checks failing at once)
  [ "$previous" -gt 0 ] && tm kill-session -t "s$previous" 2>/dev/null || true
}
keys() { for k in "$@"; do tm send-keys -t "s$session" "$k"; sleep 0.05; done; }
type_text() { tm send-keys -t "s$session" -l "$1"; sleep 0.1; }
trap 'tm kill-server 2>/dev/null; rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$sock"' EXIT
unset CI

start "$bin $sample"
check "first frame: layers pane" "Layers .*this layer's changes"
check "first frame: tree pane" "Current Layer Contents"
check "first frame: waste table" "Count  Total Space  Path"
check "first frame: layer 0 adds busybox with + marker" '\+ -rwxr-xr-x +0:0 +2\.0 MB +└── busybox'
keys Down Down Down Down Down Down Down Down Tab Tab C-u
check "layer 8 chmod shows as modified (~) with unmodified hidden" '~ -rwxr-xr-x +0:0 +30 kB +└── server'
check "layer 8: unmodified files hidden" "── busybox" absent
keys C-u Up Up Up Up
check "tree keeps focus; layers move with the layers pane only" "layer 8"
keys Tab Up Up Up Up
check "layer 4 selected" "Current Layer Contents  \(layer 4\)"
keys /
type_text plugin-
check "filter shows the plugins" "── plugin-au"
check "filter hides the rest" "main\.sh" absent
check "filter input on the status bar" "Path Filter: plugin-"
keys Escape
check "Esc clears the filter" "main\.sh"
keys '?'
check "help overlay" "Keys"
check "help lists fathom's keys" "only paths whose bytes the final image does not show"
keys Escape
check "help closes" "only paths whose bytes" absent
tm resize-window -t "s$session" -x 40 -y 12
check "tiny terminal: a clear message" "fathom needs at least"
tm resize-window -t "s$session" -x 120 -y 40
check "grown back: the layout returns" "Current Layer Contents"
keys a
check "advice overlay" "Advice: 14 findings"
check "advice: a high-severity finding first" "HIGH +— +1 secret file shipped"
check "advice shows the selected finding's fix" "Fix: Keep them out of the build context"
keys Down Down Enter
check "Enter on a finding jumps to its layer" "Current Layer Contents  \(layer 5\)"
check "the advice overlay closed" "Advice: 14 findings" absent
keys Tab Tab Down Enter
check "Enter in the waste table jumps to the layer that wastes the path" "Current Layer Contents  \(layer 6\)"
keys q
check "q quits with exit code 0 and the shell is back" "EXITED rc=0"

start "cat $sample | $bin -"
check "archive on standard input, keys from the terminal" "Current Layer Contents"
keys Down
check "keys work when the archive came on standard input" "Current Layer Contents  \(layer 1\)"
# standard input is read once: v says so in one line, whole on the status bar, with what to do instead
keys End C-a Tab Tab /
type_text 'config/app\.ini$'
keys Enter Down Down v
check "standard input: v says in one line that it is read once, and what to do" "standard input is read once: save the image to a file, or use docker://NAME"
check "standard input: no viewer opens" "Current Layer Contents"
keys C-c
check "Ctrl+C quits" "EXITED rc=0"

# standard input that never ends (a FIFO opened read-write has no end of file): the loading screen stays up
stall=$(mktemp -u /tmp/fathom-e2e-stall.XXXXXX)
mkfifo "$stall"
start "$bin - <> $stall"
check "loading screen while standard input is read" "Loading standard input"
check "loading screen says how to cancel" "q cancels"
keys q
check "q on the loading screen cancels with exit code 130" "EXITED rc=130"
rm -f "$stall"

start "$bin $fixtures/synthetic/wide-chars.tar"
check "wide characters" "Current Layer Contents"
keys Down Tab Tab
check "CJK and emoji names shown" "ファイル\.txt"
check "two canonically equivalent names stay two files (26 B)" "26 B +├── caf.+\.txt"
check "two canonically equivalent names stay two files (16 B)" "16 B +├── caf.+\.txt"

start "$bin diff $sample $here/SampleImages/good.docker.tar.zst"
check "diff: the summary" "Final bytes 2\.3 MB → 2\.1 MB"
check "diff: changed paths with delta colours' markers" "^ - +89 B +−89 B +│   ├── \.env"
keys c
check "diff: c shows all paths" "Files \(all paths"
check "diff: unchanged paths shown (no marker)" "^ +30 kB +30 kB +│   │   └── server"
keys q
check "diff: q quits with exit code 0" "EXITED rc=0"

start "$bin $sample"
check "started for SIGTERM" "Current Layer Contents"
shell=$(tm display-message -p -t "s$session" '#{pane_pid}')
pid=$(pgrep -P "$shell" -x fathom)
kill -TERM "$pid"
check "SIGTERM restores the terminal and ends the process" "EXITED rc=143"

# The file viewer (v), the clipboard (y: OSC 52, which tmux takes into its buffer with set-clipboard on)
start "$bin $sample"
tm set -s set-clipboard on
check "viewer: started" "Current Layer Contents"
keys Down Down Down Down Down Down Down Down Down Down Down Down Tab Tab /
type_text app.ini
keys Enter Down Down
check "viewer: app.ini selected in layer 12" "└── app.ini"
keys v
check "viewer: v opens the file as layer 12 has it, with line numbers" "^ +3 level=info"
check "viewer: the header names the path and the layer that wrote it" "/app/config/app.ini  layer 9 · 44 B"
keys /
type_text port
keys Enter
check "viewer: / searches" '"port" at byte 34, line 4'
keys y
check "viewer: y copies the path" "copied the path /app/config/app.ini"
if [ "$(tm show-buffer 2>/dev/null)" = "/app/config/app.ini" ]; then passed=$((passed + 1)); echo "ok   viewer: the path reached tmux's buffer (OSC 52)"
else failed=$((failed + 1)); echo "FAIL viewer: tmux's buffer holds '$(tm show-buffer 2>&1)', not /app/config/app.ini"; fi
keys q
check "viewer: q closes the viewer, not fathom" "└── app.ini"
keys Escape /
keys BSpace BSpace BSpace BSpace BSpace BSpace BSpace
type_text busybox
keys Enter Down Down v
check "viewer: a binary file opens in hex" "00000000  7f 45 4c 46 02 01 01 03  00 00 00 00 00 00 00 00  \|\.ELF\.\.\.\.\.\.\.\.\.\.\.\.\|"
keys q q
check "viewer: q in the explorer quits" "EXITED rc=0"

# The viewer, Y and x on every layout and layer compression (issue 17): the real/ fixtures' wasteful image as
# Docker 20.10 and Docker 25+ save it (uncompressed layers), the OCI archive with gzip and with zstd layers,
# an OCI layout directory (the gzip archive unpacked), whole archives gzip- and zstd-compressed, and dive's
# eStargz image. Each: a text file opens (its first line, the header with path, layer and bytes), / and n
# find what Python finds, a binary file shows its first 16 bytes in hex, Y puts the file's bytes in tmux's
# buffer (OSC 52) and x writes them under a folder, both byte for byte what fathom cat prints.
vtmp=$(mktemp -d /tmp/fathom-tui-view.XXXXXX)
trap 'tm kill-server 2>/dev/null; rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$sock"; rm -rf "$vtmp"' EXIT
ere() { printf '%s' "$1" | sed 's/[][\.*^$+?(){}|]/\\&/g'; }   # an ERE that matches the text as it is
same_bytes() {  # same_bytes NAME FILE WANT
  if cmp -s "$2" "$3"; then passed=$((passed + 1)); echo "ok   $1"
  else failed=$((failed + 1)); echo "FAIL $1: $(wc -c <"$2" 2>/dev/null || echo no) bytes, want $(wc -c <"$3") ($2)"; fi
}
find_row() {  # find_row PATH: the explorer on the last layer, aggregated, the tree filtered to PATH and on its row
  keys Escape /
  type_text "$(ere "${1#/}")\$"
  keys Enter
  local depth=${1//[^\/]/}
  for _ in $(seq 2 ${#depth}); do keys Down; done
}
vcase=0
view_case() {  # view_case NAME IMAGE TEXT_PATH QUERY [BINARY_PATH]
  local name=$1 image=$2 text=$3 query=$4 binary=${5:-} n=$((vcase += 1)) layer bytes first hits
  "$bin" cat "$image" "$text" >"$vtmp/$n.want"
  layer=$("$bin" ls -l "$image" "$text" | sed -E 's/.* L *([0-9]+)  .*/\1/')
  bytes=$(wc -c <"$vtmp/$n.want")
  first=$(head -1 "$vtmp/$n.want" | cut -c1-60)
  # the first two matches from line 2 on (the viewer searches from the line after the top one), smart case
  hits=$(python3 -c 'import sys
d = open(sys.argv[1], "rb").read(); q = sys.argv[2].encode(); h = d.lower() if q == q.lower() else d
i = h.find(q, d.index(b"\n") + 1)
for _ in range(2): print(i, d.count(b"\n", 0, i) + 1); i = h.find(q, i + 1)' "$vtmp/$n.want" "$query")
  start "$bin $image"
  tm set -s set-clipboard on
  check "$name: explorer" "Current Layer Contents"
  keys End C-a Tab Tab
  find_row "$text"
  keys v
  check "$name: v opens $text, its first line numbered" "^ +1 $(ere "$first")"
  check "$name: header: path, layer $layer, $bytes bytes" "^ $(ere "$text")  layer $layer · .*\($bytes bytes\)"
  keys /
  type_text "$query"
  keys Enter
  set -- $hits
  check "$name: / finds \"$query\" at byte $1, line $2" "\"$(ere "$query")\" at byte $1, line $2"
  keys n
  check "$name: n finds the next at byte $3, line $4" "\"$(ere "$query")\" at byte $3, line $4"
  tm set-buffer "stale"
  keys Y
  check "$name: Y copies the file" "copied $bytes bytes"
  tm save-buffer "$vtmp/$n.copied"
  same_bytes "$name: Y: tmux's buffer (OSC 52) holds fathom cat's bytes" "$vtmp/$n.copied" "$vtmp/$n.want"
  keys q x C-u
  type_text "$vtmp/x$n"
  keys Enter
  check "$name: x extracts the file" "wrote 1 file, [0-9]+ director"
  same_bytes "$name: x wrote fathom cat's bytes" "$vtmp/x$n$text" "$vtmp/$n.want"
  if [ -n "$binary" ]; then
    local hex
    hex=$("$bin" cat "$image" "$binary" | head -c 16 | python3 -c 'import sys
b = sys.stdin.buffer.read()
h = " ".join("%02x" % c for c in b[:8]) + "  " + " ".join("%02x" % c for c in b[8:])
print("00000000  " + h + "  |" + "".join(chr(c) if 32 <= c < 127 else "." for c in b) + "|")')
    find_row "$binary"
    keys v
    check "$name: $binary in hex" "$(ere "$hex")"
    keys q
  fi
  keys q
  check "$name: q, q: exit 0" "EXITED rc=0"
}
zstd -dqc "$fixtures/real/wasteful.docker20.tar.zst" >"$vtmp/docker20.tar"
zstd -dqc "$fixtures/real/wasteful.docker28.tar.zst" >"$vtmp/docker28.tar"
gzip -nc "$vtmp/docker28.tar" >"$vtmp/docker28.tar.gz"
mkdir "$vtmp/oci-dir" && tar -xf "$fixtures/real/wasteful.oci-gzip.tar" -C "$vtmp/oci-dir"
view_case "docker save 20.10" "$vtmp/docker20.tar" /app/config/app.ini "=" /bin/busybox
view_case "docker save 25+" "$vtmp/docker28.tar" /app/config/app.ini "=" /bin/busybox
view_case "OCI archive, gzip layers" "$fixtures/real/wasteful.oci-gzip.tar" /app/config/app.ini "=" /bin/busybox
view_case "OCI archive, zstd layers" "$fixtures/real/wasteful.oci-zstd.tar" /app/.env "example" /bin/busybox
view_case "OCI layout directory" "$vtmp/oci-dir" /app/main.sh "e" /bin/busybox
view_case "archive gzipped whole" "$vtmp/docker28.tar.gz" /app/config/app.ini "=" /bin/busybox
view_case "archive zstd-compressed whole" "$fixtures/real/wasteful.docker20.tar.zst" /app/config/app.ini "=" /bin/busybox
view_case "eStargz layer" "$fixtures/dive/test-oci-estargz-image.tar" /README.md "dive"

# Issue 20: `fathom -` with standard input on the terminal is refused at once (the reader would wait
# for the keys); an archive with several images opens on a picker; the tree's title shows the full path.
start "$bin -"
check "fathom - on a terminal: one line, exit 2" "standard input: nothing is piped to it \(it is a terminal\)"
check "fathom - on a terminal: exit 2 at once" "EXITED rc=2"
start "$bin $fixtures/real/multi.docker20.tar.zst"
check "several images: a picker" "holds 2 images: choose one"
check "picker: the images with layers and sizes" "b:2 +3 +2\.1 MB"
keys Down Enter
check "picker: Enter opens the chosen image's explorer" "Current Layer Contents"
keys q
check "picker: the explorer quits normally" "EXITED rc=0"
start "$bin $fixtures/real/multi.docker20.tar.zst"
check "picker again" "holds 2 images"
keys q
check "picker: q leaves (exit 130, nothing chosen)" "EXITED rc=130"
start "$bin $sample"
check "explorer for the path title" "Current Layer Contents"
keys Down Down Down Down Tab Tab Down
check "the tree's title shows the selected entry's full path" "Current Layer Contents  \(layer 4\)  /app/\.env"

# The split view: A splits the tree, the lower half is the filesystem at the selected layer.
start "$bin $sample"
check "split: explorer up" "Current Layer Contents"
keys Down Down Down Down A
check "split: A shows the filesystem at the layer below the changes" "Filesystem at layer 4  \(layers 1–4 vs 0\)"
keys Down
check "split: the lower tree follows the layer" "Filesystem at layer 5"
keys A
check "split: A again closes it" "Filesystem at layer" absent

# Themes reach the terminal: dracula's focused title is purple (#bd93f9: 256-colour index 141), its text on
# dracula's background (#282a36: 236); NO_COLOR turns colours off whatever the theme.
start "TERM=xterm-256color $bin $sample --theme dracula"
check "dracula: explorer up" "Current Layer Contents"
if tm capture-pane -t "s$session" -p -e | grep -q '48;5;141m ▶ Layers'; then passed=$((passed + 1)); echo "ok   dracula: the focused title in its purple (256-colour 141)"
else failed=$((failed + 1)); echo "FAIL dracula colours"; tm capture-pane -t "s$session" -p -e | head -3 | cat -v | sed 's/^/    | /'; fi
start "NO_COLOR=1 TERM=xterm-256color $bin $sample --theme dracula"
check "NO_COLOR with a theme: explorer up" "Current Layer Contents"
if tm capture-pane -t "s$session" -p -e | head -5 | grep -q '38;5\|48;5'; then failed=$((failed + 1)); echo "FAIL NO_COLOR: colours drawn"
else passed=$((passed + 1)); echo "ok   NO_COLOR wins over the theme: no colour drawn"; fi
start "$bin $sample --theme solarized"
check "an unknown theme: one line, exit 2" "fathom: --theme: no theme 'solarized' \(built in: default, light, high-contrast, dracula, gruvbox, nord"
check "an unknown theme: exit 2" "EXITED rc=2"

# A crash (SIGSEGV, as a stack overflow raises it) restores the terminal too: the handler runs on a stack
# of its own and puts back the modes saved at start, the main screen and the cursor.
stty_dir=$(mktemp -d /tmp/fathom-tui-stty.XXXXXX)
start "stty -g >$stty_dir/before; $bin $sample; echo EXITED rc=\$?; stty -g >$stty_dir/after"
check "started for SIGSEGV" "Current Layer Contents"
shell=$(tm display-message -p -t "s$session" '#{pane_pid}')
pid=$(pgrep -P "$shell" -x fathom)
kill -SEGV "$pid"
check "SIGSEGV ends the process (rc 139)" "EXITED rc=139"
state=$(tm display-message -p -t "s$session" '#{alternate_on} #{cursor_flag}')
sleep 0.3
if [ "$state" = "0 1" ] && [ -s "$stty_dir/after" ] && cmp -s "$stty_dir/before" "$stty_dir/after"; then
  passed=$((passed + 1)); echo "ok   SIGSEGV restores the terminal: main screen, cursor shown, the modes saved at start"
else
  failed=$((failed + 1)); echo "FAIL SIGSEGV restore: alternate_on cursor_flag = '$state'; stty before/after:"; cat "$stty_dir/before" "$stty_dir/after" 2>&1 | sed 's/^/    | /'
fi
rm -rf "$stty_dir"

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
