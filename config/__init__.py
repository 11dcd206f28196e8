"""The installation's settings: read once from the environment, then passed to whoever needs them."""

from config.settings import Settings, SettingsError

__all__ = ["Settings", "SettingsError"]
