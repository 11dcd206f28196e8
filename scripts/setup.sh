#!/usr/bin/env bash
# Prepares this machine to run or test the grader: Debian packages, a Python virtual environment,
# a running Docker engine (with gVisor registered) and a current runner image. Safe to run again:
# every step checks first and does nothing when its work is already done.
#
#   scripts/setup.sh          what the product needs
#   scripts/setup.sh --test   plus what the test suite needs (Redis, PostgreSQL, poppler-utils)
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=false
[[ "${1:-}" == "--test" ]] && want_test=true

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

if [[ $(id -u) -ne 0 ]]; then
    echo "setup.sh installs Debian packages and starts Docker: run it as root (sudo ./run.sh)." >&2
    exit 1
fi

# chromium prints the PDF of a learner's approved portfolio (web/printing.py); git keeps the history of
# exercises written in the site (grader/content_history.py).
packages=(docker.io runsc debootstrap python3 python3-venv python3-dev gcc tar ca-certificates chromium git)
if $want_test; then
    # poppler-utils: pdftoppm and pdftotext, to look at the PDFs the tests make
    packages+=(redis-server postgresql iproute2 strace poppler-utils)
fi
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# PostgreSQL's server may already be present outside Debian's packaging (pg_ctl on PATH).
if [[ " ${missing[*]} " == *" postgresql "* ]] && command -v pg_ctl >/dev/null; then
    missing=("${missing[@]/postgresql}")
fi
missing=($(printf '%s\n' "${missing[@]}" | grep -v '^$' || true))
if ((${#missing[@]})); then
    say "Installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

python=${PYTHON:-python3}
if [[ ! -x .venv/bin/python ]]; then
    say "Creating the virtual environment .venv"
    "$python" -m venv .venv
fi
stamp=.venv/.installed-$(sha256sum pyproject.toml | cut -c1-16)
if [[ ! -e $stamp ]]; then
    say "Installing Python packages into .venv"
    .venv/bin/pip install -q --upgrade pip
    .venv/bin/pip install -q -e '.[dev]'
    rm -f .venv/.installed-*
    touch "$stamp"
fi

# The code editor (CodeMirror, from the npm registry) is bundled into web/static/editor/ and committed;
# it is built again only when its inputs changed (a stamp of them is kept beside it). The tests also
# need axe-core from node_modules. Both need Node.js and npm, and only then.
stamp() { cat package-lock.json frontend/editor.js frontend/build.mjs | sha256sum | cut -d' ' -f1; }
lock=$(sha256sum package-lock.json | cut -d' ' -f1)
need_node=false
[[ "$(cat web/static/editor/stamp.txt 2>/dev/null)" != "$(stamp)" ]] && need_node=true
$want_test && [[ "$(cat node_modules/.grader-lock 2>/dev/null)" != "$lock" ]] && need_node=true
if $need_node; then
    if ! command -v npm >/dev/null; then
        say "Installing Node.js and npm (to bundle the code editor and test the pages)"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -q
        apt-get install -y -q --no-install-recommends nodejs npm
    fi
    if [[ "$(cat node_modules/.grader-lock 2>/dev/null)" != "$lock" ]]; then
        say "Installing the npm packages of package-lock.json"
        npm ci --no-audit --no-fund --loglevel=error
        echo "$lock" > node_modules/.grader-lock
    fi
    if [[ "$(cat web/static/editor/stamp.txt 2>/dev/null)" != "$(stamp)" ]]; then
        say "Bundling the code editor into web/static/editor/"
        node frontend/build.mjs
    fi
fi

scripts/docker-up.sh

say "Checking the runner image"
.venv/bin/grader images build
