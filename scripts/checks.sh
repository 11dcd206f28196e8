#!/usr/bin/env bash
# Lint, import contracts, types, then the whole test suite (setup.sh --test must have run). With
# CI=true, a test that needs Docker, a browser or a database fails instead of skipping when that part
# is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
packages=(cli ops web service store config grader sandbox)
.venv/bin/ruff check "${packages[@]}" tests bench scripts
.venv/bin/lint-imports
.venv/bin/python scripts/import_cycles.py "${packages[@]}"
.venv/bin/mypy
.venv/bin/pytest "$@"
