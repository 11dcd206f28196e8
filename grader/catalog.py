"""Tracks and the catalogue: every exercise under the exercises root, in teaching order.

```
exercises/catalog.yaml          # optional: tracks: [html, css, ...] (else tracks go alphabetically)
exercises/<track>/track.yaml    # title, description, order: [slug, ...], requires: [other-track]
exercises/<track>/<slug>/       # one exercise
```

`load_catalog` is strict (one `ExerciseInvalid` with every mistake in every file); `scan_catalog` is
tolerant: it returns the valid part and the mistakes by exercise key, so the site can show instructors
which exercises are broken instead of failing as a whole.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from grader.errors import ContentError, ExerciseInvalid, non_empty, validation_errors
from grader.exercise import EXERCISE_FILE, Exercise, load_exercise
from grader.paths import ignored
from grader.yamlsource import YamlDocument, read_yaml

CATALOG_FILE = "catalog.yaml"
TRACK_FILE = "track.yaml"
CATALOG_KEY = ""  # where catalog.yaml's own mistakes are filed in `CatalogScan.problems`


class TrackYaml(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    title: str = Field(min_length=1, max_length=200)
    description: str = ""
    order: Annotated[tuple[str, ...], AfterValidator(non_empty)]
    requires: tuple[str, ...] = ()


class CatalogYaml(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    tracks: Annotated[tuple[str, ...], AfterValidator(non_empty)]


@dataclass(frozen=True)
class Track:
    """A track and its valid exercises in `order` (an invalid one is listed in `order` but missing here)."""

    name: str
    title: str
    description: str
    order: tuple[str, ...]
    requires: tuple[str, ...]
    exercises: tuple[Exercise, ...]


@dataclass(frozen=True)
class Catalog:
    root: Path
    tracks: tuple[Track, ...]

    def exercises(self) -> Iterator[Exercise]:
        for track in self.tracks:
            yield from track.exercises

    def exercise(self, key: str) -> Exercise:
        """The exercise `<track>/<slug>`. Raises KeyError."""
        for exercise in self.exercises():
            if exercise.key == key:
                return exercise
        raise KeyError(key)

    def track(self, name: str) -> Track:
        """Raises KeyError."""
        for track in self.tracks:
            if track.name == name:
                return track
        raise KeyError(name)


@dataclass(frozen=True)
class CatalogScan:
    """The valid part of a catalogue and every mistake, filed by exercise key (`python/two-fer`),
    track name (its track.yaml) or `CATALOG_KEY` (catalog.yaml)."""

    catalog: Catalog
    problems: Mapping[str, tuple[ContentError, ...]]

    def errors(self) -> list[ContentError]:
        return sorted(error for errors in self.problems.values() for error in errors)


def load_catalog(root: Path) -> Catalog:
    """Every track and exercise under `root`.

    Raises:
        ExerciseInvalid: with every mistake in every file.
    """
    scan = scan_catalog(root)
    if scan.problems:
        raise ExerciseInvalid(scan.errors())
    return scan.catalog


def scan_catalog(root: Path) -> CatalogScan:
    """Every track and valid exercise under `root`, with the mistakes kept aside instead of raised.

    Raises:
        ExerciseInvalid: only when `root` is not a folder.
    """
    root = root.resolve()
    if not root.is_dir():
        raise ExerciseInvalid([ContentError(str(root), 0, 0, "exercises folder not found")])
    problems: dict[str, list[ContentError]] = {}
    folders = sorted(path.name for path in root.iterdir() if path.is_dir() and not ignored(path.name))
    names = _track_order(root, folders, problems)
    files = {name: _track_file(root, name, problems) for name in names}
    specs = {name: spec for name, (spec, _) in files.items()}
    for name, (spec, doc) in files.items():
        if spec is not None and doc is not None:
            problems[name] += _requires_errors(name, spec, doc, specs)
    tracks = tuple(_load_track(root, name, spec, problems) for name, spec in specs.items())
    kept = {key: tuple(errors) for key, errors in problems.items() if errors}
    return CatalogScan(Catalog(root, tracks), kept)


_Model = TypeVar("_Model", bound=BaseModel)


def _read(
    path: Path, file: str, model: type[_Model], errors: list[ContentError]
) -> tuple[_Model | None, YamlDocument | None]:
    """A small YAML file validated by `model` (None when invalid), and its document for positions."""
    try:
        doc = read_yaml(path, file)
    except ExerciseInvalid as exc:
        errors += exc.errors
        return None, None
    errors += doc.problems
    try:
        return model.model_validate(doc.data if doc.data is not None else {}), doc
    except ValidationError as exc:
        errors += validation_errors(exc, model, doc)
        return None, doc


def _track_order(root: Path, folders: list[str], problems: dict[str, list[ContentError]]) -> list[str]:
    """Track names in catalog.yaml's order (unlisted ones after, alphabetically), else alphabetically."""
    if not (root / CATALOG_FILE).exists():
        return folders
    errors = problems.setdefault(CATALOG_KEY, [])
    spec, doc = _read(root / CATALOG_FILE, CATALOG_FILE, CatalogYaml, errors)
    if spec is None or doc is None:
        return folders
    _listing_errors(doc, "tracks", spec.tracks, folders, "track folder", errors)
    listed = [name for name in dict.fromkeys(spec.tracks) if name in folders]
    return listed + [name for name in folders if name not in listed]


