#!/bin/sh
# The first installation of the grader from a bundle, on a Debian 12 machine with Docker and Python 3
# and no internet. Every bundle carries this script as install.sh. As root:
#
#   tar -xf grader-bundle.tar install.sh
#   sh install.sh grader-bundle.tar --trust KEY.pub [--prefix /opt/grader] [--python python3] [--skip-doctor]
#
# The bundle must be signed by KEY.pub (or by a key the site trusts already): its programs are installed
# and run as root. --allow-unsigned installs one that is not, for a bundle you made yourself.
#
# A bundle cannot install itself before its Python packages are installed, so this script does only that
# much, with what a Debian machine has (sh, Python's standard library, openssl): it checks the bundle
# (the manifest's signature with openssl when a key is trusted, every file's SHA-256 against the
# manifest), makes the virtual environment from the bundle's wheels with `pip install --no-index`, and
# hands over to the grader it installed (`grader bundle install`), which checks the bundle again and does
# the rest. On a site that has the grader already, it hands over at once to the installed grader.
set -eu

say() { printf '==> %s\n' "$*"; }
fail() { printf 'install.sh: %s\n' "$*" >&2; exit 1; }
usage() {
    echo "usage: sh install.sh BUNDLE.tar --trust KEY.pub [--prefix DIR] [--python PYTHON] [--skip-doctor] [--allow-unsigned]" >&2
    exit 2
}
absolute() { case $1 in /*) printf '%s' "$1" ;; *) printf '%s/%s' "$(pwd)" "$1" ;; esac; }

[ $# -ge 1 ] || usage
bundle=$(absolute "$1"); shift
prefix=${GRADER_HOME:-/opt/grader}
python=python3
trust=
skip_doctor=
allow_unsigned=
while [ $# -gt 0 ]; do
    case $1 in
        --prefix) [ $# -ge 2 ] || usage; prefix=$(absolute "$2"); shift 2 ;;
        --trust) [ $# -ge 2 ] || usage; trust=$(absolute "$2"); shift 2 ;;
        --python) [ $# -ge 2 ] || usage; python=$2; shift 2 ;;
        --skip-doctor) skip_doctor=--skip-doctor; shift ;;
        --allow-unsigned) allow_unsigned=--allow-unsigned; shift ;;
        *) usage ;;
    esac
done
[ -f "$bundle" ] || fail "$bundle: no such file"
[ -z "$trust" ] || [ -f "$trust" ] || fail "$trust: no such key file"

hand_over() {  # grader bundle install, by the grader at $1
    if [ -n "$trust" ]; then
        exec "$1" bundle install "$bundle" --prefix "$prefix" --python "$python" --trust "$trust" $skip_doctor \
            $allow_unsigned
    fi
    exec "$1" bundle install "$bundle" --prefix "$prefix" --python "$python" $skip_doctor $allow_unsigned
}

if [ -n "$trust" ]; then
    # The same fingerprint as `grader bundle keygen` prints: SHA-256 of the raw 32-byte Ed25519 key.
    command -v openssl >/dev/null 2>&1 || fail "openssl is needed to check the bundle's signature (apt-get install openssl)"
    openssl pkey -pubin -in "$trust" -noout 2>/dev/null || fail "$trust is not a public key"
    fingerprint=$(openssl pkey -pubin -in "$trust" -outform DER | tail -c 32 | sha256sum | cut -c1-24 \
        | sed 's/..../&-/g; s/-$//')
    say "The key $trust has the fingerprint SHA256:$fingerprint"
    if [ -t 0 ]; then
        printf 'Is it the fingerprint you were given on paper? [y/N] '
        read -r answer
        case $answer in y|Y|yes|YES) ;; *) fail "stopped: the key was not confirmed" ;; esac
    fi
fi

if [ -x "$prefix/bin/grader" ]; then
    say "The grader is installed in $prefix: it checks and installs this bundle"
    hand_over "$prefix/bin/grader"
fi

command -v "$python" >/dev/null 2>&1 || fail "$python is not installed: install Debian's python3 package first"
mkdir -p "$prefix/logs" "$prefix/venvs" || fail "cannot write to $prefix: run this as root"
log="$prefix/logs/bootstrap-$(date +%Y%m%d-%H%M%S).log"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

say "Checking $bundle (the SHA-256 of every file)"
# Prints the virtual environment's name, the grader's version and the Python version the wheels are for.
# The name is computed as ops/manifest.py computes it (Manifest.venv_name).
found=$("$python" - "$bundle" "$work" <<'PY'
import hashlib, json, pathlib, sys, tarfile

bundle, work = sys.argv[1], pathlib.Path(sys.argv[2])
advice = "Do not install it: copy the bundle again from the original."


def refuse(message):
    print(f"install.sh: {bundle}: {message}", file=sys.stderr)
    sys.exit(1)


try:
    archive = tarfile.open(bundle, "r:")
except (OSError, tarfile.TarError) as error:
    refuse(f"not a grader bundle ({error})")
(work / "wheels").mkdir()
seen = {}
with archive:
    for member in archive:
        name = member.name.rstrip("/")
        path = pathlib.PurePosixPath(name)
        if not (member.isfile() or member.isdir()) or path.is_absolute() or ".." in path.parts:
            refuse(f"holds {name!r}, which is not a plain file with a plain name. {advice}")
        if member.isdir():
            continue
        if name in seen:
            refuse(f"holds {name!r} twice. {advice}")
        stream = archive.extractfile(member)
        if name in ("manifest.json", "manifest.json.sig"):
            (work / name).write_bytes(stream.read())
            seen[name] = None
            continue
        keep = open(work / "wheels" / path.name, "wb") if name.startswith("wheels/") else None
        digest, size = hashlib.sha256(), 0
        while chunk := stream.read(1 << 20):
            digest.update(chunk)
            size += len(chunk)
            if keep:
                keep.write(chunk)
        if keep:
            keep.close()
        seen[name] = (digest.hexdigest(), size)
if "manifest.json" not in seen:
    refuse("not a grader bundle: it has no manifest.json")
try:
    manifest = json.loads((work / "manifest.json").read_bytes())
    files = {name: (entry["sha256"], entry["size"]) for name, entry in manifest["files"].items()}
    version, python = manifest["grader_version"], manifest["python"]
except (ValueError, KeyError, TypeError, AttributeError) as error:
    refuse(f"manifest.json is damaged ({error!r}). {advice}")
for name, expected in sorted(files.items()):
    if name not in seen:
        refuse(f"{name} is missing. {advice}")
    if seen[name] != expected:
        refuse(f"{name} does not match the manifest: it was changed or damaged after the bundle was made. "
               f"{advice}")
extra = sorted(set(seen) - set(files) - {"manifest.json", "manifest.json.sig"})
if extra:
    refuse(f"holds {extra[0]}, which the manifest does not list. {advice}")
wheels = sorted((name, sha) for name, (sha, _size) in files.items() if name.startswith("wheels/"))
digest = hashlib.sha256(json.dumps(wheels).encode()).hexdigest()
print(f"{version}-{digest[:12]} {version} {python}")
PY
) || exit 1
set -- $found
venv_name=$1 version=$2 wanted_python=$3

keys=
[ -z "$trust" ] || keys=$trust
for key in "$prefix"/trusted-keys/*.pub; do
    [ -f "$key" ] && keys="$keys $key"
done
if [ -n "$keys" ]; then
    [ -f "$work/manifest.json.sig" ] || fail "$bundle is not signed, and this site installs only signed bundles."
    command -v openssl >/dev/null 2>&1 || fail "openssl is needed to check the bundle's signature (apt-get install openssl)"
    signed=
    for key in $keys; do
        if openssl pkeyutl -verify -pubin -inkey "$key" -rawin -in "$work/manifest.json" \
                -sigfile "$work/manifest.json.sig" >/dev/null 2>&1; then
            signed=$key
            break
        fi
    done
    [ -n "$signed" ] || fail "$bundle: its signature does not match the trusted key: it was changed after it was signed, or signed by someone else. Do not install it."
    say "Signed by the trusted key $signed"
elif [ -n "$allow_unsigned" ]; then
    say "No signing key given: --allow-unsigned, so the bundle was checked against its own manifest only"
else
    fail "$bundle: this site trusts no signing key, and a bundle's programs are installed and run as root, so anyone who could change it on its way here would own this machine. Give the maker's public key with --trust KEY.pub (compare its fingerprint with the one you were given on paper), or, only for a bundle you made yourself, --allow-unsigned."
fi

have_python=$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
[ "$have_python" = "$wanted_python" ] || fail "this bundle's Python packages are for Python $wanted_python, and $python here is $have_python: ask for a bundle made for Python $have_python"

venv="$prefix/venvs/$venv_name"
if [ ! -e "$venv/.complete" ]; then
    say "Installing the Python packages into $venv (no index: nothing is downloaded; log: $log)"
    rm -rf "$venv"
    "$python" -m venv --without-pip "$venv" >>"$log" 2>&1 || fail "$python could not make a virtual environment: see $log"
    pip_wheel=$(ls "$work"/wheels/pip-*.whl | head -n 1)
    set -- install --isolated --no-index --find-links "$work/wheels" --no-cache-dir --disable-pip-version-check \
        "grader==$version"
    echo "+ pip $*" >>"$log"
    # env -i: no pip setting of this machine (an index, extra links) may add a source of packages.
    if ! env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin PIP_CONFIG_FILE=/dev/null \
            "$venv/bin/python" "$pip_wheel/pip" "$@" >>"$log" 2>&1; then
        rm -rf "$venv"
        fail "pip could not install the bundle's packages: see $log"
    fi
    if ! "$venv/bin/grader" --version >>"$log" 2>&1; then
        rm -rf "$venv"
        fail "the bundle's packages installed, but the grader does not start ($(tail -n 1 "$log")): this bundle is broken, ask for another"
    fi
    touch "$venv/.complete"
fi

rm -rf "$work"
trap - EXIT
hand_over "$venv/bin/grader"
