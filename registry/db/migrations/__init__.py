"""Alembic migrations of the mirror's schema, run programmatically (no alembic.ini)."""
