# shellcheck shell=bash
# Shared functions for tools/demo.sh and tools/test.sh: Debian packages, configure, build.
#
# Source it; do not execute it. It sets SMITH_ROOT (the repo root) and SMITH_JOBS (default 2)
# and defines:
#   smith_install_deps                               install missing Debian packages (idempotent)
#   smith_install_node_deps                          Node.js (Debian's if none) + the interop
#                                                    client's npm packages (npm ci, idempotent)
#   smith_configure_build <dir> <build_type> [args]  cmake configure <dir> from the repo root
#   smith_build <dir> [target...]                    cmake --build <dir> -j$SMITH_JOBS
#   smith_prepare_release [target...]                configure + build build/ exactly as both
#                                                    scripts want it (Release, tests on)
#   smith_ctest_counts <file>                        "<passed> <failed>" from a ctest log
#   smith_banner <text>, smith_info <text>, smith_die <text>, smith_elapsed <seconds>

SMITH_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SMITH_JOBS="${SMITH_JOBS:-2}"
if ! [[ "$SMITH_JOBS" =~ ^[1-9][0-9]*$ ]]; then
  printf 'smith: error: SMITH_JOBS must be a positive integer, got "%s"\n' "$SMITH_JOBS" >&2
  exit 1
fi

# Debian 12 package names; keep in sync with docs and cmake/SmithDeps.cmake.
SMITH_DEB_PACKAGES=(
  build-essential cmake pkg-config
  libcaf-dev libnats-dev nats-server
  libprotobuf-dev protobuf-compiler librocksdb-dev
  libspdlog-dev libfmt-dev doctest-dev libcli11-dev
  libtomlplusplus-dev nlohmann-json3-dev curl systemd
  libcpp-httplib-dev prometheus
  chromium  # the dashboard's browser test drives it headless (playwright-core)
)

# The one set of CMake arguments for build/, shared by demo.sh and test.sh so neither
# reconfigures the tree the other one built.
SMITH_RELEASE_DIR="build"
SMITH_RELEASE_ARGS=(-DSMITH_BUILD_TESTS=ON -DSMITH_SANITIZE=OFF)

smith_info() { printf 'smith: %s\n' "$*"; }
smith_die() { printf 'smith: error: %s\n' "$*" >&2; exit 1; }

# Prints a phase banner that stands out in a long CI log.
smith_banner() {
  printf '\n==============================================================================\n'
  printf '== %s\n' "$*"
  printf '==============================================================================\n'
}

# Formats a number of seconds as "Xm YYs".
smith_elapsed() { printf '%dm%02ds' "$(($1 / 60))" "$(($1 % 60))"; }

# Runs a command as root: directly when root, through sudo when available, else fails.
smith_as_root() {
  if [[ "$(id -u)" -eq 0 ]]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    smith_die "need root to run '$*' (not root and no sudo); install the packages by hand"
  fi
}

smith_apt_update() {
  smith_info "apt-get update"
  smith_as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 update
}

smith_apt_install() {
  smith_as_root env DEBIAN_FRONTEND=noninteractive \
    apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends "$@"
}

