# Sourced by the e2e scripts: a private Docker engine (Debian's docker.io) on its own socket, data
# root and exec root under a folder of the test's, no bridge network (containers get the host's
# network with --network host, or none).
#   start_dockerd DIR   sets docker_sock and dockerd_pid; returns 1 (with why in dockerd_why) when
#                       dockerd cannot run here (not root, not installed, refused to start)
#   stop_dockerd        SIGTERM, up to 15 s, then SIGKILL; unmounts what it left under DIR
DOCKER=/usr/bin/docker
dockerd_pid=""
start_dockerd() {
  local dir=$1
  docker_sock=$dir/docker.sock
  if [ "$(id -u)" != 0 ] || [ ! -x /usr/sbin/dockerd ] || [ ! -x $DOCKER ]; then
    dockerd_why="needs root and Debian's docker.io (/usr/sbin/dockerd, /usr/bin/docker)"; return 1
  fi
  /usr/sbin/dockerd --bridge=none --iptables=false --ip-masq=false --data-root "$dir/docker-root" \
    --exec-root "$dir/docker-exec" --pidfile "$dir/dockerd.pid" -H "unix://$docker_sock" >"$dir/dockerd.log" 2>&1 &
  dockerd_pid=$!
  for _ in $(seq 1 60); do DOCKER_HOST=unix://$docker_sock $DOCKER version >/dev/null 2>&1 && return 0; sleep 0.5; done
  dockerd_why="dockerd could not start here ($(tail -1 "$dir/dockerd.log"))"; return 1
}
stop_dockerd() {
  [ -n "$dockerd_pid" ] && kill -0 "$dockerd_pid" 2>/dev/null || return 0
  kill "$dockerd_pid"
  for _ in $(seq 1 30); do kill -0 "$dockerd_pid" 2>/dev/null || break; sleep 0.5; done
  kill -9 "$dockerd_pid" 2>/dev/null
  wait "$dockerd_pid" 2>/dev/null
  dockerd_pid=""
}
