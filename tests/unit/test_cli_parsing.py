"""The CLI's argument parsing, manifest validation and error handling, without a chain."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from registry import model
from registry.chain.contract_errors import NoticeWindowOpen
from registry.cli import app
from registry.cli.assets import parse_input
from registry.cli.classification import classify
from registry.cli.common import (
    InputError,
    describe_revert,
    parse_address,
    parse_asset_id,
    parse_auth,
    parse_duration,
    parse_enum,
    parse_int_id,
    parse_statement,
    parse_subject,
    parse_time,
    to_jsonable,
)
from registry.cli.manifest import load_manifest

ASSET = "0x" + "ab" * 32
NO_NODE = {"DATARIGHTS_NODE_PORT": "1", "DATARIGHTS_RPC_URL": "http://127.0.0.1:1"}


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("90", 90), ("45s", 45), ("30m", 1800), ("6h", 21600), ("10d", 864000), ("1y", 31536000)],
)
def test_parse_duration_units(text: str, seconds: int) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "1x", "-5", "ten days", "1.5d"])
def test_parse_duration_rejects(text: str) -> None:
    with pytest.raises(InputError, match="duration"):
        parse_duration(text)


def test_parse_time_accepts_unix_and_iso() -> None:
    assert parse_time("1767225600") == 1767225600
    assert parse_time("2026-01-01") == 1767225600
    assert parse_time("2026-01-01T08:00:00+08:00") == 1767225600
    with pytest.raises(InputError, match="neither"):
        parse_time("next tuesday")


def test_parse_asset_id_needs_32_byte_hex() -> None:
    assert parse_asset_id(ASSET) == bytes.fromhex("ab" * 32)
    for bad in ("ab" * 32, "0x1234", "0x" + "zz" * 32):
        with pytest.raises(InputError, match="asset id"):
            parse_asset_id(bad)


def test_parse_int_id_positive_only() -> None:
    assert parse_int_id("7") == 7
    for bad in ("0", "-1", "seven"):
        with pytest.raises(InputError, match="positive integer"):
            parse_int_id(bad)


def test_parse_enum_by_user_facing_name() -> None:
    assert parse_enum(model.OpenClass, "not-open") == model.OpenClass.NOT_OPEN
    assert parse_enum(model.Right, "PROCESSING") == model.Right.PROCESSING
    with pytest.raises(InputError, match="choose one of: holding, processing, operating"):
        parse_enum(model.Right, "ownership")


def test_parse_statement_hash_file_or_text(tmp_path: Path) -> None:
    document = tmp_path / "reason.txt"
    document.write_bytes(b"the reasons")
    assert parse_statement(ASSET) == bytes.fromhex("ab" * 32)
    assert parse_statement(f"@{document}") == hashlib.sha256(b"the reasons").digest()
    assert parse_statement("plain words") == hashlib.sha256(b"plain words").digest()
    with pytest.raises(InputError, match="does not exist"):
        parse_statement(f"@{tmp_path / 'missing.txt'}")


def test_parse_address_checksums() -> None:
    lower = "0x90f79bf6eb2c4f870365e785982e1f101e93b906"
    assert parse_address(lower) == "0x90F79bf6EB2c4f870365E785982E1f101E93b906"
    with pytest.raises(InputError, match="not an account address"):
        parse_address("0x1234")


def test_parse_auth_subject_and_input() -> None:
    assert parse_auth("certificate:3") == (model.AuthKind.CERTIFICATE, 3)
    assert parse_auth("cert:3") == (model.AuthKind.CERTIFICATE, 3)
    assert parse_auth("grant:12") == (model.AuthKind.GRANT, 12)
    assert parse_subject(f"asset:{ASSET}") == (model.SubjectKind.ASSET, bytes.fromhex("ab" * 32))
    assert parse_subject("grant:4") == (model.SubjectKind.GRANT, 4)
    assert parse_input(f"{ASSET}:grant:2") == model.InputUse(
        bytes.fromhex("ab" * 32), model.AuthKind.GRANT, 2
    )
    with pytest.raises(InputError, match="must look like"):
        parse_input(f"{ASSET}:grant")
    with pytest.raises(InputError, match="must look like"):
        parse_auth("certificate")


def test_classify_follows_the_open_class_rule() -> None:
    public = classify(
        category="public", grade="important", open_class="conditional", domain=54, update_cycle="1d"
    )
    assert public.open_class == model.OpenClass.CONDITIONAL
    assert public.update_cycle == 86400
    with pytest.raises(InputError, match="public data needs --open-class"):
        classify(category="public", grade="general", open_class=None, domain=0, update_cycle="0")
    with pytest.raises(InputError, match="only public data has an open class"):
        classify(
            category="enterprise", grade="general", open_class="conditional", domain=0,
            update_cycle="0",
        )  # fmt: skip
    with pytest.raises(InputError, match="domain"):
        classify(category="enterprise", grade="general", open_class=None, domain=70000,
                 update_cycle="0")  # fmt: skip


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_manifest_json_files_and_precomputed(tmp_path: Path) -> None:
    _write(tmp_path / "a.csv", "x\n1\n2\n")
    manifest = _write(
        tmp_path / "m.json",
        json.dumps(
            {
                "defaults": {"category": "public", "open_class": "unconditional", "domain": 54},
                "assets": [
                    {"file": "a.csv", "records": True},
                    {
                        "content_hash": ASSET,
                        "merkle_root": "0x" + "cd" * 32,
                        "leaf_count": 3,
                        "leaf_mode": "chunks",
                        "category": "enterprise",
                        "open_class": "",
                    },
                ],
            }
        ),
    )
    first, second = load_manifest(manifest)
    assert first.content_hash == hashlib.sha256(b"x\n1\n2\n").digest()
    assert first.leaf_mode == model.LeafMode.RECORDS and first.leaf_count == 3
    assert first.category == model.Category.PUBLIC and first.domain == 54
    assert second.content_hash == bytes.fromhex("ab" * 32)
    assert second.open_class == model.OpenClass.NOT_APPLICABLE


def test_manifest_csv(tmp_path: Path) -> None:
    _write(tmp_path / "a.csv", "hello\n")
    manifest = _write(
        tmp_path / "m.csv",
        "file,category,grade,open_class,domain\na.csv,public,important,conditional,7\n",
    )
    (record,) = load_manifest(manifest)
    assert record.grade == model.Grade.IMPORTANT and record.domain == 7


def test_manifest_reports_every_problem(tmp_path: Path) -> None:
    _write(tmp_path / "a.csv", "same\n")
    _write(tmp_path / "b.csv", "same\n")
    manifest = _write(
        tmp_path / "m.json",
        json.dumps(
            [
                {"file": "a.csv"},
                {"file": "b.csv"},
                {"file": "missing.csv"},
                {"file": "a.csv", "category": "secret"},
                {"content_hash": ASSET},
                {"file": "a.csv", "colour": "blue"},
            ]
        ),
    )
    with pytest.raises(InputError) as caught:
        load_manifest(manifest)
    message = str(caught.value)
    assert "nothing sent" in message
    assert "entry 2: same content as entry 1" in message
    assert "entry 3: file" in message and "missing.csv" in message
    assert "entry 4: unknown Category 'secret'" in message
    assert "entry 5: needs file, or all of content_hash" in message
    assert "entry 6: unknown field(s) colour" in message


def test_manifest_not_json(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not valid JSON"):
        load_manifest(_write(tmp_path / "m.json", "{not json"))
    with pytest.raises(InputError, match="lists no assets"):
        load_manifest(_write(tmp_path / "empty.json", "[]"))


def test_describe_revert_names_the_error_and_the_rule() -> None:
    text = describe_revert(NoticeWindowOpen({"certificateId": 3, "noticeEndsAt": 1767225600}))
    assert text.startswith("NoticeWindowOpen(certificateId=3, noticeEndsAt=1767225600)")
    assert "notice window is still running" in text


def test_to_jsonable_hex_enums_records() -> None:
    use = model.InputUse(bytes.fromhex("ab" * 32), model.AuthKind.GRANT, 2)
    assert to_jsonable(use) == {"asset": ASSET, "auth_kind": "grant", "auth_id": 2}
    assert to_jsonable(model.OpenClass.NOT_OPEN) == "not-open"


runner = CliRunner()


def test_missing_file_exits_2() -> None:
    result = runner.invoke(app, ["assets", "register", "/nonexistent/data.csv"], env=NO_NODE)
    assert result.exit_code == 2
    assert "/nonexistent/data.csv does not exist" in result.stderr


def test_unknown_enum_exits_2(tmp_path: Path) -> None:
    data = _write(tmp_path / "d.csv", "x\n")
    result = runner.invoke(app, ["assets", "register", str(data), "--grade", "secret"], env=NO_NODE)
    assert result.exit_code == 2
    assert "unknown Grade 'secret'" in result.stderr


def test_malformed_manifest_exits_2_before_connecting(tmp_path: Path) -> None:
    manifest = _write(tmp_path / "m.json", '{"assets": "nope"}')
    result = runner.invoke(app, ["assets", "register-bulk", str(manifest)], env=NO_NODE)
    assert result.exit_code == 2
    assert "must be a list of entries" in result.stderr


def test_unreachable_node_exits_1_with_one_line() -> None:
    result = runner.invoke(app, ["certificates", "show", "1"], env=NO_NODE)
    assert result.exit_code == 1
    assert result.stderr.strip().count("\n") == 0
    assert "no EVM node answers at http://127.0.0.1:1" in result.stderr


@pytest.mark.parametrize(
    "command",
    [
        ["chain", "up"], ["deploy"], ["keys", "new"], ["parties", "admit"],
        ["parties", "roles", "grant"], ["parties", "policy", "set"], ["assets", "register"],
        ["assets", "register-bulk"], ["assets", "derive"], ["certificates", "apply"],
        ["certificates", "resolve-objection"], ["grants", "sign"], ["grants", "submit"],
        ["evidence", "anchor-batch"], ["evidence", "verify-proof"], ["disputes", "cascade"],
        ["demo"],
    ],
)  # fmt: skip
def test_help_teaches_with_an_example(command: list[str]) -> None:
    result = runner.invoke(app, [*command, "--help"])
    assert result.exit_code == 0
    assert "Example" in result.stdout and "datarights" in result.stdout
