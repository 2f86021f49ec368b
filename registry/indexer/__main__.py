"""`python -m registry.indexer run|status|check|rebuild`: the index commands on their own."""

from registry.cli.index import index_app

index_app(prog_name="python -m registry.indexer")
