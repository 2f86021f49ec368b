"""The registry's state read from the contracts' views, many calls per JSON-RPC batch request.

Checking every record after every step of a random run means thousands of view calls; one
HTTP request per call would dominate the run, so `BatchReader` sends them in batches and
decodes each answer as `RegistryClient.read` does.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from eth_abi.abi import decode as abi_decode
from web3.providers.base import JSONBaseProvider
from web3.types import RPCEndpoint

from registry import model
from registry.chain.client import ROLES, RegistryClient, _python_value
from registry.chain.deploy import DISPUTES, GOVERNANCE, GRANT_DESK, RIGHTS
from registry.events.decoder import canonical_type
from tests.integration.stateful.model import Subject

Call = tuple[str, str, tuple[Any, ...]]  # (contract, function, arguments)
_BATCH = 400


class BatchReader:
    """View calls of one deployment, sent in JSON-RPC batches and decoded."""

    def __init__(self, client: RegistryClient) -> None:
        self.client = client
        provider = client.w3.provider
        assert isinstance(provider, JSONBaseProvider)
        self._provider = provider
        self._outputs = {
            (name, entry["name"], len(entry["inputs"])): tuple(entry["outputs"])
            for name, c in client.deployment.contracts.items()
            for entry in c.abi
            if entry.get("type") == "function"
        }

    def read(self, calls: Sequence[Call], block: int | None = None) -> list[Any]:
        """The value of each call (one return value bare, several as a tuple), in order."""
        tag = "latest" if block is None else hex(block)
        results: list[Any] = []
        for start in range(0, len(calls), _BATCH):
            chunk = calls[start : start + _BATCH]
            requests = [
                (
                    RPCEndpoint("eth_call"),
                    [{"to": self.client.address_of(c), "data": self._data(c, f, a)}, tag],
                )
                for c, f, a in chunk
            ]
            answers = self._provider.make_batch_request(requests)
            assert isinstance(answers, list), answers
            by_id = sorted(answers, key=lambda item: int(str(item["id"])))
            for (c, f, a), answer in zip(chunk, by_id, strict=True):
                assert "error" not in answer, (c, f, a, answer)
                results.append(self._decode(c, f, len(a), answer["result"]))
        return results

    def _data(self, contract: str, fn: str, args: tuple[Any, ...]) -> str:
        return "0x" + self.client.encode(contract, fn, *args).hex()

    def _decode(self, contract: str, fn: str, n_args: int, raw: str) -> Any:
        outputs = self._outputs[(contract, fn, n_args)]
        values = abi_decode([canonical_type(o) for o in outputs], bytes.fromhex(raw[2:]))
        converted = tuple(_python_value(o, v) for o, v in zip(outputs, values, strict=True))
        return converted[0] if len(converted) == 1 else converted


@dataclass
class ChainState:
    """Every record the rules touch, as the contracts' views report it at one block."""

    block: int
    timestamp: int
    asset_count: int
    certificate_count: int
    grant_count: int
    cascade_bounds: tuple[int, int]
    assets: dict[bytes, model.AssetCore] = field(default_factory=dict)
    children: dict[bytes, list[bytes]] = field(default_factory=dict)
    ownership_disputes: dict[bytes, int] = field(default_factory=dict)
    certificates: dict[int, model.Certificate] = field(default_factory=dict)
    holders: dict[int, str] = field(default_factory=dict)
    certificate_effective: dict[int, bool] = field(default_factory=dict)
    grants: dict[int, model.Grant] = field(default_factory=dict)
    grant_assets: dict[int, bytes] = field(default_factory=dict)
    grant_effective: dict[int, bool] = field(default_factory=dict)
    open_disputes: dict[Subject, int] = field(default_factory=dict)
    disputes: dict[int, model.Dispute] = field(default_factory=dict)
    parties: dict[str, model.Party] = field(default_factory=dict)
    nonces: dict[str, int] = field(default_factory=dict)
    roles: dict[tuple[str, str], bool] = field(default_factory=dict)


def read_chain_state(
    reader: BatchReader,
    *,
    assets: Iterable[bytes],
    certificates: int,
    grants: int,
    subjects: Iterable[Subject],
    disputes: int,
    accounts: Sequence[str],
) -> ChainState:
    """Read the counts and every asset in `assets`, certificates 1..`certificates`, grants
    1..`grants`, the freeze counts of `subjects`, disputes 1..`disputes` and the party record,
    nonce and roles of `accounts`, all at the latest block in one batch (two requests)."""
    block = reader.client.w3.eth.get_block("latest")
    assets, subjects = list(assets), list(subjects)
    calls: list[Call] = [
        (RIGHTS, "assetCount", ()),
        (RIGHTS, "certificateCount", ()),
        (RIGHTS, "grantCount", ()),
        (RIGHTS, "cascadeBounds", ()),
    ]
    for a in assets:
        calls += [
            (RIGHTS, "assetCore", (a,)),
            (RIGHTS, "children", (a,)),
            (RIGHTS, "openOwnershipDisputes", (a,)),
        ]
    for c in range(1, certificates + 1):
        calls += [
            (RIGHTS, "certificate", (c,)),
            (RIGHTS, "ownerOf", (c,)),
            (RIGHTS, "isCertificateEffective", (c,)),
        ]
    for g in range(1, grants + 1):
        calls += [
            (RIGHTS, "grantRecord", (g,)),
            (RIGHTS, "grantAsset", (g,)),
            (RIGHTS, "isGrantEffective", (g,)),
        ]
    calls += [(RIGHTS, "openDisputes", (int(k), model.subject_bytes(k, s))) for k, s in subjects]
    calls += [(DISPUTES, "dispute", (d,)) for d in range(1, disputes + 1)]
    for account in accounts:
        calls += [(GOVERNANCE, "party", (account,)), (GRANT_DESK, "nonces", (account,))]
        calls += [(GOVERNANCE, "hasRole", (ROLES[role], account)) for role in ROLES]
    values = iter(reader.read(calls, int(block["number"])))
    state = ChainState(
        int(block["number"]),
        int(block["timestamp"]),
        next(values),
        next(values),
        next(values),
        tuple(next(values)),
    )
    for a in assets:
        state.assets[a] = model.AssetCore.from_abi(next(values))
        state.children[a] = list(next(values))
        state.ownership_disputes[a] = next(values)
    for c in range(1, certificates + 1):
        state.certificates[c] = model.Certificate.from_abi(next(values))
        state.holders[c] = next(values)
        state.certificate_effective[c] = next(values)
    for g in range(1, grants + 1):
        state.grants[g] = model.Grant.from_abi(next(values))
        state.grant_assets[g] = next(values)
        state.grant_effective[g] = next(values)
    for subject in subjects:
        state.open_disputes[subject] = next(values)
    for d in range(1, disputes + 1):
        state.disputes[d] = model.Dispute.from_abi(next(values))
    for account in accounts:
        state.parties[account] = model.Party.from_abi(next(values))
        state.nonces[account] = next(values)
        for role in ROLES:
            state.roles[(role, account)] = next(values)
    return state
