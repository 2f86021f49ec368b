"""Bad input to the `datarights` command line, against a real anvil.

Malformed manifests, missing files, wrong keys and stale deployment records: each answer is one
line on stderr naming the problem, a non-zero exit, and no partial state: no transaction sent
(every account's nonce and the chain head unchanged) and no file written or changed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from registry.chain.keys import (
    DEV_CHAIN_ID,
    KEYSTORE_PASSWORD_ENV,
    PRIVATE_KEY_ENV,
    create_keystore,
)
from registry.cli import app
from tests.integration import test_cli
from tests.integration.test_cli import (
    BUREAU,
    BUYER,
    OPERATOR,
    OUTSIDER,
    Cli,
    address,
    data_file,
    register_public,
    runner,
)

pytestmark = pytest.mark.integration
# A registry deployed through the command line into a data directory of this module's own.
cli = test_cli.cli

EXIT_REFUSED, EXIT_BAD_INPUT = 1, 2
ACCOUNTS = range(10)
PASSWORD = "correct horse battery staple"


@dataclass(frozen=True)
class Footprint:
    """What a refused command must leave as it was: chain head, nonces and files."""

    block: int
    nonces: dict[str, int]
    files: dict[str, str]


def footprint(cli: Cli, dirs: Iterable[Path], extra: Iterable[str] = ()) -> Footprint:
    accounts = [address(i) for i in ACCOUNTS] + list(extra)
    files = {
        str(path): hashlib.sha256(path.read_bytes()).hexdigest()
        for root in dirs
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }
    return Footprint(
        block=cli.block,
        nonces={a: int(cli.w3.eth.get_transaction_count(a)) for a in accounts},
        files=files,
    )


def refused(
    cli: Cli,
    *args: object,
    code: int,
    says: str,
    account: int | None = None,
    env: dict[str, str] | None = None,
    watch: Iterable[Path] = (),
    signers: Iterable[str] = (),
) -> str:
    """Run a command that must fail; check the one-line message and that nothing changed."""
    dirs = [Path(cli.env["DATARIGHTS_DATA_DIR"]), *watch]
    before = footprint(cli, dirs, signers)
    argv = ["--account", str(account)] if account is not None else []
    result = runner.invoke(app, [*argv, *map(str, args)], env={**cli.env, **(env or {})})
    message: str = result.stderr
    assert result.exit_code == code, (result.exit_code, message, result.stdout)
    assert message.endswith("\n") and message.count("\n") == 1, message
    assert "Traceback" not in message and not result.stdout, result.stdout
    assert says in message, message
    assert footprint(cli, dirs, signers) == before
    return message


# ---------------------------------------------------------------- malformed manifests


def _write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        ("m.json", "{not json", "is not valid JSON"),
        ("m.json", "[]", "lists no assets"),
        ("m.json", '{"assets": {"file": "a.csv"}}', "must be a list of entries"),
        ("m.json", '{"defaults": [], "assets": []}', "defaults must be an object"),
        ("m.json", '["a.csv"]', "every entry must be an object"),
        ("m.json", '[{"file": "a.csv", "colour": "blue"}]', "entry 1: unknown field(s) colour"),
        ("m.json", '[{"file": "a.csv", "domain": "x"}]', "entry 1: domain must be an integer"),
        ("m.json", '[{"file": "a.csv", "domain": 100000}]', "entry 1: domain must be between"),
        ("m.json", '[{"file": "a.csv", "records": "maybe"}]', "records must be true or false"),
        ("m.json", '[{"file": "missing.csv"}]', "missing.csv does not exist"),
        ("m.json", '[{"content_hash": "0x12"}]', "entry 1: needs file, or all of content_hash"),
        ("m.json", '[{"file": "a.csv"}, {"file": "a.csv"}]', "entry 2: same content as entry 1"),
        ("m.csv", "file,category\na.csv,secret\n", "entry 1: unknown Category 'secret'"),
        ("m.csv", "file\na.csv,extra-cell\n", "row 1 has more cells than the header"),
        ("m.json", b"\xff\xfe[{\x00", "is not UTF-8 text"),
        ("m.csv", b"file\n\xffa.csv\n", "is not UTF-8 text"),
    ],
)  # fmt: skip
def test_registerBulk_malformedManifest_oneLineNothingSent(
    cli: Cli, tmp_path: Path, name: str, content: str | bytes, says: str
) -> None:
    data_file(tmp_path, "a.csv")
    manifest = _write(tmp_path, name, content)
    message = refused(
        cli, "assets", "register-bulk", manifest, account=OPERATOR, code=EXIT_BAD_INPUT,
        says=says, watch=[tmp_path],
    )  # fmt: skip
    assert message.startswith("error: ") and str(manifest) in message


def test_registerBulk_missingManifest(cli: Cli, tmp_path: Path) -> None:
    refused(
        cli, "assets", "register-bulk", tmp_path / "none.json", account=OPERATOR,
        code=EXIT_BAD_INPUT, says=f"manifest {tmp_path / 'none.json'} does not exist",
    )  # fmt: skip


def test_registerBulk_alreadyRegisteredEntry_nothingSent(cli: Cli, tmp_path: Path) -> None:
    registered = data_file(tmp_path, "registered.csv")
    register_public(cli, registered)
    data_file(tmp_path, "new.csv")
    manifest = _write(tmp_path, "m.json", '[{"file": "new.csv"}, {"file": "registered.csv"}]')
    refused(
        cli, "assets", "register-bulk", manifest, account=OPERATOR, code=EXIT_BAD_INPUT,
        says="1 manifest entries are already registered, nothing sent", watch=[tmp_path],
    )  # fmt: skip


# ---------------------------------------------------------------- missing files


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["assets", "register", "{tmp}/nope.csv"], "nope.csv does not exist"),
        (["assets", "register", "{tmp}"], "is not a file"),
        (["assets", "register", "{tmp}/a.csv", "--metadata", "{tmp}/meta.json"], "meta.json"),
        (["assets", "derive", "{tmp}/nope.csv", "--input", "0x" + "ab" * 32 + ":grant:1"],
         "nope.csv does not exist"),
        (["evidence", "anchor", "{tmp}/nope.pdf", "--type", "usage-log"], "nope.pdf"),
        (["evidence", "anchor-batch", "{tmp}/a.csv", "{tmp}/nope.pdf", "--type", "usage-log",
          "--out-dir", "{tmp}/proofs"], "nope.pdf"),
        (["evidence", "verify-proof", "{tmp}/nope.proof.json"], "nope.proof.json"),
        (["grants", "submit", "{tmp}/nope.json"], "nope.json does not exist"),
        (["grants", "revoke", "1", "--reason", "@{tmp}/nope.pdf"],
         "reason file {tmp}/nope.pdf does not exist"),
        (["verify", "{tmp}/nope.csv"], "nope.csv"),
    ],
)  # fmt: skip
def test_missingFile_oneLineNothingSent(
    cli: Cli, tmp_path: Path, args: list[str], says: str
) -> None:
    data_file(tmp_path, "a.csv")
    argv = [a.format(tmp=tmp_path) for a in args]
    says = says.format(tmp=tmp_path)
    refused(cli, *argv, account=BUREAU, code=EXIT_BAD_INPUT, says=says, watch=[tmp_path])


def test_grantsSubmit_fileThatIsNotASignedGrant(cli: Cli, tmp_path: Path) -> None:
    junk = _write(tmp_path, "licence.json", '{"format": "something else"}')
    refused(
        cli, "grants", "submit", junk, account=BUREAU, code=EXIT_BAD_INPUT,
        says="is not a signed grant", watch=[tmp_path],
    )  # fmt: skip
    truncated = _write(tmp_path, "cut.json", '{"format": "datarights-signed-grant/1", "gra')
    refused(
        cli, "grants", "submit", truncated, account=BUREAU, code=EXIT_BAD_INPUT,
        says="is not a readable signed grant", watch=[tmp_path],
    )  # fmt: skip


# ---------------------------------------------------------------- wrong keys


@pytest.fixture
def keystore(tmp_path: Path) -> Path:
    path = tmp_path / "keys" / "bureau.json"
    create_keystore(path, PASSWORD)
    return path


def _keystore_env(path: Path, password: str | None) -> dict[str, str]:
    env = {"DATARIGHTS_KEYSTORE": str(path)}
    if password is not None:
        env[KEYSTORE_PASSWORD_ENV] = password
    return env


def test_keystore_wrongPassword(cli: Cli, tmp_path: Path, keystore: Path) -> None:
    message = refused(
        cli, "assets", "register", data_file(tmp_path), code=EXIT_REFUSED,
        says=f"could not decrypt keystore {keystore}: wrong password",
        env=_keystore_env(keystore, "wrong password"), watch=[tmp_path],
    )  # fmt: skip
    assert "wrong password" in message and PASSWORD not in message


def test_keystore_noPasswordAndNoTerminal(cli: Cli, tmp_path: Path, keystore: Path) -> None:
    refused(
        cli, "assets", "register", data_file(tmp_path), code=EXIT_REFUSED,
        says=f"keystore {keystore} needs a password: set {KEYSTORE_PASSWORD_ENV}",
        env=_keystore_env(keystore, None), watch=[tmp_path],
    )  # fmt: skip


def test_keystore_missingOrDamaged(cli: Cli, tmp_path: Path) -> None:
    missing = tmp_path / "none.json"
    refused(
        cli, "assets", "register", data_file(tmp_path), code=EXIT_REFUSED,
        says=f"keystore {missing} does not exist", env=_keystore_env(missing, PASSWORD),
        watch=[tmp_path],
    )  # fmt: skip
    damaged = _write(tmp_path, "damaged.json", '{"version": 3, "crypto": {}}')
    refused(
        cli, "assets", "register", tmp_path / "data.csv", code=EXIT_REFUSED,
        says=f"could not decrypt keystore {damaged}: wrong password or damaged file",
        env=_keystore_env(damaged, PASSWORD), watch=[tmp_path],
    )  # fmt: skip
    not_json = _write(tmp_path, "garbage.json", "not a keystore")
    refused(
        cli, "assets", "register", tmp_path / "data.csv", code=EXIT_REFUSED,
        says=f"keystore {not_json} is not readable JSON", env=_keystore_env(not_json, PASSWORD),
        watch=[tmp_path],
    )  # fmt: skip


@pytest.mark.parametrize("key", ["0x1234", "not hex at all", "0x" + "00" * 32])
def test_privateKey_malformed_isNotRepeated(cli: Cli, tmp_path: Path, key: str) -> None:
    message = refused(
        cli, "assets", "register", data_file(tmp_path), code=EXIT_REFUSED,
        says=f"{PRIVATE_KEY_ENV} is not a valid 32-byte hex private key",
        env={PRIVATE_KEY_ENV: key}, watch=[tmp_path],
    )  # fmt: skip
    assert key not in message


def test_keystore_accountWithoutTheRole_refusedBeforeSending(
    cli: Cli, tmp_path: Path, keystore: Path
) -> None:
    """A key that unlocks but belongs to no admitted party: refused by the rule it breaks."""
    newcomer = json.loads(keystore.read_text())["address"]
    refused(
        cli, "assets", "register", data_file(tmp_path), code=EXIT_REFUSED,
        says="refused: PartyNotAdmitted(", env=_keystore_env(keystore, PASSWORD),
        watch=[tmp_path], signers=["0x" + newcomer.removeprefix("0x")],
    )  # fmt: skip


@pytest.mark.parametrize(
    ("account", "args", "says"),
    [
        (BUREAU, ["certificates", "issue", "1"], "refused: AccessControlUnauthorizedAccount("),
        (BUREAU, ["parties", "admit", "{outsider}", "--kind", "enterprise", "--identity", "x"],
         "refused: AccessControlUnauthorizedAccount("),
        (OUTSIDER, ["assets", "register", "{tmp}/a.csv"], "refused: PartyNotAdmitted("),
        (OPERATOR, ["parties", "roles", "grant", "registrar", "{outsider}"],
         "refused: AccessControlUnauthorizedAccount("),
    ],
)  # fmt: skip
def test_wrongKeyForTheRole_refusedBeforeSending(
    cli: Cli, tmp_path: Path, account: int, args: list[str], says: str
) -> None:
    data_file(tmp_path, "a.csv")
    argv = [a.format(tmp=tmp_path, outsider=address(OUTSIDER)) for a in args]
    refused(cli, *argv, account=account, code=EXIT_REFUSED, says=says, watch=[tmp_path])


# ---------------------------------------------------------------- stale deployment records


def _record(cli: Cli) -> dict[str, Any]:
    path = Path(cli.env["DATARIGHTS_DATA_DIR"]) / "deployments" / f"{DEV_CHAIN_ID}.json"
    record: dict[str, Any] = json.loads(path.read_text())
    return record


def _stale_env(
    tmp_path: Path, record: dict[str, Any], chain_id: int = DEV_CHAIN_ID
) -> dict[str, str]:
    """A data directory holding `record` as the deployment for `chain_id`."""
    data_dir = tmp_path / "stale"
    (data_dir / "deployments").mkdir(parents=True)
    (data_dir / "deployments" / f"{chain_id}.json").write_text(json.dumps(record))
    return {"DATARIGHTS_DATA_DIR": str(data_dir)}


def _edited(record: dict[str, Any], contract: str | None = None, **changes: Any) -> dict[str, Any]:
    edited = json.loads(json.dumps(record))
    target = edited["contracts"][contract] if contract else edited
    target.update(changes)
    return edited


@pytest.mark.parametrize(
    ("edit", "says"),
    [
        (lambda r: _edited(r, chain_id=5), "is for chain id 5, the node is chain id 31337"),
        (lambda r: _edited(r, genesis_hash="0x" + "12" * 32),
         "the deployment was made on a chain with genesis 0x1212"),
        (lambda r: _edited(r, "RightsRegistry", block_number=10**9),
         "deploy block 1000000000 does not exist on the chain"),
        (lambda r: _edited(r, "RightsRegistry", block_hash="0x" + "34" * 32),
         "the chain was reset or reorganized"),
        (lambda r: _edited(r, "GrantDesk", address="0x" + "56" * 20),
         "no code at 0x5656565656565656565656565656565656565656 where GrantDesk was deployed"),
        (lambda r: {"format": 1, "contracts": "none"}, "is not a readable deployment record"),
    ],
)  # fmt: skip
def test_staleDeployment_refusedBeforeSending(
    cli: Cli, tmp_path: Path, edit: Any, says: str
) -> None:
    env = _stale_env(tmp_path, edit(_record(cli)))
    refused(
        cli, "assets", "register", data_file(tmp_path), account=BUREAU, code=EXIT_REFUSED,
        says=says, env=env, watch=[tmp_path],
    )  # fmt: skip


def test_deploymentRecord_missing(cli: Cli, tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    refused(
        cli, "certificates", "show", "1", code=EXIT_REFUSED, says="no deployment record at",
        env={"DATARIGHTS_DATA_DIR": str(empty)}, watch=[tmp_path],
    )  # fmt: skip


def test_settingsChainId_otherThanTheNode(cli: Cli, tmp_path: Path) -> None:
    """A record for chain 5 and settings asking for chain 5, while the node is the local one."""
    env = {**_stale_env(tmp_path, _edited(_record(cli), chain_id=5), chain_id=5),
           "DATARIGHTS_CHAIN_ID": "5"}  # fmt: skip
    refused(
        cli, "assets", "register", data_file(tmp_path), account=BUREAU, code=EXIT_REFUSED,
        says="is chain 31337, expected 5", env=env, watch=[tmp_path],
    )  # fmt: skip


def test_invalidSettings_exit2(cli: Cli, tmp_path: Path) -> None:
    refused(
        cli, "chain", "status", code=EXIT_BAD_INPUT, says="invalid settings: confirmations",
        env={"DATARIGHTS_CONFIRMATIONS": "many"}, watch=[tmp_path],
    )  # fmt: skip


def test_grantsSign_byWhoDoesNotHoldTheRight_writesNoFile(cli: Cli, tmp_path: Path) -> None:
    asset = register_public(cli, data_file(tmp_path))
    holding = test_cli.certify(cli, asset, "holding", BUREAU)
    out = tmp_path / "licence.json"
    message = refused(
        cli, "grants", "sign", "--from", f"certificate:{holding}", "--to", address(BUYER),
        "--purpose", "p", "--scenario", "s", "--scope", "x", "--security", "y", "--term", "30d",
        "--out", out, account=OPERATOR, code=EXIT_REFUSED, says="refused: ", watch=[tmp_path],
    )  # fmt: skip
    assert message.startswith("refused: NotRightHolder(") and address(OPERATOR) in message
    assert not out.exists()


@pytest.mark.parametrize(
    ("field", "value", "says"),
    [
        ("chain_id", 1, "was signed for chain 1 and grant desk"),
        ("grant_desk", "0x" + "56" * 20, "grant desk 0x5656565656565656565656565656565656565656"),
    ],
)
def test_grantsSubmit_signedForAnotherRegistry_refusedBeforeSending(
    cli: Cli, tmp_path: Path, field: str, value: object, says: str
) -> None:
    asset = register_public(cli, data_file(tmp_path))
    holding = test_cli.certify(cli, asset, "holding", BUREAU)
    licence = tmp_path / "licence.json"
    cli.ok("grants", "sign", "--from", f"certificate:{holding}", "--to", address(OPERATOR),
           "--purpose", "p", "--scenario", "s", "--scope", "x", "--security", "y", "--term", "30d",
           "--out", licence, account=BUREAU)  # fmt: skip
    document = json.loads(licence.read_text())
    licence.write_text(json.dumps({**document, field: value}))
    message = refused(
        cli, "grants", "submit", licence, account=OPERATOR, code=EXIT_BAD_INPUT, says=says,
        watch=[tmp_path],
    )  # fmt: skip
    assert "not this registry (chain 31337" in message
