#!/usr/bin/env bash
# Builds the application image grader-app (see Dockerfile) with no registry and no network in the
# build: its base from Debian packages with debootstrap (once, about two minutes; needs root), the
# application as wheels built here, then `docker build --network none`. Safe to run again.
#
#   scripts/build-app-image.sh            # GRADER_DEBIAN_MIRROR=file:///media/usb/debian to build offline
set -euo pipefail
cd "$(dirname "$0")/.."

echo "==> Base image grader-app-base (Debian packages of deploy/app-packages.txt)"
.venv/bin/python - <<'PY'
from pathlib import Path

from sandbox.engine import connect
from sandbox.images import build_runner_image, runner_image_plan

plan = runner_image_plan(Path("deploy/app-packages.txt"), {}, repository="grader-app-base")
info = build_runner_image(connect(None, 900), plan, method="debootstrap",
                         progress=lambda message: print(f"  {message}", flush=True))
print(f"  {plan.current_tag} = {info.tag}")
PY

context=build/app-image
echo "==> Wheels of the application and its dependencies ($context/wheels)"
rm -rf "$context"
mkdir -p "$context"
.venv/bin/pip wheel --quiet --disable-pip-version-check --no-deps --wheel-dir "$context/wheels" .
# The dependencies for the image's Python and glibc, binary wheels only (nothing compiles in the build).
# pip resolves markers on python_full_version with this host's Python: redis needs async-timeout
# below 3.11.3 (bookworm has 3.11.2), so it is named here.
python=$(docker run --rm --network none grader-app-base:current python3 -c 'import platform; print(platform.python_version())')
abi=cp$(echo "$python" | cut -d. -f1,2 | tr -d .)
platforms=()
for tag in manylinux2014 manylinux_2_17 manylinux_2_28 manylinux_2_34; do platforms+=(--platform "${tag}_x86_64"); done
.venv/bin/pip download --quiet --disable-pip-version-check --dest "$context/wheels" --only-binary=:all: \
    --python-version "$python" --implementation cp --abi "$abi" --abi abi3 --abi none \
    "${platforms[@]}" "$(ls "$context"/wheels/grader-*.whl)" pip "async-timeout>=4.0.3"
cp -r exercises "$context/"

version=$(.venv/bin/python -c 'import grader; print(grader.__version__)')
echo "==> docker build grader-app:$version (no network)"
docker build --network none --file Dockerfile --tag "grader-app:$version" --tag grader-app:latest "$context"
