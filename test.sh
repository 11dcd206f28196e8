#!/usr/bin/env bash
# Run every test: install what the tests need (Debian packages, .venv, Docker, the runner image),
# then lint, type-check and run the whole suite. Run as root on Debian 12. Arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup.sh --test
exec scripts/checks.sh "$@"
