"""The history of the exercises folder: a git repository of the folder, kept by Debian's `git`.

Every change made in the site (a save, a new exercise, an import, a restore) is one commit, with the
instructor as its author; changes made in a shell are taken in by the next one (the whole folder is
committed each time). Restoring an earlier version of an exercise is one more commit: nothing in the
history is ever rewritten.

Why the `git` program and not a library: it is a Debian package (no wheel to ship), its repository is
the one IT already knows how to read, back up and carry on a USB stick, and it is the most used
implementation there is. It runs with a clean environment, no user or system configuration, and no
hooks, so nothing in the folder or on the host changes what it does.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

GIT_TIMEOUT_S = 60
MAX_LOG = 200
_SHA = re.compile(r"^[0-9a-f]{40}$")
_RECORD = "\x1e"
_FIELD = "\x1f"
IGNORED = "__pycache__/\n*.pyc\n.DS_Store\n"


class HistoryError(RuntimeError):
    """git is missing, or refused what was asked; the message says what, in words."""


@dataclass(frozen=True)
class Change:
    """One commit of the folder's history."""

    sha: str
    at: datetime
    author: str
    message: str

    @property
    def short(self) -> str:
        return self.sha[:10]


class ContentHistory:
    """The history of the exercises folder `root` (a git repository made on first use)."""

    def __init__(self, root: Path, git: str = "git") -> None:
        self.root = root
        self.git = git

    def _call(self, args: tuple[str, ...],
              author: tuple[str, str] | None) -> subprocess.CompletedProcess[bytes]:
        program = shutil.which(self.git)
        if program is None:
            raise HistoryError("the program git is not installed (Debian package git): the site cannot keep "
                               "the history of the exercises folder")
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(self.root), "LANG": "C.UTF-8",
            "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull, "GIT_TERMINAL_PROMPT": "0",
            "GIT_AUTHOR_NAME": "grader", "GIT_AUTHOR_EMAIL": "grader@localhost",
            "GIT_COMMITTER_NAME": "grader", "GIT_COMMITTER_EMAIL": "grader@localhost",
        }
        if author is not None:
            env["GIT_AUTHOR_NAME"], env["GIT_AUTHOR_EMAIL"] = author
        safe = ("-c", f"safe.directory={self.root}", "-c", "core.hooksPath=/dev/null",
                "-c", "core.fsmonitor=", "-c", "commit.gpgSign=false", "-c", "core.quotePath=false")
        try:
            return subprocess.run([program, *safe, *args], cwd=self.root, env=env, capture_output=True,
                                  timeout=GIT_TIMEOUT_S, check=False)
        except (OSError, subprocess.TimeoutExpired) as error:
            raise HistoryError(f"git could not run: {error}") from None

    def _run(self, *args: str, author: tuple[str, str] | None = None, check: bool = True) -> str:
        done = self._call(args, author)
        if check and done.returncode != 0:
            said = done.stderr.decode("utf-8", "replace").strip()[:500]
            raise HistoryError(f"git {args[0]} failed: {said}")
        return done.stdout.decode("utf-8", "replace")

    def ready(self) -> bool:
        return (self.root / ".git").is_dir()

    def ensure(self) -> None:
        """Make the repository when there is none, with the folder as it is as its first commit."""
        if self.ready():
            return
        if not self.root.is_dir():
            raise HistoryError(f"{self.root}: no such exercises folder")
        self._run("init", "--quiet")
        ignore = self.root / ".gitignore"
        if not ignore.exists():
            ignore.write_text(IGNORED, encoding="utf-8")
        self.commit("The exercises folder as it was when the site began to keep its history")

    def commit(self, message: str, author: tuple[str, str] | None = None) -> str | None:
        """Commit the whole folder as it is now. Returns the commit, or None when nothing changed."""
        self.ensure()
        self._run("add", "--all", "--", ".")
        if not self._run("status", "--porcelain", "--", ".").strip():
            return None
        self._run("commit", "--quiet", "--no-verify", "-m", message[:2000], author=author)
        return self._run("rev-parse", "HEAD").strip()

    def log(self, path: str, limit: int = MAX_LOG) -> list[Change]:
        """The commits that changed `path` (a file or folder relative to the root), newest first."""
        if not self.ready():
            return []
        form = f"--format={_RECORD}%H{_FIELD}%aI{_FIELD}%an{_FIELD}%s"
        out = self._run("log", f"-n{min(limit, MAX_LOG)}", form, "--", path or ".", check=False)
        changes = []
        for record in out.split(_RECORD):
            parts = record.strip().split(_FIELD)
            if len(parts) == 4 and _SHA.match(parts[0]):
                at = datetime.fromisoformat(parts[1]).astimezone(UTC)
                changes.append(Change(parts[0], at, parts[2], parts[3]))
        return changes

    def files_at(self, sha: str, folder: str) -> list[str]:
        """The files under `folder` at commit `sha`, relative to `folder`."""
        self._check_sha(sha)
        out = self._run("ls-tree", "-r", "--name-only", "-z", sha, "--", folder.rstrip("/") + "/")
        prefix = folder.rstrip("/") + "/"
        return sorted(name.removeprefix(prefix) for name in out.split("\0") if name.startswith(prefix))

    def show(self, sha: str, path: str) -> bytes:
        """The content of the file `path` at commit `sha`."""
        self._check_sha(sha)
        done = self._call(("show", f"{sha}:{path}"), None)
        if done.returncode != 0:
            raise HistoryError(f"{path} is not in that version")
        return done.stdout

    def restore(self, sha: str, folder: str, message: str,
                author: tuple[str, str] | None = None) -> str | None:
        """Put `folder` back as it was at commit `sha` (files added since are removed), as a new commit."""
        self._check_sha(sha)
        self.commit("Changes made outside the site, kept before a restore")
        self._run("restore", f"--source={sha}", "--staged", "--worktree", "--", folder)
        return self.commit(message, author)

    def _check_sha(self, sha: str) -> None:
        if not _SHA.match(sha):
            raise HistoryError(f"{sha[:50]!r} is not a version of the history")
        if self._run("cat-file", "-t", sha, check=False).strip() != "commit":
            raise HistoryError(f"{sha[:10]} is not a version of the history")
