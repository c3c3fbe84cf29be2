"""validate's fingerprints moved from the core's schema onto the plugin's own migration branch
(issue #14): a database that has the core's ``order_fingerprints`` keeps its rows, renamed."""

import sqlalchemy as sa

from orderhub.db.engine import downgrade, make_sync_engine, migrate


def rows(url, table):
    eng = make_sync_engine(url)
    try:
        with eng.connect() as conn:
            return conn.execute(sa.text(f"SELECT order_id, fingerprint FROM {table}")).all()
    finally:
        eng.dispose()


def test_an_existing_fingerprints_table_is_taken_over_with_its_rows(db_url):
    migrate(db_url, plugin_folders=[])  # the core alone: the table as an older orderhub left it
    eng = make_sync_engine(db_url)
    with eng.begin() as conn:
        conn.execute(sa.text("INSERT INTO order_fingerprints (order_id, store, fingerprint, created_at) "
                             "VALUES ('ord_1', 's', 'fp1', '2026-01-01 00:00:00+00:00')"))
    eng.dispose()
    migrate(db_url)  # with the installed plugins' branches
    assert [tuple(r) for r in rows(db_url, "validate_fingerprints")] == [("ord_1", "fp1")]
    downgrade(db_url, "0007")  # below the core revision the branch depends on: the plugin goes first
    assert [tuple(r) for r in rows(db_url, "order_fingerprints")] == [("ord_1", "fp1")]
    migrate(db_url)
    assert [tuple(r) for r in rows(db_url, "validate_fingerprints")] == [("ord_1", "fp1")]
