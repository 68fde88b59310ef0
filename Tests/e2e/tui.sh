#!/usr/bin/env bash
# End-to-end checks of the explorer: the real binary in a real terminal (tmux), keys sent with
# send-keys, the screen read with capture-pane. Prints one line per check and "N passed, M failed".
#   Tests/e2e/tui.sh [FATHOM_BINARY]
set -u
here=$(cd "$(dirname "$0")/../.." && pwd)
bin=${1:-$here/.build/debug/fathom}
fixtures=${FATHOM_FIXTURES:-$here/../shared/fixtures}
sample=$here/SampleImages/wasteful.docker.tar
tmux_sock=fathom-e2e-$$
passed=0 failed=0
. "$here/Tests/e2e/tmux.sh"
vtmp=$(mktemp -d /tmp/fathom-tui-view.XXXXXX)
trap 'tm kill-server 2>/dev/null; rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$tmux_sock"; rm -rf "$vtmp"' EXIT
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
# eStargz image (one text file, no binary one); view_case (tmux.sh) says what each checks.
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
