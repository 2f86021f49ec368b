"""Running the registry as a service: the pieces `datarights up`, `serve` and `demo` compose.

`chain` attaches to a node (starting the managed one when none is configured), `indexer` runs the
indexer in its own process, `api` serves the API under uvicorn, and `stack` puts them together
and takes them down in reverse order.
"""