# Installs whichever of SMITH_DEB_PACKAGES are missing. A no-op (no root, no network) when
# everything is installed. Runs `apt-get update` only if there are no package lists yet or
# the first install attempt fails (stale lists).
smith_install_deps() {
  command -v dpkg-query >/dev/null 2>&1 || smith_die "dpkg-query not found: this needs Debian 12"
  local pkg missing=()
  for pkg in "${SMITH_DEB_PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
      missing+=("$pkg")
    fi
  done
  if [[ ${#missing[@]} -eq 0 ]]; then
    smith_info "all ${#SMITH_DEB_PACKAGES[@]} Debian packages are installed; nothing to install"
    return 0
  fi
  smith_info "missing Debian packages: ${missing[*]}"
  # Lists may be compressed (*_Packages.lz4), hence the trailing glob.
  if ! compgen -G '/var/lib/apt/lists/*_Packages*' >/dev/null; then
    smith_apt_update
  fi
  if ! smith_apt_install "${missing[@]}"; then
    smith_info "install failed; refreshing package lists and retrying once"
    smith_apt_update
    smith_apt_install "${missing[@]}" || smith_die "apt-get install failed for: ${missing[*]}"
  fi
  smith_info "installed: ${missing[*]}"
}

# The cross-language client test (tests/interop/node) and the dashboard's browser test
# (playwright-core, listed there too) need node + npm; the machine image
# ships a newer Node.js than Debian's, so Debian's is only installed when none is present.
smith_install_node_deps() {
  local dir="$SMITH_ROOT/tests/interop/node"
  if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    smith_info "node/npm missing: installing Debian's nodejs and npm"
    smith_apt_install nodejs npm || smith_die "apt-get install failed for: nodejs npm"
  fi
  if [[ -d "$dir/node_modules" && "$dir/node_modules/.package-lock.json" -nt "$dir/package-lock.json" ]]; then
    smith_info "npm packages of tests/interop/node are installed; nothing to install"
    return 0
  fi
  smith_info "installing the npm packages of tests/interop/node (npm ci)"
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error) || smith_die "npm ci failed in $dir"
}

# smith_configure_build <dir> <build_type> [extra cmake args...]
# Configures <dir> (relative to the repo root, or absolute) from the repo root's CMakeLists.txt.
smith_configure_build() {
  [[ $# -ge 2 ]] || smith_die "usage: smith_configure_build <dir> <build_type> [cmake args...]"
  local dir="$1" build_type="$2"
  shift 2
  [[ "$dir" == /* ]] || dir="$SMITH_ROOT/$dir"
  smith_info "configuring ${dir} (${build_type}${*:+; $*})"
  cmake -S "$SMITH_ROOT" -B "$dir" \
    -DCMAKE_BUILD_TYPE="$build_type" \
    -DCMAKE_EXPORT_COMPILE_COMMANDS=ON \
    "$@"
}

# smith_build <dir> [target...]
# Builds <dir> (relative to the repo root, or absolute) with SMITH_JOBS parallel jobs;
# all targets unless some are named.
smith_build() {
  [[ $# -ge 1 ]] || smith_die "usage: smith_build <dir> [target...]"
  local dir="$1"
  shift
  [[ "$dir" == /* ]] || dir="$SMITH_ROOT/$dir"
  local targets=()
  [[ $# -gt 0 ]] && targets=(--target "$@")
  smith_info "building ${dir}${*:+ (targets: $*)} with -j${SMITH_JOBS}"
  cmake --build "$dir" -j "$SMITH_JOBS" "${targets[@]}"
}

# smith_prepare_release [target...]
# Configures and builds build/ as Release with tests, the same way for every script.
# Explicit `|| return`: callers may run this under `||`, where `set -e` does not apply.
smith_prepare_release() {
  smith_configure_build "$SMITH_RELEASE_DIR" Release "${SMITH_RELEASE_ARGS[@]}" || return
  smith_build "$SMITH_RELEASE_DIR" "$@"
}

# smith_ctest_counts <file with ctest output>
# Prints "<passed> <failed>" from ctest's last "X% tests passed, Y tests failed out of Z" line
# (colour codes stripped); returns 1 when the file has no such line.
smith_ctest_counts() {
  local line
  line="$(sed 's/\x1b\[[0-9;]*m//g' "$1" \
    | grep -E '[0-9]+% tests passed, [0-9]+ tests? failed out of [0-9]+' | tail -n 1)" || return 1
  [[ "$line" =~ ([0-9]+)\ tests?\ failed\ out\ of\ ([0-9]+) ]] || return 1
  printf '%d %d\n' "$((BASH_REMATCH[2] - BASH_REMATCH[1]))" "${BASH_REMATCH[1]}"
}
