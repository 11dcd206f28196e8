"""What a request can reach beyond the database: the installation's settings, the grading queue and
the loaded catalogue, kept in `app.extensions` by the app factory (never in module globals)."""

from __future__ import annotations

from flask import Flask, current_app

from config import Settings
from grader.catalog import CatalogScan
from grader.versions import VersionStore
from service.queue import GradingQueue, make_queue
from store import publishing
from store.catalog_sync import CatalogCache
from web.database import db

SETTINGS = "grader.settings"
QUEUE = "grader.queue"
CATALOG = "grader.catalog"


def init_app(app: Flask, settings: Settings) -> None:
    app.extensions[SETTINGS] = settings
    app.extensions[CATALOG] = CatalogCache()


def settings() -> Settings:
    """The settings of the app handling this request."""
    found: Settings = current_app.extensions[SETTINGS]
    return found


def grading_queue() -> GradingQueue:
    """The queue the site puts submissions' tokens in (it only enqueues), opened on first use."""
    queue: GradingQueue | None = current_app.extensions.get(QUEUE)
    if queue is None:
        queue = current_app.extensions[QUEUE] = make_queue(settings().queue_url)
    return queue


def catalog() -> CatalogScan:
    """What learners see: the published version of each exercise (store.publishing), reloaded by this
    process when a sync or a publication changed it."""
    cache: CatalogCache = current_app.extensions[CATALOG]
    return cache.published(db(), settings().exercises, version_store())


def draft_catalog() -> CatalogScan:
    """The exercises folder as it was last read: the drafts instructors work on."""
    cache: CatalogCache = current_app.extensions[CATALOG]
    return cache.get(db(), settings().exercises)


def version_store() -> VersionStore:
    """Where the published (and previewed) versions of exercises are kept."""
    return publishing.version_store(settings().instance)
