#!/usr/bin/env bash
# Installs, builds and runs the whole test suite: Release in build/, then ASan+UBSan in build-asan/.
#
# Usage: tools/test.sh            (from any directory; .ci/run calls exactly this)
# Env:   SMITH_JOBS=N             parallel build and ctest jobs (default 2)
#        SMITH_SKIP_ASAN=1        skip the sanitizer phase (quick local runs)
# Ends with one line "N passed, M failed" (totals over every ctest run) and exits non-zero on
# any failed test, failed build or ctest run without a result line.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source-path=SCRIPTDIR/..
source tools/lib/common.sh

readonly budget_seconds=$((25 * 60))   # the CI budget on 2 cores
readonly asan_dir="build-asan"
total_passed=0
total_failed=0
problems=()
phase_started=0

phase_begin() {
  phase_started=$SECONDS
  smith_banner "$* [at $(smith_elapsed "$SECONDS")]"
}

phase_end() {
  smith_info "$1 took $(smith_elapsed $((SECONDS - phase_started))) (total $(smith_elapsed "$SECONDS"))"
}

# Prints the result and the summary line, then exits: 0 only if nothing went wrong.
finish() {
  local problem
  smith_banner "result after $(smith_elapsed "$SECONDS")"
  if ((SECONDS > budget_seconds)); then
    smith_info "warning: over the $(smith_elapsed "$budget_seconds") CI budget"
  fi
  if ((${#problems[@]} == 0)); then
    printf 'OK: every test passed\n'
  fi
  for problem in "${problems[@]}"; do
    printf 'FAILED: %s\n' "$problem"
  done
  printf '%d passed, %d failed\n' "$total_passed" "$total_failed"
  if ((${#problems[@]} > 0)); then
    exit 1
  fi
  exit 0
}

# build_failed <dir>: a tree that does not build ends the run (the next phase would not help).
build_failed() {
  problems+=("build of $1/ (see the compiler output above)")
  finish
}

# run_ctest <dir> [VAR=value...]: runs the suite in <dir> with the given environment, adds the
# counts to the totals and records a problem if ctest failed or printed no result line.
run_ctest() {
  local dir="$1"
  shift
  local log="$dir/ctest-output.txt" rc=0 counts passed failed
  env "$@" ctest --test-dir "$dir" --output-on-failure --no-tests=error \
    -j "$SMITH_JOBS" --timeout 300 2>&1 | tee "$log" || rc=$?
  if ! counts="$(smith_ctest_counts "$log")"; then
    problems+=("ctest in $dir/ exited with $rc and printed no 'tests passed' line (see $log)")
    return
  fi
  read -r passed failed <<<"$counts"
  total_passed=$((total_passed + passed))
  total_failed=$((total_failed + failed))
  if ((failed > 0)); then
    problems+=("$failed of $((passed + failed)) tests in $dir/ (list above, log in $log)")
  elif ((rc != 0)); then
    problems+=("ctest in $dir/ exited with $rc although no test failed (see $log)")
  fi
}

smith_info "repo $SMITH_ROOT, $(nproc) cores, -j$SMITH_JOBS, $(cmake --version 2>/dev/null | head -n 1 || echo 'cmake not installed yet')"

phase_begin "1/5 Debian packages"
smith_install_deps
smith_install_node_deps
phase_end "packages"

phase_begin "2/5 build: Release with tests in $SMITH_RELEASE_DIR/"
# shellcheck disable=SC2119  # no targets: build everything
smith_prepare_release || build_failed "$SMITH_RELEASE_DIR"
phase_end "Release build"

phase_begin "3/5 tests: Release ($SMITH_RELEASE_DIR/)"
run_ctest "$SMITH_RELEASE_DIR"
phase_end "Release tests"

if [[ "${SMITH_SKIP_ASAN:-0}" != 0 ]]; then
  smith_banner "4/5 and 5/5 skipped: SMITH_SKIP_ASAN=$SMITH_SKIP_ASAN"
else
  phase_begin "4/5 build: ASan+UBSan (-O1 -g1) in $asan_dir/"
  # -O1 -g1 (line tables only) instead of RelWithDebInfo's -O2 -g: half the compile time on
  # CAF's templates, and sanitizer reports still carry function, file and line.
  smith_configure_build "$asan_dir" RelWithDebInfo -DSMITH_BUILD_TESTS=ON -DSMITH_SANITIZE=ON \
    -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1 -DNDEBUG" \
    || build_failed "$asan_dir"
  smith_build "$asan_dir" || build_failed "$asan_dir"
  phase_end "ASan+UBSan build"

  phase_begin "5/5 tests: ASan+UBSan ($asan_dir/)"
  sanitizer_env=(
    "ASAN_OPTIONS=detect_leaks=1:abort_on_error=1"
    "UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1"
  )
  # Optional suppression files, for leaks or reports inside third-party libraries only.
  if [[ -f tests/support/lsan.supp ]]; then
    sanitizer_env+=("LSAN_OPTIONS=suppressions=$SMITH_ROOT/tests/support/lsan.supp:print_suppressions=0")
  fi
  if [[ -f tests/support/ubsan.supp ]]; then
    sanitizer_env[1]+=":suppressions=$SMITH_ROOT/tests/support/ubsan.supp"
  fi
  run_ctest "$asan_dir" "${sanitizer_env[@]}"
  phase_end "ASan+UBSan tests"
fi

finish
