"""What every export says about the chain: who the registry is, how records and parties are
named, and the block and transaction behind each fact.

* The registry is identified by its chain id and the address of its RightsRegistry contract, both
  read from the mirror (the chain id the indexer checked, the address that emitted the
  registrations), and named as a `did:pkh` (CAIP-10 account id) like any other account.
* Parties are `did:pkh:eip155:<chain id>:<address>`; assets `urn:datarights:asset:<sha256>` (the
  names the PROV-JSON export uses); certificates and grants a URN under the registry's identity.
* A `ChainRecord` is the JSON-LD form of a `ChainRef`: chain id, contract, block, transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from enum import IntEnum
from typing import Any

from eth_utils.address import to_checksum_address
from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.db.tables import EventLogRow, IndexStateRow, table_of
from registry.errors import NotFoundError
from registry.lineage import ChainRef

JsonLd = dict[str, Any]


@dataclass(frozen=True)
class Registry:
    """The RightsRegistry a mirror follows: its chain and contract address."""

    chain_id: int
    address: str | None  # None only before any asset was registered
    indexed_block: int

    @property
    def did(self) -> str:
        return self.urn if self.address is None else party_did(self, self.address)

    @property
    def urn(self) -> str:
        """The base of the IRIs of this registry's records."""
        return f"urn:datarights:eip155:{self.chain_id}:{self.address}"

    def record_iri(self, kind: str, number: int) -> str:
        """The IRI of a certificate or grant of this registry."""
        return f"{self.urn}:{kind}:{number}"


def registry_of(session: Session) -> Registry:
    """The registry the mirror follows; NotFoundError when nothing has been indexed."""
    state = session.get(IndexStateRow, 1)
    if state is None:
        raise NotFoundError("the mirror has indexed nothing yet: run `datarights index run`")
    log = table_of(EventLogRow)
    query = select(log.c.address).where(log.c.event == "AssetRegistered").limit(1)
    address = session.scalar(query)
    return Registry(
        chain_id=int(state.chain_id),
        address=None if address is None else to_checksum_address(str(address)),
        indexed_block=int(state.last_block),
    )


def party_did(registry: Registry, address: str) -> str:
    """An account as a `did:pkh` on the registry's chain (mirror addresses are checksummed)."""
    return f"did:pkh:eip155:{registry.chain_id}:{address}"


def asset_iri(asset: str) -> str:
    return f"urn:datarights:asset:{asset}"


def label(enum: type[IntEnum], value: int) -> str:
    """An enum value as the exports spell it (`not-open`), matching the context's terms."""
    return enum(value).name.lower().replace("_", "-")


def datetime_literal(timestamp: int) -> str:
    """A block timestamp as an xsd:dateTime in UTC."""
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def chain_record(registry: Registry, ref: ChainRef, fact: str) -> JsonLd:
    """The block and transaction that prove `fact`, as a `ChainRecord` node."""
    return {
        "type": "ChainRecord",
        "fact": fact,
        "chainId": registry.chain_id,
        "contract": registry.address,
        "blockNumber": ref.block,
        "transactionHash": ref.tx_hash,
    }


def version_ref(row: dict[str, Any]) -> ChainRef:
    """The block and transaction of a mirror row's version."""
    return ChainRef(int(row["from_block"]), str(row["tx_hash"]))
