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
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # A batch migration copies a table and drops the old one; with foreign keys on, SQLite's DROP
            # TABLE first deletes its rows, cascading into every table that points at it. Off for the
            # migration (a PRAGMA outside the transaction), checked after it.
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()  # end SQLAlchemy's implicit transaction: the migrations get their own
        context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
            if sqlite:
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                assert not broken, f"the migration left rows pointing at nothing: {broken[:5]}"
    engine.dispose()
