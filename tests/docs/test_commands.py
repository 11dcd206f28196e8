"""Every `grader` command the guides show is a real command with the options shown; the blocks marked
`run` (and `run-docker`) run for real; every bench/ command exists with its options; the README's
command table names every command."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from cli import main
from tests.helpers.docs import (
    README,
    ROOT,
    SHELL_LANGUAGES,
    Block,
    Command,
    blocks,
    code_spans,
    command_words,
    commands,
    guides,
    prose,
    relative,
    subcommands,
)

COMMANDS = list(commands())
RUNNABLE = [block for path in guides() for block in blocks(path)
            if block.language in SHELL_LANGUAGES and block.marks[:1] in (("run",), ("run-docker",))]
_BENCH = re.compile(r"(?:^|\s)(?:\S*python3?\s+)?(?P<script>bench/[\w-]+\.py)(?P<rest>[^#]*)")


def resolve(words: tuple[str, ...]) -> list[tuple[str, click.Command, list[str]]]:
    """For each command `words` name (`users create|list` names two): its name, the command, and the
    words after it. Brackets of optional parts are dropped.

    Raises:
        LookupError: a word names no command.
    """
    cleaned = [word.strip("[]") for word in words]
    found: list[tuple[str, click.Command, list[str]]] = []

    def walk(command: click.Command, name: str, rest: list[str]) -> None:
        if isinstance(command, click.Group) and rest and not rest[0].startswith("-"):
            for alternative in rest[0].split("|"):
                sub = subcommands(command).get(alternative)
                if sub is None:
                    raise LookupError(f"`{name}` has no command `{alternative}`")
                walk(sub, f"{name} {alternative}", rest[1:])
            return
        found.append((name, command, rest))

    walk(main, "grader", [word for word in cleaned if word])
    return found


def option_names(command: click.Command) -> set[str]:
    return {opt for param in command.params for opt in (*param.opts, *param.secondary_opts)} | {"--help"}


def shown_options(rest: list[str]) -> list[str]:
    return [word.split("=", 1)[0] for word in rest if re.match(r"^--?[a-z]", word)]


def test_the_guides_show_commands() -> None:
    assert len(COMMANDS) > 30
    assert len(RUNNABLE) >= 2


@pytest.mark.parametrize("shown", COMMANDS, ids=[f"{c.where} {c.text}" for c in COMMANDS])
def test_a_command_in_the_guides_exists_with_the_options_shown(shown: Command) -> None:
    try:
        resolved = resolve(shown.words)
    except LookupError as error:
        pytest.fail(f"{shown.where}: `{shown.text}`: {error}")
    for name, command, rest in resolved:
        if isinstance(command, click.Group):
            assert not rest or rest == ["--help"], f"{shown.where}: `{name}` needs a command after it"
        unknown = [option for option in shown_options(rest) if option not in option_names(command)]
        assert not unknown, f"{shown.where}: `{name}` has no option {', '.join(unknown)}"


def resolved(shown: Command) -> list[tuple[str, click.Command, list[str]]]:
    """What `shown` names, or nothing when it names no command (its own test fails then)."""
    try:
        return resolve(shown.words)
    except LookupError:
        return []


SUBCOMMANDS = sorted({name for shown in COMMANDS for name, _, _ in resolved(shown)})


@pytest.mark.parametrize("name", SUBCOMMANDS)
def test_help_of_each_command_shown_lists_its_options(name: str) -> None:
    """The options the guides use are the ones `--help` shows (not only click's internals)."""
    words = name.split()[1:]
    result = CliRunner().invoke(main, [*words, "--help"])
    assert result.exit_code == 0, result.output
    used = {option for shown in COMMANDS for found, _, rest in resolved(shown) if found == name
            for option in shown_options(rest)}
    assert all(option in result.output for option in used), (name, used, result.output)


def test_a_wrong_option_or_command_is_found() -> None:
    with pytest.raises(LookupError):
        resolve(("users", "delete"))
    (name, command, rest), = resolve(("backup", "--keep", "30", "--compress"))
    assert name == "grader backup"
    assert [option for option in shown_options(rest) if option not in option_names(command)] == ["--compress"]


def test_the_readme_table_names_every_command() -> None:
    named: set[str] = set()
    for _, line in prose(README):
        if line.startswith("| `grader "):
            for span in code_spans(line):
                if span.startswith("grader "):
                    named |= {name for name, _, _ in resolve(tuple(span.split()[1:]))}
    tops = {name.split()[1] for name in named}
    top = subcommands(main)
    assert tops >= set(top), f"README.md's command table lacks: {set(top) - tops}"
    groups = {name: command for name, command in top.items() if isinstance(command, click.Group)}
    for group, command in groups.items():
        subs = {name.split()[2] for name in named if name.split()[1] == group and len(name.split()) > 2}
        assert subs == set(subcommands(command)), f"README.md's table, `grader {group}`: {subs}"


def _grader_lines(block: Block) -> list[tuple[int, tuple[str, ...]]]:
    found = []
    for offset, line in enumerate(block.text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        words = command_words(line)
        where = f"{relative(block.path)}:{block.line + offset}"
        assert words is not None, f"{where}: a run block holds only grader commands"
        found.append((block.line + offset, words))
    return found


def _run_block(block: Block, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    environment = {
        "GRADER_INSTANCE": str(tmp_path / "instance"),
        "GRADER_REFERENCES": str(tmp_path / "references"),
        "GRADER_BACKUPS": str(tmp_path / "backups"),
        "GRADER_HOME": str(tmp_path / "home"),
    }
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    for line, words in _grader_lines(block):
        result = CliRunner().invoke(main, list(words))
        command = " ".join(words)
        assert result.exit_code == 0, f"{relative(block.path)}:{line}: `grader {command}`:\n{result.output}"


RUN = [block for block in RUNNABLE if block.marks[0] == "run"]
RUN_DOCKER = [block for block in RUNNABLE if block.marks[0] == "run-docker"]


@pytest.mark.parametrize("block", RUN, ids=[block.where for block in RUN])
def test_a_run_block_runs(block: Block, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _run_block(block, tmp_path, monkeypatch)


@pytest.mark.docker
@pytest.mark.parametrize("block", RUN_DOCKER, ids=[block.where for block in RUN_DOCKER])
def test_a_run_block_that_needs_docker_runs(block: Block, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            runner_image: str) -> None:
    _run_block(block, tmp_path, monkeypatch)


def bench_commands() -> list[tuple[str, str, list[str]]]:
    """(where, script, options) of every bench/ command in shell blocks and code spans."""
    found = []
    for path in guides():
        texts = [(block.line + offset, line) for block in blocks(path) if block.language in SHELL_LANGUAGES
                 for offset, line in enumerate(block.text.splitlines(), start=1)]
        texts += [(number, span) for number, line in prose(path) for span in code_spans(line)]
        for number, text in texts:
            for match in _BENCH.finditer(text):
                options = [word.strip("[]").split("=", 1)[0] for word in match["rest"].split()
                           if word.strip("[]").startswith("--")]
                found.append((f"{relative(path)}:{number}", match["script"], options))
    return found


BENCH = bench_commands()


def test_the_guides_name_the_benchmarks() -> None:
    assert {script for _, script, _ in BENCH} == {f"bench/{p.name}" for p in (ROOT / "bench").glob("*.py")}


@pytest.mark.parametrize("where,script,options", BENCH, ids=[f"{w} {s}" for w, s, _ in BENCH])
def test_a_bench_command_exists_with_the_options_shown(where: str, script: str, options: list[str]) -> None:
    assert (ROOT / script).is_file(), f"{where}: no {script}"
    if not options:
        return
    done = subprocess.run([sys.executable, script, "--help"], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    missing = [option for option in options if option not in done.stdout]
    assert not missing, f"{where}: {script} has no option {', '.join(missing)}"
