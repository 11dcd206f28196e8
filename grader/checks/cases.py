"""Many inputs for one check: `cases:` written out, and `generate:` drawn at random from a seed.

```yaml
cases:                       # each case: values for the {placeholders} of the check (and a title)
  - {minutes: 125, title: Two hours and a bit}
  - {minutes: 0}
generate:
  count: 3                   # cases drawn for each submission
  pool: 20                   # the inputs of this exercise version, made from its hash (default 20)
  values:
    minutes: {integer: [1, 5000]}
    name: {one_of: [Ann, "O'Brien", "<b>Bo</b>"]}
```

A `{name}` in the check's texts (an io check's stdin and stdout; an http check's paths, form, json,
body, headers and expectations) is replaced by the case's value; braces around any other word stay as
they are. The pool is the same for every submission of one exercise version (so the reference
solution's outputs for it are made once and kept); each submission's seed picks `count` of them, and
the seed is recorded in the result. `grader validate` tries every case of the pool.
"""

from __future__ import annotations

import random
import re
import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Annotated, Any, Literal, Self
from urllib.parse import quote

from pydantic import BaseModel, ConfigDict, Field, StrictInt, model_validator

VARIABLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
Scalar = str | int | float | bool

NAMES = (
    "Ann", "Bob", "Mary Jane", "Zoë", "José", "Aïsha", "Kwame", "Li Wei", "Siobhán", "Jean-Luc", "Ngozi",
    "O'Brien", "Dmitri", "Fatima", "Tomás", "Ama", "Björn", "Priya", "Mohammed", "Chloé", "Ruth", "Yusuf",
)
"""First names: short and long, with spaces, accents, a hyphen and an apostrophe."""
WORDS = (
    "pizza", "rice and beans", "fried fish", "soup", "apple pie", "noodles", "jollof rice", "stew",
    "mango", "bread", "curry", "tacos", "pancakes", "cheese", "plantain", "dumplings", "salad", "porridge",
)
"""Everyday words and phrases (foods): one word or several."""
HOSTILE = {
    "quote": "O'Brien said \"hi\"",
    "html": "<b>Bo</b>",
    "script": "<script>alert(1)</script>",
    "empty": "",
    "spaces": "   ",
    "long": "Supercalifragilistic " * 40,
    "sql": "'); DROP TABLE messages; --",
    "unicode": "Zoë 😀 Ünal",
}
"""Inputs that break work done the unsafe way: quotes (SQL built from strings), tags (HTML built from
strings), nothing at all, only spaces, a very long value, characters outside ASCII."""
GENERATORS = ("integer", "decimal", "one_of", "name", "word", "letters", "hostile", "list_")
HostileName = Literal["quote", "html", "script", "empty", "spaces", "long", "sql", "unicode"]


