"""`python -m registry.indexer run|status|check|rebuild`: the index commands on their own."""

from registry.indexer.commands import index_app

index_app(prog_name="python -m registry.indexer")