def _listing_errors(
    doc: YamlDocument,
    key: str,
    listed: tuple[str, ...],
    present: list[str],
    noun: str,
    errors: list[ContentError],
) -> None:
    """Each listed name exists once; each present one is listed."""
    seen: set[str] = set()
    for index, name in enumerate(listed):
        if name in seen:
            errors.append(doc.error((key, index), f"'{name}' is listed twice"))
        elif name not in present:
            errors.append(doc.error((key, index), f"no {noun} '{name}'"))
        seen.add(name)
    for name in present:
        if name not in seen:
            errors.append(doc.error((key,), f"the {noun} '{name}' is not listed in {key}"))


def _track_file(
    root: Path, name: str, problems: dict[str, list[ContentError]]
) -> tuple[TrackYaml | None, YamlDocument | None]:
    errors = problems.setdefault(name, [])
    spec, doc = _read(root / name / TRACK_FILE, f"{name}/{TRACK_FILE}", TrackYaml, errors)
    if spec is not None and doc is not None:
        _listing_errors(doc, "order", spec.order, _exercise_folders(root / name), "exercise folder", errors)
    return spec, doc


def _exercise_folders(track: Path) -> list[str]:
    return sorted(p.name for p in track.iterdir() if (p / EXERCISE_FILE).is_file() and not ignored(p.name))


def _requires_errors(
    name: str, spec: TrackYaml, doc: YamlDocument, specs: Mapping[str, TrackYaml | None]
) -> list[ContentError]:
    """Required tracks exist and no track requires itself, directly or in a circle."""
    errors: list[ContentError] = []
    for index, other in enumerate(spec.requires):
        if other == name:
            errors.append(doc.error(("requires", index), "a track cannot require itself"))
        elif other not in specs:
            errors.append(doc.error(("requires", index), f"no track '{other}'"))
        elif _reaches(other, name, specs, set()):
            errors.append(doc.error(("requires", index), f"'{other}' requires '{name}' in turn"))
    return errors


def _reaches(start: str, goal: str, specs: Mapping[str, TrackYaml | None], seen: set[str]) -> bool:
    if start == goal:
        return True
    seen.add(start)
    spec = specs.get(start)
    return spec is not None and any(_reaches(n, goal, specs, seen) for n in spec.requires if n not in seen)


def _load_track(
    root: Path, name: str, spec: TrackYaml | None, problems: dict[str, list[ContentError]]
) -> Track:
    folders = _exercise_folders(root / name) if (root / name).is_dir() else []
    order = spec.order if spec is not None else tuple(folders)
    exercises: list[Exercise] = []
    for slug in dict.fromkeys([*order, *folders]):
        if not (root / name / slug).is_dir():
            continue  # already reported against the track's order
        try:
            exercise = load_exercise(root / name / slug, root)
        except ExerciseInvalid as exc:
            problems.setdefault(f"{name}/{slug}", []).extend(exc.errors)
            continue
        if slug in order:
            exercises.append(exercise)
    title, description = (spec.title, spec.description) if spec else (name, "")
    requires = spec.requires if spec else ()
    return Track(name, title, description, order, requires, tuple(exercises))
