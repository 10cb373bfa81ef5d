#!/usr/bin/env bash
# Starts, stops and shows a local Smith cluster: three nats-server processes clustered with
# routes and JetStream, and three smithd nodes (config/cluster/n1..n3.toml). Loopback only.
#
# Usage: tools/cluster.sh up|down|status|urls [--dir DIR]
#   up      start whatever is not running yet, wait until the routes are up, JetStream has a
#           meta leader and every node logged "up", then print the status table (idempotent)
#   down    SIGTERM every smithd (n3..n1), wait and report its exit code, then stop the servers
#   status  which processes run, routes and JetStream state; exit 0 only if all of it is up
#   urls    print the NATS client URLs, comma-separated (for another node's [nats] urls)
# Env:   SMITH_CLUSTER_DIR        cluster dir (default ./data/cluster under the repo root);
#                                 --dir wins. Pids, logs, rendered configs and stores go there
#        SMITH_CLUSTER_PORT_BASE  first client port (default 14222). Client ports are
#                                 BASE..BASE+2, routes BASE+2000.., monitoring BASE+4000..
#        SMITH_SMITHD             smithd binary (default build/bin/smithd)
set -euo pipefail
caller_dir="$PWD"
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source-path=SCRIPTDIR/..
source tools/lib/common.sh

readonly nodes=(n1 n2 n3)
readonly start_timeout=20   # seconds for servers, routes, JetStream and each node to come up
readonly stop_timeout=15    # seconds a process may take to stop after SIGTERM
stop_failed=0               # set by stop_node/stop_server when a stop went wrong

usage() {
  printf 'usage: tools/cluster.sh up|down|status|urls [--dir DIR]\n' >&2
  exit 64
}

