"""The registry's deployment plan: five contracts that hold each other's addresses as immutables."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from registry.chain.compiler import ContractArtifact
from registry.chain.deployments import Deployment, DeployPlan, deploy_set
from registry.chain.transactions import TxSender

logger = logging.getLogger(__name__)

GOVERNANCE = "Governance"
RIGHTS = "RightsRegistry"
GRANT_DESK = "GrantDesk"
DISPUTES = "DisputeRegistry"
EVIDENCE = "EvidenceRegistry"
CONTRACTS = (GOVERNANCE, RIGHTS, GRANT_DESK, DISPUTES, EVIDENCE)


def registry_plan(admin: str) -> DeployPlan:
    """Deployment order and constructor arguments; `admin` gets the admin and registrar roles."""
    return [
        (GOVERNANCE, lambda a: [admin, a[RIGHTS], a[DISPUTES]]),
        (RIGHTS, lambda a: [a[GOVERNANCE], a[GRANT_DESK], a[DISPUTES]]),
        (GRANT_DESK, lambda a: [a[GOVERNANCE], a[RIGHTS]]),
        (DISPUTES, lambda a: [a[GOVERNANCE], a[RIGHTS]]),
        (EVIDENCE, lambda a: [a[GOVERNANCE]]),
    ]


def deploy_registry(
    sender: TxSender, artifacts: Mapping[str, ContractArtifact], *, admin: str | None = None
) -> Deployment:
    """Deploy the whole registry from `sender`; the admin defaults to the deployer."""
    deployment = deploy_set(sender, artifacts, registry_plan(admin or sender.address))
    logger.info(
        "registry deployed chain_id=%s governance=%s",
        deployment.chain_id,
        deployment.contract(GOVERNANCE).address,
    )
    return deployment
