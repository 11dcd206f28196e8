"""grader/checks/cases.py: cases written out and cases drawn from a seed, and filling them in."""

from __future__ import annotations

import random

import pytest
from pydantic import ValidationError

from grader.checks.cases import HOSTILE, Generate, ValueSpec, check_entries, chosen, fill, pool_entries


def test_the_pool_is_the_same_for_one_exercise_version_and_differs_for_another() -> None:
    generate = Generate.model_validate({"values": {"minutes": {"integer": [0, 5000]}}})
    pool = pool_entries(generate, "sha-a:io-3")
    assert pool == pool_entries(generate, "sha-a:io-3")
    assert len(pool) == 20 and all(0 <= int(entry.values["minutes"]) <= 5000 for entry in pool)
    assert [e.values for e in pool] != [e.values for e in pool_entries(generate, "sha-b:io-3")]


def test_each_seed_picks_its_own_cases_and_validation_tries_every_one() -> None:
    generate = Generate.model_validate({"count": 3, "pool": 50, "values": {"n": {"integer": [1, 10**9]}}})
    pool = pool_entries(generate, "sha:io-1")
    picks = {tuple(e.key for e in chosen(generate, pool, seed, "io-1")) for seed in range(20)}
    assert len(picks) > 10  # seeds pick different cases
    assert all(len(pick) == 3 for pick in picks)
    assert chosen(generate, pool, 7, "io-1") == chosen(generate, pool, 7, "io-1")  # a seed replays
    every = check_entries([{"n": 5, "title": "Five"}], generate, "sha:io-1", 7, "io-1", every=True)
    assert [e.key for e in every] == ["case-0", *(f"pool-{i}" for i in range(50))]
    assert every[0].values == {"n": "5"} and every[0].title == "Five"


def test_generators_make_what_they_say() -> None:
    rng = random.Random(1)
    numbers = ValueSpec.model_validate(
        {"list": {"decimal": [-5, 5], "places": 2}, "length": [3, 3], "join": ","}
    )
    drawn = numbers.draw(rng).split(",")
    assert len(drawn) == 3 and all(len(value.split(".")[1]) == 2 for value in drawn)
    hostile = ValueSpec.model_validate({"hostile": ["quote", "script"]})
    assert {hostile.draw(rng) for _ in range(30)} == {HOSTILE["quote"], HOSTILE["script"]}
    assert "'" in HOSTILE["quote"] and "<script>" in HOSTILE["script"] and HOSTILE["empty"] == ""


@pytest.mark.parametrize("spec, words", [
    ({"integer": [1, 2], "word": True}, "exactly one"),
    ({}, "exactly one"),
    ({"integer": [9, 1]}, "smallest"),
    ({"integer": [1, 9], "places": 2}, "`places` goes with `decimal`"),
    ({"hostile": ["bobby-tables"]}, "hostile"),
])
def test_a_wrong_generator_is_refused_with_a_reason(spec: dict[str, object], words: str) -> None:
    with pytest.raises(ValidationError, match=words):
        ValueSpec.model_validate(spec)


def test_count_cannot_exceed_the_pool() -> None:
    with pytest.raises(ValidationError, match="larger than `pool`"):
        Generate.model_validate({"count": 5, "pool": 3, "values": {"n": {"integer": [1, 2]}}})


def test_fill_replaces_only_known_names_and_encodes_them_in_a_url() -> None:
    values = {"name": "Mary Jane/<b>"}
    assert fill("Hello, {name}! {other} {}", values) == "Hello, Mary Jane/<b>! {other} {}"
    assert fill("/hello/{name}", values, in_url=True) == "/hello/Mary%20Jane%2F%3Cb%3E"
