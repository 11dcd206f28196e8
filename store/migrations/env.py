"""Alembic's entry point: run the migrations against the URL set by `store.db.alembic_config`."""

from __future__ import annotations

from alembic import context

from store.db import make_engine
from store.models import Base

config = context.config
url = config.get_main_option("sqlalchemy.url")
assert url, "store.db.alembic_config sets sqlalchemy.url"

if context.is_offline_mode():
    context.configure(url=url, target_metadata=Base.metadata, literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    engine = make_engine(url)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()