class ValueSpec(BaseModel):
    """How to make one value: exactly one of the generators."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    integer: tuple[StrictInt, StrictInt] | None = None
    decimal: tuple[float, float] | None = None
    places: Annotated[int, Field(ge=0, le=6)] = 1
    one_of: tuple[Scalar, ...] | None = Field(default=None, min_length=1)
    name: Literal[True] | None = None
    word: Literal[True] | None = None
    letters: tuple[StrictInt, StrictInt] | None = None
    hostile: tuple[HostileName, ...] | None = Field(default=None, min_length=1)
    list_: ValueSpec | None = Field(default=None, alias="list")
    length: tuple[StrictInt, StrictInt] = (1, 5)
    join: str = "\n"

    @model_validator(mode="after")
    def _one_generator(self) -> Self:
        kinds = [key for key in GENERATORS if getattr(self, key) is not None]
        if len(kinds) != 1:
            raise ValueError(f"give exactly one of {', '.join(key.rstrip('_') for key in GENERATORS)}")
        for key in ("integer", "decimal", "letters", "length"):
            bounds = getattr(self, key)
            if bounds is not None and bounds[0] > bounds[1]:
                raise ValueError(f"`{key}`: the first number is the smallest, the second the largest")
        if self.letters is not None and self.letters[0] < 0 or self.length[0] < 0:
            raise ValueError("a length cannot be negative")
        for extra, owner in (("places", "decimal"), ("length", "list_"), ("join", "list_")):
            if extra in self.model_fields_set and getattr(self, owner) is None:
                raise ValueError(f"`{extra}` goes with `{owner.rstrip('_')}`")
        return self

    def draw(self, rng: random.Random) -> str:
        """One value, as text."""
        if self.integer is not None:
            return str(rng.randint(*self.integer))
        if self.decimal is not None:
            value = Decimal(str(rng.uniform(*self.decimal)))
            return str(value.quantize(Decimal(1).scaleb(-self.places), rounding=ROUND_HALF_EVEN))
        if self.one_of is not None:
            return _text(rng.choice(self.one_of))
        if self.name is not None:
            return rng.choice(NAMES)
        if self.word is not None:
            return rng.choice(WORDS)
        if self.letters is not None:
            return "".join(rng.choice(string.ascii_letters) for _ in range(rng.randint(*self.letters)))
        if self.hostile is not None:
            return HOSTILE[rng.choice(self.hostile)]
        assert self.list_ is not None
        return self.join.join(self.list_.draw(rng) for _ in range(rng.randint(*self.length)))


class Generate(BaseModel):
    """`generate:`: random cases, `count` per submission, from a pool made per exercise version."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    count: int = Field(default=3, ge=1, le=50)
    pool: int = Field(default=20, ge=1, le=200)
    values: dict[str, ValueSpec] = Field(min_length=1)

    @model_validator(mode="after")
    def _fits(self) -> Self:
        for name in self.values:
            if not VARIABLE.match(name) or name == "title":
                raise ValueError(f"`{name}` is not a name for a value (letters, digits and _; not title)")
        if self.count > self.pool:
            raise ValueError(f"`count` ({self.count}) is larger than `pool` ({self.pool})")
        return self


Case = Annotated[dict[str, Scalar], Field(min_length=1)]


@dataclass(frozen=True)
class Entry:
    """One input of a check: `key` names it in step ids ("case-0", "pool-7"), `values` fill the
    placeholders; `title` names its test."""

    key: str
    values: Mapping[str, str]
    title: str | None = None


def check_entries(
    cases: Sequence[Mapping[str, Scalar]], generate: Generate | None, pool_seed: str, seed: int,
    check_id: str, every: bool,
) -> list[Entry]:
    """The inputs one submission is tried on: every case, then the pool's cases its seed picks
    (every one of them when `every`). `pool_seed` makes the pool: the exercise's hash and the check."""
    found = case_entries(cases)
    if generate is not None:
        pool = pool_entries(generate, pool_seed)
        found += pool if every else chosen(generate, pool, seed, check_id)
    return found


def case_entries(cases: Sequence[Mapping[str, Scalar]]) -> list[Entry]:
    return [
        Entry(f"case-{index}", {k: _text(v) for k, v in case.items() if k != "title"},
              str(case["title"]) if "title" in case else None)
        for index, case in enumerate(cases)
    ]


def pool_entries(generate: Generate, pool_seed: str) -> list[Entry]:
    """Every case of the pool: the same for every submission of one exercise version."""
    entries = []
    for index in range(generate.pool):
        rng = random.Random(f"{pool_seed}:{index}")
        values = {name: spec.draw(rng) for name, spec in generate.values.items()}
        entries.append(Entry(f"pool-{index}", values))
    return entries


def chosen(generate: Generate, pool: Sequence[Entry], seed: int, check_id: str) -> list[Entry]:
    """The `count` cases of the pool this submission's seed picks for this check."""
    rng = random.Random(f"{seed}:{check_id}")
    picked = sorted(rng.sample(range(len(pool)), min(generate.count, len(pool))))
    return [pool[index] for index in picked]


def fill(template: str, values: Mapping[str, str], in_url: bool = False) -> str:
    """`template` with each `{name}` of `values` replaced (URL-encoded in a URL); other braces stay."""
    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in values:
            return match.group(0)
        return quote(values[name], safe="") if in_url else values[name]

    return PLACEHOLDER.sub(replace, template)


def fill_data(data: Any, values: Mapping[str, str]) -> Any:
    """Every string inside `data` (JSON-like) filled."""
    if isinstance(data, str):
        return fill(data, values)
    if isinstance(data, list | tuple):
        return [fill_data(item, values) for item in data]
    if isinstance(data, dict):
        return {fill(str(key), values): fill_data(value, values) for key, value in data.items()}
    return data


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def _text(value: Scalar) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
