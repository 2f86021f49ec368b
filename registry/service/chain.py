"""The chain the service talks to: the configured RPC URL, a node already answering on the
managed node's port, or the managed local node started here (and stopped by the caller)."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from registry.chain.connect import public_url, rpc_url
from registry.chain.node import LocalNode, is_reachable
from registry.config import Settings

logger = logging.getLogger(__name__)


@dataclass
class AttachedChain:
    """Settings that point at the chain, and the node when this process started it."""

    settings: Settings
    node: LocalNode | None = None

    @property
    def url(self) -> str:
        return rpc_url(self.settings)

    def stop(self) -> None:
        """Stop the node if it was started here; anvil writes its state file on the way out."""
        if self.node is not None:
            self.node.stop()
            logger.info("node stopped state=%s", self.node.state_file)
            self.node = None


def attach_chain(settings: Settings) -> AttachedChain:
    """Use the configured chain or a node already answering; otherwise start the managed one."""
    url = rpc_url(settings)
    if not settings.uses_managed_node or is_reachable(url):
        logger.info("chain attached managed=false rpc=%s", public_url(url))
        return AttachedChain(settings)
    node = LocalNode.from_settings(settings).start()
    # With node_port 0 the node picked a free port: point the connection at it.
    return AttachedChain(settings.model_copy(update={"node_port": node.port}), node)

