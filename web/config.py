"""The site's settings, read from GRADER_* environment variables when a `Config` is made.

The worker and the CLI use the same class, so every process of one installation agrees on where the
data lives. Nothing secret has a default: the secret key is generated once into the instance folder.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path

from grader.browser.references import ENV as REFERENCES_ENV
from grader.browser.references import default_folder

ROOT = Path(__file__).resolve().parent.parent
SECRET_FILE = "secret_key"


def _number(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name, "")
    if raw == "":
        return default
    try:
        return float(raw)
    except ValueError:
        raise SystemExit(f"{name}={raw!r} is not a number") from None


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
        raise SystemExit(f"{path} holds a key shorter than 32 characters: delete it to make a new one")
    return key


class Config:
    """Flask-style settings (UPPER_CASE attributes), read from `environ` (default: the environment).

    GRADER_INSTANCE        folder for the data (default <repo>/instance)
    GRADER_DATABASE_URL    default sqlite:///<instance>/grader.db; postgresql+psycopg://... for PostgreSQL
    GRADER_QUEUE_URL       default sqlite:///<instance>/queue.db; or redis://host:port/0
    GRADER_SECRET_KEY      default: generated once into <instance>/secret_key (mode 0600)
    GRADER_PREVIEW_ORIGIN  where learners' pages are shown, e.g. http://10.0.0.5:8001
                           (default: the site's own host name on GRADER_PREVIEW_PORT, 8001)
    GRADER_EXERCISES       the curriculum folder (default <repo>/exercises)
    GRADER_REFERENCES      the model solutions' pictures, shared with the workers (default
                           ~/.cache/grader/references)
    """

    TESTING = False

    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        env = os.environ if environ is None else environ
        self.INSTANCE = Path(env.get("GRADER_INSTANCE") or ROOT / "instance").resolve()
        self.DATABASE_URL = env.get("GRADER_DATABASE_URL") or f"sqlite:///{self.INSTANCE / 'grader.db'}"
        self.QUEUE_URL = env.get("GRADER_QUEUE_URL") or f"sqlite:///{self.INSTANCE / 'queue.db'}"
        self.SECRET_KEY = env.get("GRADER_SECRET_KEY") or instance_secret(self.INSTANCE)
        self.PREVIEW_ORIGIN = env.get("GRADER_PREVIEW_ORIGIN", "").rstrip("/")
        self.PREVIEW_PORT = int(_number(env, "GRADER_PREVIEW_PORT", 8001))
        self.PREVIEW_TOKEN_MAX_AGE_S = int(_number(env, "GRADER_PREVIEW_TOKEN_MAX_AGE_S", 3600))
        self.EXERCISES = Path(env.get("GRADER_EXERCISES") or ROOT / "exercises").resolve()
        self.REFERENCES = Path(env.get(REFERENCES_ENV) or default_folder())
        # Sessions: an absolute lifetime, and a shorter idle expiry (shared classroom machines).
        self.SESSION_LIFETIME_S = int(_number(env, "GRADER_SESSION_LIFETIME_S", 12 * 3600))
        self.IDLE_TIMEOUT_S = int(_number(env, "GRADER_IDLE_TIMEOUT_S", 30 * 60))
        # Login throttling: per (username, client IP), and a larger budget per client IP alone.
        self.LOGIN_WINDOW_S = int(_number(env, "GRADER_LOGIN_WINDOW_S", 300))
        self.LOGIN_MAX_PER_USER_IP = int(_number(env, "GRADER_LOGIN_MAX_PER_USER_IP", 5))
        self.LOGIN_MAX_PER_IP = int(_number(env, "GRADER_LOGIN_MAX_PER_IP", 50))
        self.SUBMIT_COOLDOWN_S = _number(env, "GRADER_SUBMIT_COOLDOWN_S", 3)
        self.SESSION_COOKIE_SECURE = env.get("GRADER_COOKIE_SECURE", "") in ("1", "true", "yes")
        self.TESTING = False

    @classmethod
    def for_tests(cls, tmp_path: Path, **overrides: object) -> Config:
        """Settings for a test: everything under `tmp_path`, a fixed key, no submit cooldown."""
        config = cls({
            "GRADER_INSTANCE": str(tmp_path / "instance"),
            "GRADER_SECRET_KEY": "test-secret-key-" + "x" * 32,
            "GRADER_SUBMIT_COOLDOWN_S": "0",
            REFERENCES_ENV: str(tmp_path / "references"),
        })
        config.TESTING = True
        for name, value in overrides.items():
            setattr(config, name, value)
        return config
