#!/usr/bin/env bash
# Install everything a fresh Debian 12 machine lacks to run and test the platform.
#
#   bash scripts/setup.sh           # idempotent; fast when nothing changed
#   bash scripts/setup.sh --force   # reinstall the Python packages even if the stamp is fresh
#
# Steps:
#   1. apt packages (Chromium for the browser tests, poppler-utils, PostgreSQL, Redis
#      and nginx for the deployment tests, the Pango/HarfBuzz libraries WeasyPrint
#      needs, a font, zbar-tools to decode QR codes in the tests). Skipped entirely,
#      with no network, when dpkg-query says they are all installed.
#   2. .venv with python3 (>= 3.11), pip upgraded, `pip install -e '.[dev]'`.
#      Skipped when .venv/.setup-stamp matches the current hash of pyproject.toml and
#      this script (the Makefile uses the same stamp to decide whether to call us).
#   3. Compile the translation catalogs (.mo files are built, never committed).
#
# Environment: PYTHON (default python3) picks the interpreter for the venv.
set -euo pipefail
cd "$(dirname "$0")/.."

FORCE=0
for arg in "$@"; do
    case "$arg" in
        --force) FORCE=1 ;;
        -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
        *) echo "setup.sh: unknown argument: $arg" >&2; exit 2 ;;
    esac
done

say() { printf '==> %s\n' "$*"; }

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
        SUDO="sudo"
    fi
fi

# --- 1. system packages ----------------------------------------------------
APT_PACKAGES=(
    chromium poppler-utils postgresql redis-server nginx
    libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core
    zbar-tools make
)

PYTHON="${PYTHON:-python3}"
if ! command -v "$PYTHON" >/dev/null 2>&1; then
    if [ "$PYTHON" = python3 ]; then
        APT_PACKAGES+=(python3 python3-venv)
    else
        echo "setup.sh: PYTHON=$PYTHON not found" >&2
        exit 1
    fi
else
    # Debian's own python3 needs python3-venv (ensurepip) to create a venv.
    py_real="$(readlink -f "$(command -v "$PYTHON")")"
    case "$py_real" in
        /usr/bin/python3*) APT_PACKAGES+=(python3-venv) ;;
    esac
fi

missing_packages() {
    local pkg status
    for pkg in "${APT_PACKAGES[@]}"; do
        status="$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)"
        [ "$status" = "installed" ] || printf '%s\n' "$pkg"
    done
}

if ! command -v dpkg-query >/dev/null 2>&1; then
    echo "setup.sh: this is not a Debian-like system (no dpkg-query)." >&2
    echo "Install by hand: ${APT_PACKAGES[*]}; then rerun." >&2
    exit 1
fi

mapfile -t MISSING < <(missing_packages)
if [ "${#MISSING[@]}" -eq 0 ]; then
    say "system packages: all installed, skipping apt"
else
    if [ "$(id -u)" -ne 0 ] && [ -z "$SUDO" ]; then
        echo "setup.sh: missing packages (${MISSING[*]}) and not root, and sudo is not available." >&2
        exit 1
    fi
    say "system packages: installing ${MISSING[*]}"
    export DEBIAN_FRONTEND=noninteractive
    # Another apt/dpkg run may hold the lock: wait for it rather than fail.
    APT=($SUDO env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 -y -q)
    "${APT[@]}" update
    "${APT[@]}" install "${APT_PACKAGES[@]}"
fi

# --- 2. Python virtual environment -----------------------------------------
if ! command -v "$PYTHON" >/dev/null 2>&1; then
    echo "setup.sh: $PYTHON not found after installing packages" >&2
    exit 1
fi
if ! "$PYTHON" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)'; then
    echo "setup.sh: Python >= 3.11 is required, but $PYTHON is $("$PYTHON" -c 'import platform; print(platform.python_version())')." >&2
    echo "Install a newer Python (Debian 12's python3 is 3.11) or set PYTHON=/path/to/python3.11." >&2
    exit 1
fi

stamp_hash() { cat pyproject.toml scripts/setup.sh | sha256sum | cut -d' ' -f1; }
STAMP=.venv/.setup-stamp
WANT="$(stamp_hash)"

if [ -x .venv/bin/python ] && ! .venv/bin/python -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null; then
    say "existing .venv is broken or too old: recreating it"
    rm -rf .venv
fi

if [ "$FORCE" -eq 0 ] && [ -x .venv/bin/python ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$WANT" ]; then
    say "python packages: .venv is up to date, skipping pip"
else
    if [ ! -x .venv/bin/python ]; then
        say "creating .venv with $PYTHON ($("$PYTHON" -c 'import platform; print(platform.python_version())'))"
        "$PYTHON" -m venv .venv
    fi
    rm -f "$STAMP"
    say "python packages: pip install -e '.[dev]'"
    .venv/bin/python -m pip install -q --upgrade pip
    .venv/bin/python -m pip install -q -e '.[dev]'
    printf '%s\n' "$WANT" > "$STAMP"
fi

# --- 3. translations ---------------------------------------------------------
if [ -d translations ] && find translations -name '*.po' -print -quit | grep -q .; then
    say "compiling translations"
    .venv/bin/pybabel -q compile -d translations -f
fi

say "setup done"
