#!/usr/bin/env bash
# Lint, types, then the whole test suite (setup.sh --test must have run). With CI=true, a test that
# needs Docker, a browser or a database fails instead of skipping when that part is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/ruff check sandbox grader web tests bench
.venv/bin/mypy
.venv/bin/pytest "$@"
