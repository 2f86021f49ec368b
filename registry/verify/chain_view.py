"""The registry read straight from the chain over JSON-RPC at one block: no mirror involved.

Records come from the contracts' view functions (`eth_call` at the block), history from event
logs (`eth_getLogs` filtered by indexed topics) and transaction receipts. Effective status is
re-derived here from the contracts' records, on purpose apart from the mirror's `StatusReader`:
a verification that does not trust the mirror does not share its code path either. The reasons
read the same (`effective`, `expired`, `asset-revoked`, `parent-revoked`, `basis-moved`, ...).

A node that keeps no state at a past block (a pruned, non-archive node) answers such a call
with an error; it surfaces as `NoStateAtBlock`, never as a wrong answer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from eth_utils.address import to_checksum_address

from registry import model
from registry.chain.client import RegistryClient
from registry.chain.deploy import DISPUTES, RIGHTS
from registry.chain.reverts import ContractRevert
from registry.chain.transactions import RpcError
from registry.errors import ChainError
from registry.events.decoder import DecodedEvent
from registry.indexer.events import raw_log
from registry.indexer.fetch import JsonRpc

_MAX_CHAIN = 10  # the contracts' bound on a grant chain
Topic = bytes | int | str | Sequence[bytes | int | str] | None


class NoStateAtBlock(ChainError):
    """The node refuses state at a past block: it does not keep history that far back."""

    def __init__(self, block: int, detail: str) -> None:
        self.block = block
        super().__init__(f"node has no state at block {block} ({detail})")


class LogsRefused(ChainError):
    """The node refused an event-log query (range or result limits of a public endpoint)."""


@dataclass(frozen=True)
class TxEvents:
    """A mined transaction's block and the registry events in its receipt."""

    block: int
    events: tuple[DecodedEvent, ...]


def topic(value: bytes | int | str) -> str:
    """An indexed argument as a log topic: bytes32, uint256 or address, left-padded."""
    if isinstance(value, int):
        return "0x" + value.to_bytes(32, "big").hex()
    if isinstance(value, str):
        return "0x" + bytes.fromhex(value.removeprefix("0x")).rjust(32, b"\x00").hex()
    return "0x" + value.rjust(32, b"\x00").hex()


def hex32(value: bytes) -> str:
    """A bytes32 value as the mirror spells it: 0x-prefixed lowercase hex."""
    return "0x" + bytes(value).hex()


