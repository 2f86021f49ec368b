"""`datarights deploy`: deploy the registry contracts, or confirm the recorded deployment."""

from __future__ import annotations

from typing import Annotated

import typer

from registry.chain import deployments
from registry.chain.connect import registry_artifacts
from registry.chain.deploy import deploy_registry
from registry.chain.deployments import Deployment
from registry.chain.transactions import TxSender
from registry.cli.common import CliState, JsonFlag, cli_state, command_help
from registry.errors import NotFoundError, StaleDeploymentError


def ensure_deployment(state: CliState, *, force: bool = False) -> tuple[Deployment, bool]:
    """The valid recorded deployment, or a new one; the flag says whether it is new."""
    if not force:
        try:
            return deployments.load(state.settings, state.w3), False
        except (NotFoundError, StaleDeploymentError):
            pass
    artifacts = registry_artifacts(state.settings)
    deployment = deploy_registry(TxSender(state.w3, state.signer()), artifacts)
    deployments.save(state.settings, deployment)
    return deployment, True


def deploy(
    ctx: typer.Context,
    force: Annotated[
        bool, typer.Option("--force", help="Deploy anew even when a valid deployment exists.")
    ] = False,
    json_output: JsonFlag = False,
) -> None:
    state = cli_state(ctx)
    deployment, created = ensure_deployment(state, force=force)
    facts = {
        "created": created,
        "chain_id": deployment.chain_id,
        "deployer": deployment.deployer,
        "record": str(deployments.deployment_path(state.settings, deployment.chain_id)),
        "contracts": {
            name: {"address": c.address, "block": c.block_number, "tx_hash": c.tx_hash}
            for name, c in deployment.contracts.items()
        },
    }
    title = "registry deployed" if created else "registry already deployed (valid on this chain)"
    state.output(json_output).record(title, facts)


DEPLOY_HELP = command_help(
    "Deploy the registry contracts (once per chain).",
    "Compiles the contracts (cached), deploys the five registry contracts from the signing "
    "account, which becomes admin and registrar, and records the addresses under "
    "DATARIGHTS_DATA_DIR/deployments. A valid existing deployment is kept unless --force.",
    "datarights deploy",
)
