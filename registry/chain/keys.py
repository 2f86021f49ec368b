"""Where signing keys come from: the environment, an encrypted keystore, or dev accounts.

Keys are never taken from command-line arguments (they would end up in shell history
and in `ps` output), and neither a key nor a password is ever logged.

Order of precedence in `load_signer`:

1. `DATARIGHTS_PRIVATE_KEY` in the environment;
2. the encrypted keystore at `settings.keystore`, unlocked with
   `DATARIGHTS_KEYSTORE_PASSWORD` or, when stdin is a terminal, a hidden prompt;
3. on local development chains only (chain id 31337), the well-known accounts of the
   standard test mnemonic that anvil and hardhat pre-fund, picked by `settings.key_index`.
"""

import functools
import getpass
import json
import logging
import os
import sys
from pathlib import Path

from eth_account import Account
from eth_account.hdaccount import key_from_seed, seed_from_mnemonic
from eth_account.signers.local import LocalAccount
from eth_typing import ChecksumAddress

from registry.config import Settings
from registry.errors import ConfigurationError

logger = logging.getLogger(__name__)

PRIVATE_KEY_ENV = "DATARIGHTS_PRIVATE_KEY"
KEYSTORE_PASSWORD_ENV = "DATARIGHTS_KEYSTORE_PASSWORD"

DEV_CHAIN_ID = 31337
# Public knowledge: every anvil and hardhat node pre-funds accounts derived from it.
DEV_MNEMONIC = "test test test test test test test test test test test junk"
DEV_DERIVATION_PATH = "m/44'/60'/0'/0/{index}"


def load_signer(settings: Settings, *, chain_id: int) -> LocalAccount:
    """Return the account that signs transactions on `chain_id` (see module docstring)."""
    env_key = os.environ.get(PRIVATE_KEY_ENV)
    if env_key:
        account = _account_from_key(env_key, source=PRIVATE_KEY_ENV)
        logger.info("signer loaded source=env address=%s", account.address)
        return account
    if settings.keystore is not None:
        account = _account_from_keystore(settings.keystore)
        logger.info(
            "signer loaded source=keystore path=%s address=%s", settings.keystore, account.address
        )
        return account
    if chain_id != DEV_CHAIN_ID:
        raise ConfigurationError(
            f"no signing key for chain id {chain_id}: set {PRIVATE_KEY_ENV} or "
            f"DATARIGHTS_KEYSTORE (development accounts are only used on chain id {DEV_CHAIN_ID})"
        )
    account = dev_account(settings.key_index)
    logger.info(
        "signer loaded source=dev-mnemonic index=%d address=%s", settings.key_index, account.address
    )
    return account


def dev_account(index: int) -> LocalAccount:
    """Return development account `index` of the standard test mnemonic (cached)."""
    if index < 0:
        raise ConfigurationError(f"development account index must be >= 0, got {index}")
    return _local_account(_dev_key(index))


def create_keystore(path: Path, password: str) -> ChecksumAddress:
    """Create a new random account, write it encrypted to `path` and return its address.

    Refuses to overwrite an existing file; the file is readable by its owner only.
    """
    if not password:
        raise ConfigurationError("refusing to create a keystore with an empty password")
    account: LocalAccount = Account.create()
    keyfile = Account.encrypt(account.key, password)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError as exc:
        raise ConfigurationError(f"keystore {path} already exists; not overwriting it") from exc
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(keyfile, handle)
    logger.info("keystore created path=%s address=%s", path, account.address)
    return account.address


@functools.cache
def _dev_seed() -> bytes:
    # PBKDF2 over the mnemonic: done once per process.
    return seed_from_mnemonic(DEV_MNEMONIC, "")


@functools.cache
def _dev_key(index: int) -> bytes:
    # BIP-32 derivation in pure Python is slow; every index is derived at most once.
    return key_from_seed(_dev_seed(), DEV_DERIVATION_PATH.format(index=index))


def _local_account(key: bytes | str) -> LocalAccount:
    account: LocalAccount = Account.from_key(key)
    return account


def _account_from_key(key: str, *, source: str) -> LocalAccount:
    try:
        return _local_account(key.strip())
    except (ValueError, TypeError):
        # The message must not repeat the key, not even a malformed one.
        raise ConfigurationError(f"{source} is not a valid 32-byte hex private key") from None


def _account_from_keystore(path: Path) -> LocalAccount:
    try:
        keyfile = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigurationError(f"keystore {path} does not exist") from None
    except (OSError, json.JSONDecodeError) as exc:
        raise ConfigurationError(f"keystore {path} is not readable JSON: {exc}") from None
    password = _keystore_password(path)
    try:
        key = Account.decrypt(keyfile, password)
    except (ValueError, KeyError, TypeError):
        raise ConfigurationError(
            f"could not decrypt keystore {path}: wrong password or damaged file"
        ) from None
    return _local_account(key)


def _keystore_password(path: Path) -> str:
    password = os.environ.get(KEYSTORE_PASSWORD_ENV)
    if password is not None:
        return password
    if sys.stdin is not None and sys.stdin.isatty():
        return getpass.getpass(f"Password for keystore {path}: ")
    raise ConfigurationError(
        f"keystore {path} needs a password: set {KEYSTORE_PASSWORD_ENV} "
        "or run from a terminal to be prompted"
    )
