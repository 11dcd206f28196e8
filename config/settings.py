"""Every setting of an installation, read from GRADER_* environment variables in one place.

The command line builds one `Settings` when it starts and hands it on: the site keeps it in
`app.extensions`, the worker receives it in its constructor, the grading commands get its `grading`
part. Nothing else reads the environment. Nothing secret has a default: the secret key is generated
once into the instance folder, and only when something needs it.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any

from grader.config import GradingSettings, RunLimits, SandboxSettings

ROOT = Path(__file__).resolve().parent.parent
SECRET_FILE = "secret_key"


class SettingsError(ValueError):
    """A setting has a value that cannot be used; the message names the variable."""


@dataclass(frozen=True)
class HelpThresholds:
    """When the classroom view lists a learner under "Who needs help now" (web.help_rules); the
    environment variables that change them are in brackets.

    failed_in_a_row: graded attempts without full marks in a row on one exercise
        [GRADER_HELP_FAILED_IN_A_ROW, 3]
    same_check_in_a_row: the same check failing in this many graded attempts in a row
        [GRADER_HELP_SAME_CHECK_IN_A_ROW, 3]
    long_on_exercise_min: minutes on one exercise without full marks [GRADER_HELP_LONG_ON_EXERCISE_MIN, 20]
    idle_min: minutes without saving or sending anything while the class works [GRADER_HELP_IDLE_MIN, 10]
    recent_min: how far back "now" reaches: older work is not the class in session
        [GRADER_HELP_RECENT_MIN, 90]
    answer_after: graded attempts at an exercise that failed one check before the learner sees that
        check's second hint, the answer [GRADER_HELP_ANSWER_AFTER, 3]
    """

    failed_in_a_row: int = 3
    same_check_in_a_row: int = 3
    long_on_exercise_min: float = 20.0
    idle_min: float = 10.0
    recent_min: float = 90.0
    answer_after: int = 3

    def __post_init__(self) -> None:
        if self.failed_in_a_row < 1 or self.same_check_in_a_row < 1 or self.answer_after < 1:
            raise ValueError("the attempts in a row must be at least 1")
        if min(self.long_on_exercise_min, self.idle_min) <= 0 or self.recent_min < self.idle_min:
            raise ValueError("the minutes must be above 0, and recent_min at least idle_min")


@dataclass(frozen=True)
class Settings:
    """Attributes (environment variable in brackets):

    instance: folder for the site's data [GRADER_INSTANCE, default <repo>/instance]
    database_url: [GRADER_DATABASE_URL, default sqlite:///<instance>/grader.db; or postgresql+psycopg://]
    queue_url: [GRADER_QUEUE_URL, default sqlite:///<instance>/queue.db; or redis://host:port/0]
    preview_origin: where learners' pages are shown, e.g. http://10.0.0.5:8001 [GRADER_PREVIEW_ORIGIN,
        default: the site's own host name on preview_port]
    preview_port: [GRADER_PREVIEW_PORT, 8001]
    preview_token_max_age_s: [GRADER_PREVIEW_TOKEN_MAX_AGE_S, 3600]
    session_lifetime_s: a login's absolute lifetime [GRADER_SESSION_LIFETIME_S, 12 h]
    idle_timeout_s: logged out after this long without a request [GRADER_IDLE_TIMEOUT_S, 30 min]
    login_window_s, login_max_per_user_ip, login_max_per_user, login_max_per_ip: failed logins allowed
        in a window, per account on one computer, per account from anywhere, per address (a room behind
        one address shares it) [GRADER_LOGIN_WINDOW_S 300, GRADER_LOGIN_MAX_PER_USER_IP 5,
        GRADER_LOGIN_MAX_PER_USER 20, GRADER_LOGIN_MAX_PER_IP 500]
    submit_cooldown_s: a learner's pause between two submissions [GRADER_SUBMIT_COOLDOWN_S, 3]
    daily_attempts: attempts a learner may send in 24 hours, unless a cohort of theirs sets its own
        (service/attempt_limits.py) [GRADER_DAILY_ATTEMPTS, 200; 0: no cap]
    grade_attempts: gradings a worker tries before a submission ends as "could not grade"
        [GRADER_GRADE_ATTEMPTS, 6]
    retry_delay_s: seconds before a worker's first retry, doubled for each next one
        [GRADER_RETRY_DELAY_S, 1]
    cookie_secure: send the session cookie over HTTPS only [GRADER_COOKIE_SECURE, off]
    help: when the classroom view says a learner needs help [GRADER_HELP_*, see HelpThresholds]
    event_streams: pushed-update streams (learners' results, open classroom views) one site process
        holds open at once (each holds one of its threads; beyond that pages poll) [GRADER_EVENT_STREAMS, 4]
    run_cooldown_s: a learner's pause between two runs without grading [GRADER_RUN_COOLDOWN_S, 1]
    cookie_secure: send the session cookie over HTTPS only [GRADER_COOKIE_SECURE, off; on with TLS]
    tls_cert, tls_key: serve HTTPS with this certificate and key, from `grader tls` [GRADER_TLS_CERT,
        GRADER_TLS_KEY; both or neither]
    preview_host: the host name of the preview origin, e.g. preview.grader.school.lan [GRADER_PREVIEW_HOST,
        default: with TLS, preview.<the site's host name> (when it is a name, not an address)]
    home: the folder a site is installed in by bundles [GRADER_HOME, default /opt/grader]
    backups: where back-ups go [GRADER_BACKUPS, default <instance>/backups]
    signing_passphrase: the passphrase of a bundle signing key, for unattended use
        [GRADER_SIGNING_PASSPHRASE; None: ask]
    site_name: the programme's name on records of completion and portfolios a learner takes out
        [GRADER_SITE_NAME, default "Code Workshop"]
    chromium: the browser that prints a portfolio's PDF [GRADER_CHROMIUM, default /usr/bin/chromium]
    grading: the curriculum [GRADER_EXERCISES], the pictures [GRADER_REFERENCES, default
        $XDG_CACHE_HOME/grader/references], the sandbox [GRADER_RUNTIME,
        GRADER_CPUS, GRADER_PIDS, GRADER_TMPFS_MB, GRADER_POOL_SIZE, DOCKER_HOST] and the Debian mirror
        images are built from [GRADER_DEBIAN_MIRROR]
    """

    instance: Path
    database_url: str
    queue_url: str
    grading: GradingSettings
    preview_origin: str = ""
    preview_port: int = 8001
    preview_token_max_age_s: int = 3600
    session_lifetime_s: int = 12 * 3600
    idle_timeout_s: int = 30 * 60
    login_window_s: int = 300
    login_max_per_user_ip: int = 5
    login_max_per_user: int = 20
    login_max_per_ip: int = 500
    submit_cooldown_s: float = 3.0
    daily_attempts: int = 200
    grade_attempts: int = 6
    retry_delay_s: float = 1.0
    cookie_secure: bool = False
    help: HelpThresholds = HelpThresholds()
    event_streams: int = 4
    run_cooldown_s: float = 1.0
    tls_cert: Path | None = None
    tls_key: Path | None = None
    preview_host: str = ""
    home: Path = Path("/opt/grader")
    backups: Path = Path("/opt/grader/instance/backups")
    signing_passphrase: str | None = field(default=None, repr=False)
    site_name: str = "Code Workshop"
    chromium: str = "/usr/bin/chromium"
    testing: bool = False
    given_secret_key: str | None = field(default=None, repr=False)

    @property
    def https(self) -> bool:
        """Whether the site and its preview origin serve HTTPS."""
        return self.tls_cert is not None and self.tls_key is not None

    @property
    def secure_cookies(self) -> bool:
        return self.cookie_secure or self.https

    @property
    def exercises(self) -> Path:
        return self.grading.exercises

    @property
    def references(self) -> Path:
        return self.grading.references

    @cached_property
    def secret_key(self) -> str:
        """GRADER_SECRET_KEY, else the key in `<instance>/secret_key`, made on first use."""
        return self.given_secret_key or instance_secret(self.instance)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """The settings `environ` (default: this process's environment) describes.

        Raises:
            SettingsError: a variable holds a value that cannot be used.
        """
        env = _Env(os.environ if environ is None else environ)
        instance = Path(env.text("GRADER_INSTANCE") or ROOT / "instance").resolve()
        return cls(
            instance=instance,
            database_url=env.text("GRADER_DATABASE_URL") or f"sqlite:///{instance / 'grader.db'}",
            queue_url=env.text("GRADER_QUEUE_URL") or f"sqlite:///{instance / 'queue.db'}",
            grading=_grading(env),
            preview_origin=env.text("GRADER_PREVIEW_ORIGIN").rstrip("/"),
            preview_port=int(env.number("GRADER_PREVIEW_PORT", 8001)),
            preview_token_max_age_s=int(env.number("GRADER_PREVIEW_TOKEN_MAX_AGE_S", 3600)),
            session_lifetime_s=int(env.number("GRADER_SESSION_LIFETIME_S", 12 * 3600)),
            idle_timeout_s=int(env.number("GRADER_IDLE_TIMEOUT_S", 30 * 60)),
            login_window_s=int(env.number("GRADER_LOGIN_WINDOW_S", 300)),
            login_max_per_user_ip=int(env.number("GRADER_LOGIN_MAX_PER_USER_IP", 5)),
            login_max_per_user=int(env.number("GRADER_LOGIN_MAX_PER_USER", 20)),
            login_max_per_ip=int(env.number("GRADER_LOGIN_MAX_PER_IP", 500)),
            submit_cooldown_s=env.number("GRADER_SUBMIT_COOLDOWN_S", 3),
            daily_attempts=int(env.number("GRADER_DAILY_ATTEMPTS", 200)),
            grade_attempts=int(env.number("GRADER_GRADE_ATTEMPTS", 6)),
            retry_delay_s=env.number("GRADER_RETRY_DELAY_S", 1),
            cookie_secure=env.flag("GRADER_COOKIE_SECURE"),
            help=_help(env),
            event_streams=int(env.number("GRADER_EVENT_STREAMS", 4)),
            run_cooldown_s=env.number("GRADER_RUN_COOLDOWN_S", 1),
            tls_cert=env.path("GRADER_TLS_CERT", pair="GRADER_TLS_KEY"),
            tls_key=env.path("GRADER_TLS_KEY", pair="GRADER_TLS_CERT"),
            preview_host=env.text("GRADER_PREVIEW_HOST").strip().lower(),
            home=Path(env.text("GRADER_HOME") or "/opt/grader"),
            backups=Path(env.text("GRADER_BACKUPS") or instance / "backups").resolve(),
            signing_passphrase=env.environ.get("GRADER_SIGNING_PASSPHRASE"),
            site_name=env.text("GRADER_SITE_NAME").strip()[:200] or "Code Workshop",
            chromium=env.text("GRADER_CHROMIUM") or "/usr/bin/chromium",
            given_secret_key=env.text("GRADER_SECRET_KEY") or None,
        )

    @classmethod
    def for_tests(cls, tmp_path: Path, **overrides: Any) -> Settings:
        """Settings for a test: everything under `tmp_path`, a fixed key, no submit cooldown."""
        settings = cls.from_env({
            "GRADER_INSTANCE": str(tmp_path / "instance"),
            "GRADER_SECRET_KEY": "test-secret-key-" + "x" * 32,
            "GRADER_SUBMIT_COOLDOWN_S": "0",
            "GRADER_REFERENCES": str(tmp_path / "references"),
        })
        return settings.but(testing=True, **overrides)

    def but(self, **changes: Any) -> Settings:
        """A copy with `changes`; `exercises`, `references` and `sandbox` reach into `grading`."""
        parts = ("exercises", "references", "sandbox")
        grading = {name: changes.pop(name) for name in parts if name in changes}
        if grading:
            changes["grading"] = replace(changes.get("grading", self.grading), **grading)
        return replace(self, **changes)


class _Env:
    """Typed reads of environment variables, with errors that name the variable."""

    def __init__(self, environ: Mapping[str, str]) -> None:
        self.environ = environ

    def text(self, name: str) -> str:
        return self.environ.get(name, "")

    def number(self, name: str, default: float) -> float:
        raw = self.text(name)
        if raw == "":
            return default
        try:
            return float(raw)
        except ValueError:
            raise SettingsError(f"{name}={raw!r} is not a number") from None

    def flag(self, name: str) -> bool:
        return self.text(name).lower() in ("1", "true", "yes", "on")

    def path(self, name: str, pair: str) -> Path | None:
        """A file's path that goes with the one in `pair` (both set, or neither)."""
        raw = self.text(name)
        if bool(raw) != bool(self.text(pair)):
            raise SettingsError(f"{name} and {pair} go together: set both (from `grader tls`) or neither")
        return Path(raw).resolve() if raw else None


def _help(env: _Env) -> HelpThresholds:
    try:
        return HelpThresholds(
            failed_in_a_row=int(env.number("GRADER_HELP_FAILED_IN_A_ROW", 3)),
            same_check_in_a_row=int(env.number("GRADER_HELP_SAME_CHECK_IN_A_ROW", 3)),
            long_on_exercise_min=env.number("GRADER_HELP_LONG_ON_EXERCISE_MIN", 20),
            idle_min=env.number("GRADER_HELP_IDLE_MIN", 10),
            recent_min=env.number("GRADER_HELP_RECENT_MIN", 90),
            answer_after=int(env.number("GRADER_HELP_ANSWER_AFTER", 3)),
        )
    except ValueError as error:
        raise SettingsError(f"GRADER_HELP_*: {error}") from None


def _grading(env: _Env) -> GradingSettings:
    cpus = env.number("GRADER_CPUS", RunLimits.cpus)
    pids = int(env.number("GRADER_PIDS", RunLimits.pids))
    tmpfs_mb = int(env.number("GRADER_TMPFS_MB", RunLimits.tmpfs_mb))
    pool_size = int(env.number("GRADER_POOL_SIZE", 0))
    try:
        sandbox = SandboxSettings(
            runtime=env.text("GRADER_RUNTIME") or SandboxSettings.runtime,
            limits=RunLimits(cpus=cpus, pids=pids, tmpfs_mb=tmpfs_mb),
            docker_url=env.text("DOCKER_HOST") or None,
            pool_size=pool_size,
        )
    except ValueError as error:
        raise SettingsError(f"sandbox settings: {error}") from None
    cache = env.text("XDG_CACHE_HOME") or str(Path(env.text("HOME") or Path.home()) / ".cache")
    return GradingSettings(
        exercises=Path(env.text("GRADER_EXERCISES") or ROOT / "exercises").resolve(),
        references=Path(env.text("GRADER_REFERENCES") or Path(cache) / "grader" / "references"),
        sandbox=sandbox,
        debian_mirror=env.text("GRADER_DEBIAN_MIRROR") or None,
    )


def instance_secret(instance: Path) -> str:
    """The key in `<instance>/secret_key`, created once with mode 0600 (safe when processes race)."""
    path = instance / SECRET_FILE
    if not path.exists():
        instance.mkdir(parents=True, exist_ok=True)
        draft = instance / f".{SECRET_FILE}.{os.getpid()}.{secrets.token_hex(4)}"
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
        try:
            os.link(draft, path)  # atomic: the first process to get here wins, the others read its key
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    key = path.read_text().strip()
    if len(key) < 32:
        raise SettingsError(f"{path} holds a key shorter than 32 characters: delete it to make a new one")
    return key
