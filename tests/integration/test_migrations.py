"""`alembic upgrade head` builds the schema the models describe; downgrade takes it all away."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from db.migrate import downgrade, upgrade
from db.models import Base
from db.settings import sqlalchemy_url
from sandbox.servers import ServerUrls, drop_database, fresh_database


def test_upgrade_matches_models_and_downgrade_empties(server_urls: ServerUrls) -> None:
    name = "ladder_migration_test"
    url = fresh_database(server_urls.database_url, name)
    try:
        upgrade(url)
        engine = create_engine(sqlalchemy_url(url))
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
            assert diff == [], f"the migration and the models differ: {diff}"
            tables = set(inspect(conn).get_table_names())
        assert {"players", "ratings", "queue_entries", "matches", "outbox", "queue_choices"} <= tables
        downgrade(url, "base")
        with engine.connect() as conn:
            assert set(inspect(conn).get_table_names()) <= {"alembic_version"}
        upgrade(url)  # and up again: the downgrade left nothing behind that would stop it
        engine.dispose()
    finally:
        drop_database(server_urls.database_url, name)