# --- arguments and layout -------------------------------------------------------------------
[[ $# -ge 1 ]] || usage
cmd="$1"
shift
dir="${SMITH_CLUSTER_DIR:-data/cluster}"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --dir) [[ $# -ge 2 ]] || usage; dir="$2"; shift 2 ;;
    --dir=*) dir="${1#--dir=}"; shift ;;
    *) usage ;;
  esac
done
[[ -n "$dir" ]] || smith_die "the cluster dir is empty"
# --dir is relative to where the caller stands; SMITH_CLUSTER_DIR's default to the repo root.
if [[ "$dir" != /* ]]; then
  if [[ "$dir" == "data/cluster" && -z "${SMITH_CLUSTER_DIR:-}" ]]; then
    dir="$SMITH_ROOT/$dir"
  else
    dir="$caller_dir/$dir"
  fi
fi
smithd="${SMITH_SMITHD:-$SMITH_ROOT/$SMITH_RELEASE_DIR/bin/smithd}"

# The port base in use is remembered in the cluster dir, so down/status need no env.
port_base() {
  if [[ -f "$dir/port_base" ]]; then
    cat "$dir/port_base"
  else
    printf '%s\n' "${SMITH_CLUSTER_PORT_BASE:-14222}"
  fi
}
check_base() {
  if ! [[ "$1" =~ ^[0-9]+$ ]] || (($1 < 1024 || $1 > 61000)); then
    smith_die "SMITH_CLUSTER_PORT_BASE must be an integer in 1024..61000, got '$1'"
  fi
}
base="$(port_base)"
check_base "$base"
client_port() { printf '%d' "$((base + $1 - 1))"; }
route_port() { printf '%d' "$((base + 2000 + $1 - 1))"; }
monitor_port() { printf '%d' "$((base + 4000 + $1 - 1))"; }

client_urls() {
  local i out=""
  for i in 1 2 3; do out+="${out:+,}nats://127.0.0.1:$(client_port "$i")"; done
  printf '%s\n' "$out"
}

# --- processes --------------------------------------------------------------------------------
# alive <pidfile> <command name>: the pid in the file runs and is that program (not a reused pid).
alive() {
  local pid
  [[ -s "$1" ]] || return 1
  pid="$(cat "$1")"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  [[ "$(cat "/proc/$pid/comm" 2>/dev/null)" == "$2"* ]]
}

# port_user <port>: who listens there, as far as `ss` can tell (empty if free).
port_user() {
  if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then
    local who=""
    command -v ss >/dev/null 2>&1 \
      && who="$(ss -Hltnp "sport = :$1" 2>/dev/null \
        | sed -n 's/.*users:(("\([^"]*\)",pid=\([0-9]*\).*/\1 (pid \2)/p' | head -n 1)"
    printf 'in use%s\n' "${who:+ by $who}"
  fi
}

check_port_free() {
  local user
  user="$(port_user "$1")"
  [[ -z "$user" ]] || smith_die "port $1 ($2) is $user; stop it or pick another SMITH_CLUSTER_PORT_BASE"
}

# wait_for <seconds> <what> <command...>: polls the command every 100 ms until it succeeds.
wait_for() {
  local secs="$1" what="$2"
  shift 2
  local deadline=$((SECONDS + secs))
  until "$@"; do
    ((SECONDS < deadline)) || { smith_info "timed out after ${secs}s waiting for $what"; return 1; }
    sleep 0.1
  done
}

monitor() { curl -fsS --max-time 2 "http://127.0.0.1:$(monitor_port "$1")/$2" 2>/dev/null; }
json_int() { grep -o "\"$1\": *[0-9]*" | head -n 1 | grep -o '[0-9]*$'; }
json_str() { grep -o "\"$1\": *\"[^\"]*\"" | head -n 1 | sed 's/.*: *"\(.*\)"/\1/'; }
routes_of() { monitor "$1" routez | json_int num_routes; }
js_leader_of() { monitor "$1" jsz | json_str leader; }
routes_up() { local i; for i in 1 2 3; do [[ "$(routes_of "$i")" == 2 ]] || return 1; done; }
js_ready() { [[ -n "$(js_leader_of 1)" ]]; }

# --- nats-server --------------------------------------------------------------------------------
server_conf() {
  local i="$1" routes="" j
  for j in 1 2 3; do routes+="${routes:+, }nats-route://127.0.0.1:$(route_port "$j")"; done
  cat <<EOF
# Written by tools/cluster.sh; rewritten at every 'up'.
server_name: nats-$i
listen: 127.0.0.1:$(client_port "$i")
http: 127.0.0.1:$(monitor_port "$i")
jetstream { store_dir: "$dir/nats-$i/js", max_memory_store: 256MB, max_file_store: 1GB }
cluster {
  name: smith
  listen: 127.0.0.1:$(route_port "$i")
  routes: [ $routes ]
}
EOF
}

# check_server_ports <i>: dies naming the first port of nats-<i> that is taken (unless it runs).
check_server_ports() {
  alive "$dir/nats-$1.pid" nats-server && return 0
  check_port_free "$(client_port "$1")" "client port of nats-$1"
  check_port_free "$(route_port "$1")" "route port of nats-$1"
  check_port_free "$(monitor_port "$1")" "monitoring port of nats-$1"
}

start_server() {
  local i="$1"
  local pidf="$dir/nats-$i.pid"
  if alive "$pidf" nats-server; then
    smith_info "nats-$i already running (pid $(cat "$pidf"))"
    return 0
  fi
  mkdir -p "$dir/nats-$i/js"
  server_conf "$i" >"$dir/nats-$i.conf"
  nats-server -c "$dir/nats-$i.conf" -t >"$dir/nats-$i.check" 2>&1 \
    || smith_die "nats-$i: invalid config $dir/nats-$i.conf: $(cat "$dir/nats-$i.check")"
  rm -f "$pidf"
  # setsid: Ctrl-C in the terminal that ran 'up' must not reach the cluster.
  setsid nats-server -c "$dir/nats-$i.conf" -P "$pidf" -l "$dir/nats-$i.log" \
    </dev/null >"$dir/nats-$i.out" 2>&1 &
  if ! wait_for 10 "nats-$i to write its pid file" alive "$pidf" nats-server; then
    smith_die "nats-$i did not start: $(tail -n 3 "$dir/nats-$i.out" "$dir/nats-$i.log" 2>/dev/null)"
  fi
  smith_info "nats-$i started (pid $(cat "$pidf"), client $(client_port "$i"), routes $(route_port "$i"), monitor $(monitor_port "$i"))"
}

stop_server() {
  local i="$1" pid
  local pidf="$dir/nats-$i.pid"
  if ! alive "$pidf" nats-server; then
    smith_info "nats-$i not running"
    rm -f "$pidf"
    return 0
  fi
  pid="$(cat "$pidf")"
  kill -TERM "$pid" 2>/dev/null || true
  if wait_for "$stop_timeout" "nats-$i to stop" eval "! kill -0 $pid 2>/dev/null"; then
    smith_info "nats-$i stopped"
  else
    kill -KILL "$pid" 2>/dev/null || true
    smith_info "nats-$i did not stop within ${stop_timeout}s: killed"
    stop_failed=1
  fi
  rm -f "$pidf"
}

# --- smithd ---------------------------------------------------------------------------------------
# The node's config: config/cluster/<node>.toml with the urls and data_dir of this cluster.
render_node_conf() {
  local node="$1" src="$SMITH_ROOT/config/cluster/$1.toml" out="$dir/smithd-$1.toml" urls
  [[ -f "$src" ]] || smith_die "missing $src"
  urls="$(client_urls | sed 's/[^,]*/"&"/g; s/,/, /g')"
  sed -e "s|^urls = .*|urls = [$urls]|" -e "s|^data_dir = .*|data_dir = \"$dir/smithd-$node\"|" \
    "$src" >"$out"
  grep -q "^urls = \[$urls\]" "$out" || smith_die "$src has no 'urls = ' line to rewrite"
  "$smithd" --check --config "$out" >/dev/null || smith_die "$out does not pass smithd --check"
}

node_up() { grep -q "node $1 up:" "$dir/smithd-$1.log" 2>/dev/null; }

start_node() {
  local node="$1" pidf="$dir/smithd-$1.pid" log="$dir/smithd-$1.log"
  if alive "$pidf" smithd; then
    smith_info "smithd $node already running (pid $(cat "$pidf"))"
    return 0
  fi
  render_node_conf "$node"
  mkdir -p "$dir/smithd-$node"
  rm -f "$pidf" "$dir/smithd-$node.rc"
  : >"$log"
  # A wrapper that records smithd's exit code for 'down'. Asynchronous commands of a
  # non-interactive shell ignore SIGINT/SIGQUIT; env restores them for smithd.
  # shellcheck disable=SC2016 # expanded by the wrapper, not here
  setsid bash -c 'env --default-signal=INT,QUIT "$@" & echo $! >"$0.pid"; wait $!; echo $? >"$0.rc"' \
    "$dir/smithd-$node" "$smithd" --config "$dir/smithd-$node.toml" </dev/null >>"$log" 2>&1 &
  wait_for 10 "smithd $node to start" alive "$pidf" smithd \
    || smith_die "smithd $node did not start; $log says: $(tail -n 5 "$log")"
  smith_info "smithd $node started (pid $(cat "$pidf"), log $log)"
}

await_node() {
  local node="$1" pidf="$dir/smithd-$1.pid" log="$dir/smithd-$1.log" deadline=$((SECONDS + start_timeout))
  until node_up "$node"; do
    alive "$pidf" smithd || smith_die "smithd $node exited before it was up; $log says: $(tail -n 5 "$log")"
    ((SECONDS < deadline)) || smith_die "smithd $node not up after ${start_timeout}s; see $log"
    sleep 0.1
  done
}

stop_node() {
  local node="$1" pidf="$dir/smithd-$1.pid" rcf="$dir/smithd-$1.rc" pid rc
  if ! alive "$pidf" smithd; then
    rc="$(cat "$rcf" 2>/dev/null || true)"
    smith_info "smithd $node not running${rc:+ (its last exit code was $rc)}"
    rm -f "$pidf"
    return 0
  fi
  pid="$(cat "$pidf")"
  kill -TERM "$pid" 2>/dev/null || true
  if ! wait_for "$stop_timeout" "smithd $node to stop" eval "! kill -0 $pid 2>/dev/null"; then
    kill -KILL "$pid" 2>/dev/null || true
    smith_info "smithd $node did not stop within ${stop_timeout}s of SIGTERM: killed"
    stop_failed=1
  fi
  wait_for 5 "the exit code of smithd $node" test -s "$rcf" || true
  rc="$(cat "$rcf" 2>/dev/null || printf 'unknown')"
  smith_info "smithd $node stopped, exit code $rc"
  [[ "$rc" == 0 ]] || stop_failed=1
  rm -f "$pidf"
}

any_alive() {
  local i node
  for i in 1 2 3; do alive "$dir/nats-$i.pid" nats-server && return 0; done
  for node in "${nodes[@]}"; do alive "$dir/smithd-$node.pid" smithd && return 0; done
  return 1
}

# --- commands ---------------------------------------------------------------------------------------
print_status() {
  local i node pidf state detail all_up=0
  printf '\n%-12s %-8s %-9s %s\n' PROCESS PID STATE DETAIL
  for i in 1 2 3; do
    pidf="$dir/nats-$i.pid"
    if alive "$pidf" nats-server; then
      state=running
      detail="client $(client_port "$i")  routes $(routes_of "$i" || true)/2  JS leader $(js_leader_of "$i" || true)"
      [[ "$(routes_of "$i")" == 2 && -n "$(js_leader_of "$i")" ]] || all_up=1
    else
      state=stopped detail="" all_up=1
    fi
    printf '%-12s %-8s %-9s %s\n' "nats-$i" "$( [[ $state == running ]] && cat "$pidf" || printf -- -)" "$state" "$detail"
  done
  for node in "${nodes[@]}"; do
    pidf="$dir/smithd-$node.pid"
    if alive "$pidf" smithd; then
      state=running
      if node_up "$node"; then detail="up; log $dir/smithd-$node.log"; else detail="starting"; all_up=1; fi
    else
      state=stopped all_up=1
      detail="$( [[ -s "$dir/smithd-$node.rc" ]] && printf 'last exit code %s' "$(cat "$dir/smithd-$node.rc")")"
    fi
    printf '%-12s %-8s %-9s %s\n' "smithd $node" "$( [[ $state == running ]] && cat "$pidf" || printf -- -)" "$state" "$detail"
  done
  printf '\nNATS URLs: %s   cluster dir: %s\n' "$(client_urls)" "$dir"
  any_alive || printf 'the cluster is not running (tools/cluster.sh up)\n'
  return "$all_up"
}

cmd_up() {
  command -v nats-server >/dev/null 2>&1 || smith_die "nats-server not found (apt-get install nats-server)"
  command -v curl >/dev/null 2>&1 || smith_die "curl not found (apt-get install curl): needed for the monitoring endpoints"
  [[ -x "$smithd" ]] || smith_die "$smithd not found: build it first (tools/demo.sh builds it) or set SMITH_SMITHD"
  if [[ -n "${SMITH_CLUSTER_PORT_BASE:-}" && "$SMITH_CLUSTER_PORT_BASE" != "$base" ]]; then
    any_alive && smith_die "the cluster in $dir runs on port base $base; run 'tools/cluster.sh down' first"
    check_base "$SMITH_CLUSTER_PORT_BASE"
    base="$SMITH_CLUSTER_PORT_BASE"
  fi
  mkdir -p "$dir"
  printf '%s\n' "$base" >"$dir/port_base"
  local i node
  for i in 1 2 3; do check_server_ports "$i"; done # all of them before anything starts
  for i in 1 2 3; do start_server "$i"; done
  wait_for "$start_timeout" "2 routes on every server" routes_up \
    || smith_die "routes not up; see $dir/nats-*.log"
  wait_for "$start_timeout" "a JetStream meta leader" js_ready \
    || smith_die "JetStream has no meta leader; see $dir/nats-*.log"
  smith_info "NATS cluster up: 2 routes per server, JetStream meta leader $(js_leader_of 1)"
  for node in "${nodes[@]}"; do start_node "$node"; done
  for node in "${nodes[@]}"; do await_node "$node"; done
  print_status
}

cmd_down() {
  stop_failed=0
  local i
  for ((i = ${#nodes[@]} - 1; i >= 0; i--)); do stop_node "${nodes[$i]}"; done
  for i in 3 2 1; do stop_server "$i"; done
  return "$stop_failed"
}

case "$cmd" in
  up) cmd_up ;;
  down) cmd_down ;;
  status) print_status ;;
  urls) client_urls ;;
  *) usage ;;
esac
