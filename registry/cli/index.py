"""`datarights index`: run the indexer, see its lag, check the mirror against the chain, rebuild.

The commands live in `registry.indexer.commands`, so `python -m registry.indexer` runs them too.
"""

from registry.indexer.commands import index_app

__all__ = ["index_app"]
