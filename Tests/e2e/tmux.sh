# Sourced by the e2e scripts that drive fathom's explorer in tmux (tui.sh, sources.sh): a tmux server of
# its own (socket $tmux_sock), one 120x40 session at a time, keys sent with send-keys, the screen read with
# capture-pane; checks count into $passed and $failed. view_case checks the viewer, Y and x on an image
# (it needs $bin and a folder $vtmp of its own).
tm() { tmux -L "$tmux_sock" "$@"; }
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
# view_case NAME IMAGE TEXT_PATH QUERY [BINARY_PATH]: IMAGE is split into words (an image and its options).
# The text file opens (its first line numbered, the header with path, layer and bytes), / QUERY and n find
# the matches Python finds, Y puts the file's bytes in tmux's buffer (OSC 52) and x writes them under a
# folder, both byte for byte what fathom cat prints; the binary file shows its first 16 bytes in hex.
view_case() {
  local name=$1 image=$2 text=$3 query=$4 binary=${5:-} n=$((vcase += 1)) layer bytes first hits
  "$bin" cat $image "$text" >"$vtmp/$n.want"
  layer=$("$bin" ls -l $image "$text" | sed -E 's/.* L *([0-9]+)  .*/\1/')
  bytes=$(wc -c <"$vtmp/$n.want")
  first=$(head -1 "$vtmp/$n.want" | cut -c1-60)
  # the first two matches (a new search starts at the top of the screen, as less does), smart case
  hits=$(python3 -c 'import sys
d = open(sys.argv[1], "rb").read(); q = sys.argv[2].encode(); h = d.lower() if q == q.lower() else d
i = h.find(q)
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
    hex=$("$bin" cat $image "$binary" | head -c 16 | python3 -c 'import sys
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
