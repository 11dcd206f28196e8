"""`grader new TRACK/SLUG --kind KIND`: a new exercise that is sound as written, for an instructor to
change into their own. Each kind is a folder of grader/scaffolds/ (instructions, starter, solution, one
right and one wrong submission, and a commented check of every kind that fits); the exercise is added
to its track's `order` (a new track to catalog.yaml), keeping the comments of those files.
"""

from __future__ import annotations

import json
import keyword
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import yaml

from grader.catalog import CATALOG_FILE, TRACK_FILE
from grader.intake import name_problem
from grader.paths import ignored

ScaffoldKind = Literal["io", "pytest", "node", "page", "flask"]
KINDS: tuple[ScaffoldKind, ...] = ("io", "pytest", "node", "page", "flask")
TEMPLATES = Path(__file__).resolve().parent / "scaffolds"
_FOLDER_NAME = re.compile(r"^[A-Za-z0-9_-]+$")
TEXT_SUFFIXES = (".yaml", ".md", ".py", ".js", ".html", ".css", ".txt")


class ScaffoldError(ValueError):
    """The exercise cannot be made; the message says why."""


@dataclass(frozen=True)
class Made:
    """What `new_exercise` wrote: the exercise's folder, its files, and the catalogue files it changed."""

    folder: Path
    files: tuple[str, ...]
    changed: tuple[Path, ...]


def module_name(slug: str, suffix: str) -> str:
    """A file name for the learner made from the slug: `02-big-numbers` -> `big_numbers`. A name that a
    submission may not use (a module Python has, `conftest`) becomes `<name>_exercise`."""
    name = re.sub(r"^[\d_-]+", "", slug).replace("-", "_").lower() or "exercise"
    if not name.isidentifier() or keyword.iskeyword(name) or name_problem(f"{name}{suffix}") is not None:
        name = f"{name}_exercise" if name.isidentifier() else "exercise"
    return name


def title_of(slug: str) -> str:
    """`02-big-numbers` -> `Big numbers`."""
    words = re.sub(r"^[\d_-]+", "", slug).replace("-", " ").replace("_", " ").strip()
    return (words[:1].upper() + words[1:]) if words else slug


def new_exercise(root: Path, key: str, kind: ScaffoldKind, title: str | None = None) -> Made:
    """Write the exercise `key` (`track/slug`) of `kind` under `root`, and list it in its track.

    Raises:
        ScaffoldError: the key is not a track and a slug of plain names, the kind is unknown, or the
            folder exists already (nothing is ever overwritten).
    """
    track, _, slug = key.strip().strip("/").partition("/")
    for part, what in ((track, "track"), (slug, "exercise")):
        if not _FOLDER_NAME.match(part or ""):
            raise ScaffoldError(f"{key!r}: write TRACK/SLUG, each with only letters, digits, '-' and '_' "
                                f"(the {what}'s name is part of web addresses)")
    if kind not in KINDS:
        raise ScaffoldError(f"unknown kind {kind!r} (known: {', '.join(KINDS)})")
    if not root.is_dir():
        raise ScaffoldError(f"{root}: no such exercises folder")
    folder = root / track / slug
    if folder.exists():
        raise ScaffoldError(f"{folder} exists already: choose another name, or remove it first")
    suffix = ".js" if kind == "node" else ".py"
    heading = (title or title_of(slug)).strip()
    values = {
        "@@TITLE@@": json.dumps(heading, ensure_ascii=False), "@@HEADING@@": heading,
        "@@TRACK@@": track, "@@SLUG@@": slug, "@@NAME@@": module_name(slug, suffix),
    }
    written = _copy_template(TEMPLATES / kind, folder, values)
    changed = add_to_track(root, track, slug)
    return Made(folder, tuple(written), tuple(changed))


def _copy_template(template: Path, folder: Path, values: dict[str, str]) -> list[str]:
    written: list[str] = []
    for source in sorted(template.rglob("*")):
        if not source.is_file() or any(ignored(part) for part in source.relative_to(template).parts):
            continue
        relative = source.relative_to(template).as_posix()
        for placeholder, value in values.items():
            relative = relative.replace(placeholder, value)
        target = folder / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.suffix in TEXT_SUFFIXES:
            text = source.read_text(encoding="utf-8")
            for placeholder, value in values.items():
                text = text.replace(placeholder, value)
            target.write_text(text, encoding="utf-8")
        else:
            shutil.copyfile(source, target)
        written.append(relative)
    return written


def add_to_track(root: Path, track: str, slug: str) -> list[Path]:
    """List `slug` at the end of its track's `order` (making track.yaml when the track is new, and then
    listing the track in catalog.yaml when there is one). The files' comments are kept.

    Returns:
        The files changed or made.
    """
    changed: list[Path] = []
    track_file = root / track / TRACK_FILE
    if not track_file.exists():
        track_file.write_text(f"title: {json.dumps(title_of(track))}\ndescription: \"\"\norder: [{slug}]\n",
                              encoding="utf-8")
        changed.append(track_file)
        catalog = root / CATALOG_FILE
        if catalog.exists() and append_listed(catalog, "tracks", track):
            changed.append(catalog)
        return changed
    if append_listed(track_file, "order", slug):
        changed.append(track_file)
    return changed


def append_listed(path: Path, key: str, item: str) -> bool:
    """Add `item` to the list `key` of the YAML file at `path`, unless it is there already. The text is
    edited where the list is written, flow (`order: [a, b]`) or block (`- a` lines); when it is written
    some other way, the file is written again from its data (its comments are lost then)."""
    text = path.read_text(encoding="utf-8")
    data = yaml.safe_load(text) or {}
    listed = data.get(key) if isinstance(data, dict) else None
    if isinstance(listed, list) and item in [str(entry) for entry in listed]:
        return False
    edited = _edit_list(text, key, item)
    if edited is not None:
        check = yaml.safe_load(edited)
        if isinstance(check, dict) and item in [str(entry) for entry in check.get(key) or []]:
            path.write_text(edited, encoding="utf-8")
            return True
    data = data if isinstance(data, dict) else {}
    data[key] = [*(listed if isinstance(listed, list) else []), item]
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return True


def _edit_list(text: str, key: str, item: str) -> str | None:
    lines = text.splitlines(keepends=True)
    for index, line in enumerate(lines):
        flow = re.match(rf"^({re.escape(key)}:\s*\[)([^\]]*)(\].*)$", line.rstrip("\n"))
        if flow:
            inside = flow.group(2).rstrip()
            joined = f"{inside}, {item}" if inside.strip() else item
            lines[index] = f"{flow.group(1)}{joined}{flow.group(3)}\n"
            return "".join(lines)
        if re.match(rf"^{re.escape(key)}:\s*(#.*)?$", line.rstrip("\n")):
            last, indent = index, "  "
            for following in range(index + 1, len(lines)):
                entry = re.match(r"^(\s*)- ", lines[following])
                if entry:
                    last, indent = following, entry.group(1)
                elif lines[following].strip() and not lines[following].lstrip().startswith("#"):
                    break
            if last == index:
                return None
            ending = "" if lines[last].endswith("\n") else "\n"
            lines.insert(last + 1, f"{ending}{indent}- {item}\n")
            return "".join(lines)
    return None