class ChainView:
    """The registry's contracts as of `block`, with reads at other blocks where asked."""

    def __init__(self, client: RegistryClient, block: int) -> None:
        self.client = client
        self.block = block
        self.rpc = JsonRpc(client.w3)
        self.chain_id = client.sender.chain_id
        self._reads: dict[tuple[Any, ...], Any] = {}
        self._times: dict[int, int] = {}
        self._receipts: dict[str, TxEvents | None] = {}

    def at(self, block: int) -> ChainView:
        """The same chain as of another block."""
        return ChainView(self.client, block)

    # ------------------------------------------------------------ raw access

    def read(self, contract: str, fn: str, *args: Any, block: int | None = None) -> Any:
        """A view call at `block` (default the view's); remembered for the view's life."""
        at = self.block if block is None else block
        key = (contract, fn, *args, at)
        if key not in self._reads:
            try:
                self._reads[key] = self.client.read(contract, fn, *args, block=at)
            except RpcError as exc:
                raise NoStateAtBlock(at, exc.message) from None
        return self._reads[key]

    def logs(
        self, contract: str, events: str | Sequence[str], *topics: Topic
    ) -> list[DecodedEvent]:
        """`events` of `contract` from its deployment to the view's block, in chain order.

        `topics` filter the indexed arguments in order: None for any, a list for any of them.
        """
        names = [events] if isinstance(events, str) else list(events)
        deployed = self.client.deployment.contract(contract)
        wanted: list[Any] = [["0x" + self.client.decoder.topic_of(n).hex() for n in names]]
        for t in topics:
            if t is None or isinstance(t, bytes | int | str):
                wanted.append(None if t is None else topic(t))
            else:
                wanted.append([topic(v) for v in t])
        query = {
            "address": deployed.address,
            "fromBlock": hex(deployed.block_number),
            "toBlock": hex(self.block),
            "topics": wanted,
        }
        try:
            found = self.rpc.call("eth_getLogs", [query])
        except RpcError as exc:
            raise LogsRefused(f"the node refused eth_getLogs: {exc.message}") from None
        decoded = (self.client.decoder.decode(raw_log(log)) for log in found)
        return [e for e in decoded if e is not None]

    def receipt(self, tx_hash: str) -> TxEvents | None:
        """The transaction's block and decoded registry events; None when the node has none."""
        if tx_hash not in self._receipts:
            found = self.rpc.call("eth_getTransactionReceipt", [tx_hash])
            if found is None:
                self._receipts[tx_hash] = None
            else:
                decoded = (self.client.decoder.decode(raw_log(log)) for log in found["logs"])
                events = tuple(e for e in decoded if e is not None)
                self._receipts[tx_hash] = TxEvents(int(found["blockNumber"], 16), events)
        return self._receipts[tx_hash]

    def timestamp(self, block: int) -> int:
        if block not in self._times:
            header = self.rpc.call("eth_getBlockByNumber", [hex(block), False])
            if header is None:
                raise ChainError(f"the node has no block {block}")
            self._times[block] = int(header["timestamp"], 16)
        return self._times[block]

    def is_contract(self, address: str, contract: str) -> bool:
        return address.lower() == self.client.address_of(contract).lower()

    # ------------------------------------------------------------ records

    def asset(self, asset: bytes, block: int | None = None) -> model.AssetCore:
        return model.AssetCore.from_abi(self.read(RIGHTS, "assetCore", asset, block=block))

    def certificate(self, certificate_id: int, block: int | None = None) -> model.Certificate:
        values = self.read(RIGHTS, "certificate", certificate_id, block=block)
        return model.Certificate.from_abi(values)

    def grant(self, grant_id: int, block: int | None = None) -> model.Grant:
        return model.Grant.from_abi(self.read(RIGHTS, "grantRecord", grant_id, block=block))

    def dispute(self, dispute_id: int) -> model.Dispute:
        return model.Dispute.from_abi(self.read(DISPUTES, "dispute", dispute_id))

    def holder(self, certificate_id: int, block: int | None = None) -> str | None:
        """The certificate token's owner (ERC-721 `ownerOf`); None for a token that is not."""
        try:
            return to_checksum_address(self.read(RIGHTS, "ownerOf", certificate_id, block=block))
        except ContractRevert:
            return None

    def cascade_pending(self, block: int | None = None) -> int:
        """Revocation-cascade queue entries not processed yet at `block`."""
        head, tail = self.read(RIGHTS, "cascadeBounds", block=block)
        return int(tail) - int(head)

    # ------------------------------------------------------------ effective status

    def auth_status(self, kind: model.AuthKind, auth_id: int, block: int | None = None) -> str:
        if kind == model.AuthKind.GRANT:
            return self.grant_status(auth_id, block)
        return self.certificate_status(auth_id, block)

    def asset_status(self, asset: bytes, block: int | None = None) -> str:
        """As the chain records it: `active`, `tainted`, `revoked`, or `unknown`."""
        status = self.asset(asset, block).status
        return "unknown" if status == model.AssetStatus.NONE else status.name.lower()

    def grant_status(self, grant_id: int, block: int | None = None) -> str:
        """`effective`, or why not: `revoked`, `expired`, `not-yet-valid`, `parent-*`."""
        at = self.block if block is None else block
        first = grant_id
        for _ in range(_MAX_CHAIN):
            g = self.grant(grant_id, at)
            if g.status == model.GrantStatus.NONE:
                return "unknown"
            reason = self._term_reason(g.status == model.GrantStatus.ACTIVE, g, at)
            if reason is not None:
                return reason if grant_id == first else f"parent-{reason}"
            if g.parent_kind == model.AuthKind.CERTIFICATE:
                root = self.certificate_status(g.parent_id, at)
                return "effective" if root == "effective" else f"parent-{root}"
            grant_id = g.parent_id
        return "unknown"

    def certificate_status(self, certificate_id: int, block: int | None = None) -> str:
        """`effective`, or why not: its own status, `expired`, `asset-*` or `basis-*`."""
        at = self.block if block is None else block
        c = self.certificate(certificate_id, at)
        if c.status == model.CertificateStatus.NONE:
            return "unknown"
        if c.status != model.CertificateStatus.ACTIVE:
            return c.status.name.lower()
        if self.timestamp(at) >= c.valid_until:
            return "expired"
        asset = self.asset_status(c.asset, at)
        if asset != "active":
            return f"asset-{asset}"
        if c.basis_certificate != 0:
            holding = self.certificate_status(c.basis_certificate, at)
            if holding != "effective":
                return f"basis-{holding}"
            if self.holder(c.basis_certificate, at) != self.holder(certificate_id, at):
                return "basis-moved"
        if c.basis_grant == 0:
            return "effective"
        basis = self.grant_status(c.basis_grant, at)
        return "effective" if basis == "effective" else f"basis-{basis}"

    def _term_reason(self, active: bool, g: model.Grant, block: int) -> str | None:
        if not active:
            return "revoked"
        now = self.timestamp(block)
        if now < g.valid_from:
            return "not-yet-valid"
        if now >= g.valid_until:
            return "expired"
        return None
