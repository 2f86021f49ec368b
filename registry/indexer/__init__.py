"""The indexer: fetch registry logs, decode, project them into the SQL mirror, survive reorgs."""
