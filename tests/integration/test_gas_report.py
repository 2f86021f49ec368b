"""The gas report measures every operation on a real chain and names every target."""

from collections.abc import Iterator

import pytest
from web3 import Web3

from registry.bench import deploy_parties
from registry.bench.gas import TARGETS, Measurement, format_table, measure_gas
from registry.chain.compiler import ContractArtifact


@pytest.fixture(scope="module")
def measurements(w3: Web3, artifacts: dict[str, ContractArtifact]) -> Iterator[list[Measurement]]:
    """Measure on a registry of its own; the chain is rolled back afterwards."""
    snapshot = w3.provider.make_request("evm_snapshot", [])["result"]  # type: ignore[arg-type]
    yield measure_gas(deploy_parties(w3, artifacts))
    w3.provider.make_request("evm_revert", [snapshot])  # type: ignore[arg-type]


def test_measure_gas_measures_every_operation_and_target(
    measurements: list[Measurement],
) -> None:
    measured = {m.operation: m for m in measurements}
    assert set(TARGETS) <= set(measured)
    assert all(m.gas > 0 for m in measurements)
    assert all(m.target == TARGETS.get(m.operation) for m in measurements)
    # Every measured transaction wrote storage (the trace behind the slot column works).
    assert all(m.slots is not None and m.slots.new + m.slots.changed > 0 for m in measurements)


def test_format_table_names_every_target(measurements: list[Measurement]) -> None:
    table = format_table(measurements)
    for operation, target in TARGETS.items():
        row = next(line for line in table.splitlines() if line.startswith(operation))
        assert f"{target:,}" in row
