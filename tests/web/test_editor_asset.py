"""The code editor's bundle (web/static/editor/, built by frontend/build.mjs from package-lock.json):
present, current with its inputs, with the licences of what it holds, and served by the site."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from flask.testing import FlaskClient

ROOT = Path(__file__).resolve().parents[2]
EDITOR = ROOT / "web" / "static" / "editor"


def test_the_bundle_is_built_from_the_current_inputs() -> None:
    """A change to the lockfile or the editor's source must come with the bundle built again
    (`npm ci && node frontend/build.mjs`, which scripts/setup.sh runs when this stamp differs)."""
    inputs = b"".join((ROOT / name).read_bytes() for name in
                      ("package-lock.json", "frontend/editor.js", "frontend/build.mjs"))
    assert (EDITOR / "stamp.txt").read_text().strip() == hashlib.sha256(inputs).hexdigest()


def test_the_bundle_ships_the_licences_of_its_packages() -> None:
    lock = json.loads((ROOT / "package-lock.json").read_text())
    licences = (EDITOR / "LICENSES.txt").read_text()
    wanted = json.loads((ROOT / "package.json").read_text())["dependencies"]
    for name in wanted:
        version = lock["packages"][f"node_modules/{name}"]["version"]
        assert f"{name} {version} (MIT)" in licences
    assert "Marijn Haverbeke" in licences  # the licence texts themselves, not only their names


def test_the_site_serves_the_editor_offline(client: FlaskClient) -> None:
    with client.get("/static/editor/editor.js") as response:
        assert response.status_code == 200 and response.mimetype == "text/javascript"
        body = response.get_data(as_text=True)
    assert "CodeEditor" in body
    assert "https://" not in body and "http://" not in body.replace("http://www.w3.org/2000/svg", "")
