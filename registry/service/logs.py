"""Log lines of the service: one line per lifecycle step, `key=value` context, to stderr."""

from __future__ import annotations

import logging

FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"
DATE_FORMAT = "%H:%M:%S"
# Libraries that narrate their own steps; the service logs one line for each step instead.
_CHATTY = ("alembic", "httpx", "uvicorn.error")


def configure_logging(level: str) -> None:
    """Send every logger's records at `level` and above to stderr (once per process)."""
    logging.basicConfig(level=level, format=FORMAT, datefmt=DATE_FORMAT)
    if logging.getLevelName(level) > logging.DEBUG:
        for name in _CHATTY:
            logging.getLogger(name).setLevel(logging.WARNING)
