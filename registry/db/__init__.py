"""The SQL mirror of the registry: tables, engine and session factory, migrations, writer lock."""
