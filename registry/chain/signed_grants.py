"""EIP-712 signed grants: the typed data a grantor signs off chain, and the signature."""

from __future__ import annotations

from typing import Any

from eth_account import Account
from eth_account.messages import encode_typed_data
from eth_account.signers.local import LocalAccount
from eth_utils.crypto import keccak

from registry import model

DOMAIN_NAME = "datarights GrantDesk"
DOMAIN_VERSION = "1"

_TERMS_FIELDS = [
    ("parentKind", "uint8"),
    ("parentId", "uint256"),
    ("grantee", "address"),
    ("right", "uint8"),
    ("purposeHash", "bytes32"),
    ("scenarioHash", "bytes32"),
    ("scopeHash", "bytes32"),
    ("securityHash", "bytes32"),
    ("validFrom", "uint40"),
    ("validUntil", "uint40"),
    ("endOfTerm", "uint8"),
    ("subGrantable", "bool"),
    ("revocable", "bool"),
    ("termsURI", "string"),
]


def typed_data(
    *, grantor: str, terms: model.GrantTerms, nonce: int, deadline: int, chain_id: int, desk: str
) -> dict[str, Any]:
    """The full EIP-712 message (domain, types, message) for a signed grant."""
    values = dict(zip((name for name, _ in _TERMS_FIELDS), terms.to_abi(), strict=True))
    return {
        "types": {
            "EIP712Domain": [
                {"name": "name", "type": "string"},
                {"name": "version", "type": "string"},
                {"name": "chainId", "type": "uint256"},
                {"name": "verifyingContract", "type": "address"},
            ],
            "SignedGrant": [
                {"name": "grantor", "type": "address"},
                {"name": "terms", "type": "GrantTerms"},
                {"name": "nonce", "type": "uint256"},
                {"name": "deadline", "type": "uint256"},
            ],
            "GrantTerms": [{"name": n, "type": t} for n, t in _TERMS_FIELDS],
        },
        "primaryType": "SignedGrant",
        "domain": {
            "name": DOMAIN_NAME,
            "version": DOMAIN_VERSION,
            "chainId": chain_id,
            "verifyingContract": desk,
        },
        "message": {"grantor": grantor, "terms": values, "nonce": nonce, "deadline": deadline},
    }


def sign_grant(account: LocalAccount, message: dict[str, Any]) -> bytes:
    """Sign the typed data with the grantor's key; returns the 65-byte signature."""
    signed = Account.sign_message(encode_typed_data(full_message=message), account.key)
    return bytes(signed.signature)


def digest(message: dict[str, Any]) -> bytes:
    """The EIP-712 digest of the typed data (what the contract recomputes)."""
    signable = encode_typed_data(full_message=message)
    return keccak(b"\x19" + signable.version + signable.header + signable.body)
