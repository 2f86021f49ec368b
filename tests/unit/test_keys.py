import io
import json
import logging
from pathlib import Path

import pytest

from registry.chain.keys import (
    KEYSTORE_PASSWORD_ENV,
    PRIVATE_KEY_ENV,
    create_keystore,
    dev_account,
    load_signer,
)
from registry.config import Settings
from registry.errors import ConfigurationError

DEV_ACCOUNT_0 = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"
DEV_ACCOUNT_1 = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"
# Not a development account: derived from a fixed test value, holds nothing anywhere.
OTHER_KEY = "0x" + "4c" * 32


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(PRIVATE_KEY_ENV, raising=False)
    monkeypatch.delenv(KEYSTORE_PASSWORD_ENV, raising=False)
    monkeypatch.setattr("sys.stdin", io.StringIO())  # not a terminal: never prompt


def settings(tmp_path: Path, **fields: object) -> Settings:
    return Settings(data_dir=tmp_path, **fields)  # type: ignore[arg-type]


def test_dev_account_0_is_the_well_known_anvil_account() -> None:
    assert dev_account(0).address == DEV_ACCOUNT_0
    assert dev_account(1).address == DEV_ACCOUNT_1


def test_dev_account_is_cached() -> None:
    assert dev_account(3).key == dev_account(3).key


def test_load_signer_uses_dev_account_by_key_index_on_chain_31337(tmp_path: Path) -> None:
    signer = load_signer(settings(tmp_path, key_index=1), chain_id=31337)

    assert signer.address == DEV_ACCOUNT_1


def test_load_signer_refuses_dev_accounts_on_chain_1(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="no signing key for chain id 1"):
        load_signer(settings(tmp_path), chain_id=1)


def test_env_private_key_wins_over_keystore_and_dev_accounts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    keystore = tmp_path / "key.json"
    create_keystore(keystore, "correct horse")
    monkeypatch.setenv(KEYSTORE_PASSWORD_ENV, "correct horse")
    monkeypatch.setenv(PRIVATE_KEY_ENV, OTHER_KEY)

    signer = load_signer(settings(tmp_path, keystore=keystore), chain_id=31337)

    assert signer.key.hex() == OTHER_KEY.removeprefix("0x")


def test_env_private_key_works_on_any_chain(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(PRIVATE_KEY_ENV, OTHER_KEY)

    assert load_signer(settings(tmp_path), chain_id=1).key.hex() == OTHER_KEY[2:]


def test_invalid_env_private_key_is_refused_without_echoing_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bad_key = "0x" + "zz" * 32
    monkeypatch.setenv(PRIVATE_KEY_ENV, bad_key)

    with pytest.raises(ConfigurationError) as raised:
        load_signer(settings(tmp_path), chain_id=31337)

    assert PRIVATE_KEY_ENV in str(raised.value)
    assert bad_key not in str(raised.value)
    assert raised.value.__cause__ is None


def test_keystore_round_trip(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    keystore = tmp_path / "keys" / "registrar.json"
    password = "correct horse battery staple"
    caplog.set_level(logging.DEBUG)

    address = create_keystore(keystore, password)
    monkeypatch.setenv(KEYSTORE_PASSWORD_ENV, password)
    signer = load_signer(settings(tmp_path, keystore=keystore), chain_id=1)

    assert signer.address == address
    assert json.loads(keystore.read_text())["address"].lower() == address[2:].lower()
    assert keystore.stat().st_mode & 0o777 == 0o600
    assert password not in caplog.text
    assert signer.key.hex() not in caplog.text


def test_keystore_wrong_password_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    keystore = tmp_path / "key.json"
    create_keystore(keystore, "right")
    monkeypatch.setenv(KEYSTORE_PASSWORD_ENV, "wrong")

    with pytest.raises(ConfigurationError, match="could not decrypt keystore"):
        load_signer(settings(tmp_path, keystore=keystore), chain_id=31337)


def test_keystore_without_password_outside_a_terminal_is_refused(tmp_path: Path) -> None:
    keystore = tmp_path / "key.json"
    create_keystore(keystore, "secret")

    with pytest.raises(ConfigurationError, match=KEYSTORE_PASSWORD_ENV):
        load_signer(settings(tmp_path, keystore=keystore), chain_id=31337)


def test_missing_keystore_is_refused_not_replaced_by_a_dev_key(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="does not exist"):
        load_signer(settings(tmp_path, keystore=tmp_path / "absent.json"), chain_id=31337)


def test_create_keystore_does_not_overwrite(tmp_path: Path) -> None:
    keystore = tmp_path / "key.json"
    create_keystore(keystore, "one")
    before = keystore.read_text()

    with pytest.raises(ConfigurationError, match="already exists"):
        create_keystore(keystore, "two")
    assert keystore.read_text() == before
