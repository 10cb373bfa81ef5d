#!/usr/bin/env bash
# Installs, builds Release into build/ and runs a demo: by default a local three-node cluster
# with a cross-node workload; with --single (or smithd arguments) one node with demo traffic.
#
# Usage: tools/demo.sh [--cluster]               the cluster demo (default); exits 0 when every
#                                                check passed, 1 otherwise
#        tools/demo.sh --single [smithd args...]  one node, as before: smithd --demo until Ctrl-C
#        tools/demo.sh --config FILE ...         (any smithd args imply --single)
#        (from any directory; smithd runs in the repo root, so relative paths start there)
# Env:   SMITH_DEMO_SECONDS=N   single: stop the node with SIGINT after N seconds (CI,
#                               recordings); success if it then exits cleanly within 15 s.
#                               cluster: keep the cluster up N more seconds after the workload
#        SMITH_CLUSTER_PORT_BASE  the cluster's first NATS port (default 14222; tools/cluster.sh)
#        SMITH_JOBS=N           parallel build jobs (default 2)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source-path=SCRIPTDIR/..
source tools/lib/common.sh

readonly smithd="$SMITH_RELEASE_DIR/bin/smithd"
readonly grace_seconds=15   # how long smithd may take to stop after SIGINT
readonly probe_seconds=120  # the cluster workload's hard limit

mode=cluster
case "${1:-}" in
  --cluster) mode=cluster; shift ;;
  --single) mode=single; shift ;;
  "") ;;
  *) mode=single ;;   # smithd arguments: the single-node demo, as before
esac
[[ "$mode" == single || $# -eq 0 ]] || smith_die "--cluster takes no smithd arguments (got: $*)"
if [[ -n "${SMITH_DEMO_SECONDS:-}" && ! "$SMITH_DEMO_SECONDS" =~ ^[0-9]+$ ]]; then
  smith_die "SMITH_DEMO_SECONDS must be a whole number of seconds, got '$SMITH_DEMO_SECONDS'"
fi

smith_banner "1/4 Debian packages"
smith_install_deps

# Same configure arguments as tools/test.sh, so the two scripts share build/; only smithd is
# built here to get to the demo quickly (test.sh builds the rest).
smith_banner "2/4 build: Release in $SMITH_RELEASE_DIR/ (smithd)"
smith_prepare_release smithd
[[ -x "$smithd" ]] || smith_die "$smithd was not built (is there a tools/smithd/main.cpp?)"

run_single() {
  smith_banner "3/4 smithd --demo $*"
  if [[ -z "${SMITH_DEMO_SECONDS:-}" ]]; then
    smith_info "running until Ctrl-C"
    exec "$smithd" --demo "$@"
  fi
  smith_info "running for ${SMITH_DEMO_SECONDS}s, then SIGINT"
  local rc=0
  # --foreground keeps smithd in the terminal's process group (Ctrl-C still works);
  # --preserve-status makes the result smithd's own exit status.
  timeout --foreground --preserve-status --signal=INT --kill-after="$grace_seconds" \
    "$SMITH_DEMO_SECONDS" "$smithd" --demo "$@" || rc=$?
  case "$rc" in
    0 | 130) smith_info "demo stopped cleanly (exit $rc)" ;;
    137) smith_die "smithd did not stop within ${grace_seconds}s of SIGINT and was killed" ;;
    *) smith_die "smithd exited with status $rc" ;;
  esac
}

[[ "$mode" == single ]] && { run_single "$@"; exit 0; }

# --- the cluster demo ----------------------------------------------------------------------------
# Its own dir, fresh every run (no JetStream state of an earlier run), so a cluster that
# 'tools/cluster.sh up' started in data/cluster is never touched (a port clash is reported).
export SMITH_CLUSTER_DIR="$SMITH_ROOT/data/demo-cluster"
export SMITH_SMITHD="$SMITH_ROOT/$smithd"
cluster() { tools/cluster.sh "$@"; }
dir="$SMITH_CLUSTER_DIR"

cleanup() {
  trap - EXIT INT TERM
  smith_banner "cluster down"
  cluster down || smith_info "tools/cluster.sh down reported a problem (see above)"
}

smith_banner "3/4 tools/cluster.sh up (3 nats-server, 3 smithd; dir $dir)"
if [[ -d "$dir" ]]; then
  cluster down >/dev/null 2>&1 || true # leftovers of an interrupted run
  rm -rf "$dir"
fi
trap cleanup EXIT
trap 'exit 130' INT TERM
cluster up

smith_banner "4/4 cross-node workload: smithd --probe joins as a fourth node without agents"
# The probe node: the cluster's URLs and timing, no domains, quiet log.
mkdir -p "$dir/probe"
cat >"$dir/probe.toml" <<EOF
# Written by tools/demo.sh: the demo's client node.
[node]
name = "probe"
data_dir = "$dir/probe"

[scheduler]
threads = 2

[log]
level = "warn"

[nats]
urls = [$(cluster urls | sed 's/[^,]*/"&"/g; s/,/, /g')]

[cluster]
heartbeat_interval_ms = 500
down_after_ms = 2000
kv_replicas = 3
EOF
victim_pid="$(cat "$dir/smithd-n3.pid")"
rc=0
timeout --foreground --kill-after=5 "$probe_seconds" "$smithd" --config "$dir/probe.toml" \
  --probe n1,n2,n3 --probe-kill "n3:$victim_pid" 2>"$dir/probe.log" || rc=$?
if [[ -s "$dir/probe.log" ]]; then
  smith_info "the probe's own log ($dir/probe.log), last lines:"
  tail -n 8 "$dir/probe.log"
fi
for node in n1 n2; do
  smith_info "what $node logged about n3:"
  grep -h 'n3' "$dir/smithd-$node.log" | grep -v 'echo-n3\|counter-n3' | tail -n 4 || true
done

if [[ -n "${SMITH_DEMO_SECONDS:-}" && "$rc" == 0 ]]; then
  cluster status || true
  smith_info "the cluster (without n3) stays up for ${SMITH_DEMO_SECONDS}s" \
    "(SMITH_CLUSTER_DIR=$dir tools/cluster.sh status)"
  sleep "$SMITH_DEMO_SECONDS"
fi

case "$rc" in
  0) smith_info "cluster demo: every check passed" ;;
  130) smith_die "interrupted" ;;
  124 | 137) smith_die "the cluster workload did not finish within ${probe_seconds}s" ;;
  *) smith_die "cluster demo failed (smithd --probe exited $rc; logs in $dir)" ;;
esac
