#!/usr/bin/env bash
# Installs, builds Release into build/ and runs the demo: one smithd node with the examples domain.
#
# Usage: tools/demo.sh [smithd args...]     e.g. tools/demo.sh --config config/smithd.toml
#        (from any directory; smithd runs in the repo root, so relative paths start there)
# Env:   SMITH_DEMO_SECONDS=N   stop the node with SIGINT after N seconds (CI, recordings);
#                               success if it then exits cleanly within 15 s
#        SMITH_JOBS=N           parallel build jobs (default 2)
# Without SMITH_DEMO_SECONDS the node runs until Ctrl-C.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source-path=SCRIPTDIR/..
source tools/lib/common.sh

readonly smithd="$SMITH_RELEASE_DIR/bin/smithd"
readonly grace_seconds=15   # how long smithd may take to stop after SIGINT

smith_banner "1/3 Debian packages"
smith_install_deps

# Same configure arguments as tools/test.sh, so the two scripts share build/; only smithd is
# built here to get to the demo quickly (test.sh builds the rest).
smith_banner "2/3 build: Release in $SMITH_RELEASE_DIR/ (smithd)"
smith_prepare_release smithd
[[ -x "$smithd" ]] || smith_die "$smithd was not built (is there a tools/smithd/main.cpp?)"

smith_banner "3/3 smithd --demo $*"
if [[ -z "${SMITH_DEMO_SECONDS:-}" ]]; then
  smith_info "running until Ctrl-C"
  exec "$smithd" --demo "$@"
fi

smith_info "running for ${SMITH_DEMO_SECONDS}s, then SIGINT"
rc=0
# --foreground keeps smithd in the terminal's process group (Ctrl-C still works);
# --preserve-status makes the result smithd's own exit status.
timeout --foreground --preserve-status --signal=INT --kill-after="$grace_seconds" \
  "$SMITH_DEMO_SECONDS" "$smithd" --demo "$@" || rc=$?
case "$rc" in
  0 | 130) smith_info "demo stopped cleanly (exit $rc)" ;;
  125) smith_die "timeout failed: is SMITH_DEMO_SECONDS='$SMITH_DEMO_SECONDS' a duration?" ;;
  137) smith_die "smithd did not stop within ${grace_seconds}s of SIGINT and was killed" ;;
  *) smith_die "smithd exited with status $rc" ;;
esac
