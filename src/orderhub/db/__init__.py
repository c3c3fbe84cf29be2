"""Persistence: tables, engines, migrations and the store's queries."""
