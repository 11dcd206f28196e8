#!/usr/bin/env bash
# Makes sure a Docker engine runs here with gVisor's runsc registered as the runtime "runsc".
# Uses systemd when the machine has it, otherwise starts dockerd itself (as on a CI machine or a
# container with no init system). Leaves any other settings in /etc/docker/daemon.json untouched.
set -euo pipefail

config=/etc/docker/daemon.json
mkdir -p /etc/docker
changed=$(python3 - "$config" <<'PY'
import json, os, sys
path = sys.argv[1]
config = json.load(open(path)) if os.path.exists(path) and os.path.getsize(path) else {}
# --network=none: runsc refuses --network none without it. Not --oci-seccomp: this gVisor release
# then refuses the threads Node.js starts (clone3), and its own Sentry filter protects the host.
runsc = {"path": "/usr/bin/runsc", "runtimeArgs": ["--network=none"]}
if config.get("runtimes", {}).get("runsc") != runsc:
    config.setdefault("runtimes", {})["runsc"] = runsc
    with open(path + ".tmp", "w") as f:
        json.dump(config, f, indent=2)
    os.replace(path + ".tmp", path)
    print("yes")
PY
)

engine_up() { docker info >/dev/null 2>&1; }

if engine_up && [[ -z $changed ]]; then
    exit 0
fi

if [[ -d /run/systemd/system ]] && command -v systemctl >/dev/null; then
    echo "==> Starting Docker (systemd)"
    systemctl enable --now docker.service >/dev/null 2>&1 || true
    [[ -n $changed ]] && systemctl restart docker.service
else
    if [[ -n $changed ]] && pid=$(pgrep -x dockerd); then
        echo "==> Restarting dockerd to register runsc"
        kill -HUP "$pid" 2>/dev/null || true
        # SIGHUP reloads runtimes; give it a moment to apply.
        sleep 1
    fi
    if ! engine_up && ! pgrep -x dockerd >/dev/null; then
        echo "==> Starting dockerd (log: /var/log/dockerd.log)"
        # setsid: the engine must outlive whatever started it (a test, a shell session that ends).
        setsid -f dockerd >>/var/log/dockerd.log 2>&1 </dev/null
    fi
fi

for _ in $(seq 1 60); do
    engine_up && exit 0
    sleep 0.5
done
echo "The Docker engine did not start within 30 s; see /var/log/dockerd.log." >&2
exit 1
