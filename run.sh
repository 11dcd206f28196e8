#!/usr/bin/env bash
# Run the product: install what it needs, build the runner image if missing, start the site with
# the demo content on 0.0.0.0:8000. Run as root on Debian 12. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup.sh
exec .venv/bin/grader serve --demo "$@"
