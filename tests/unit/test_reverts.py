import json
import pickle
from pathlib import Path
from typing import Any

import pytest
from eth_abi.abi import encode
from eth_abi.grammar import ABIType, BasicType, TupleType, parse

from registry.chain import contract_errors
from registry.chain.compiler import ContractArtifact, compile_contracts
from registry.chain.reverts import (
    GENERATED_MARKER,
    GENERATED_PATH,
    ContractRevert,
    ErrorRevert,
    PanicRevert,
    UnknownRevert,
    collect_errors,
    decode_revert,
    error_table,
    generate,
)
from registry.config import Settings
from registry.errors import RegistryError

ALICE = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"
BOB = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"

RIGHT_MISSING = {
    "type": "error",
    "name": "ProcessingRightMissing",
    "inputs": [
        {"name": "asset", "type": "bytes32", "internalType": "bytes32"},
        {"name": "account", "type": "address", "internalType": "address"},
    ],
}


def artifact(
    name: str, abi: list[dict[str, Any]], *, notices: dict[str, str] | None = None
) -> ContractArtifact:
    userdoc = {"errors": {sig: [{"notice": text}] for sig, text in (notices or {}).items()}}
    return ContractArtifact(
        name=name,
        source_path=f"src/{name}.sol",
        abi=abi,
        bytecode="",
        deployed_bytecode="",
        compiler_version="0.8.37+commit.f401782d",
        method_identifiers={},
        metadata=json.dumps({"output": {"userdoc": userdoc, "devdoc": {}}}),
    )


def load_generated(source: str) -> dict[str, Any]:
    namespace: dict[str, Any] = {}
    exec(compile(source, "<generated>", "exec"), namespace)
    return namespace


def test_decode_revert_custom_error_with_arguments() -> None:
    errors = error_table({"Registry": artifact("Registry", [RIGHT_MISSING])})
    asset = bytes(range(32))
    (selector,) = errors
    data = selector + encode(["bytes32", "address"], [asset, BOB.lower()])

    revert = decode_revert(data, errors=errors)

    assert type(revert).__name__ == "ProcessingRightMissing"
    assert isinstance(revert, ContractRevert)
    assert isinstance(revert, RegistryError)
    assert revert.error_name == "ProcessingRightMissing"
    assert revert.args == {"asset": asset, "account": BOB}
    assert revert.data == data
    assert str(revert) == f"ProcessingRightMissing(asset=0x{asset.hex()}, account={BOB})"


def test_decode_revert_error_string() -> None:
    data = bytes.fromhex("08c379a0") + encode(["string"], ["grant expired"])

    revert = decode_revert(data)

    assert isinstance(revert, ErrorRevert)
    assert revert.message == "grant expired"
    assert revert.args == {"message": "grant expired"}
    assert str(revert) == 'Error(message="grant expired")'


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        (0x01, "assertion failed"),
        (0x11, "arithmetic underflow or overflow"),
        (0x12, "division or modulo by zero"),
        (0x32, "array index out of bounds"),
    ],
)
def test_decode_revert_panic(code: int, reason: str) -> None:
    data = bytes.fromhex("4e487b71") + encode(["uint256"], [code])

    revert = decode_revert(data)

    assert isinstance(revert, PanicRevert)
    assert revert.code == code
    assert revert.reason == reason
    assert str(revert) == f"Panic(code={code:#04x}): {reason}"


def test_decode_revert_unknown_selector_and_empty_data() -> None:
    unknown = decode_revert(bytes.fromhex("deadbeef") + b"\x00" * 32)
    empty = decode_revert(b"")

    assert isinstance(unknown, UnknownRevert)
    assert unknown.args["selector"] == bytes.fromhex("deadbeef")
    assert str(unknown).startswith("UnknownRevert(selector=0xdeadbeef")
    assert isinstance(empty, UnknownRevert)
    assert str(empty) == "reverted without data"


def test_decode_revert_truncated_arguments_is_unknown() -> None:
    errors = error_table({"Registry": artifact("Registry", [RIGHT_MISSING])})
    (selector,) = errors

    revert = decode_revert(selector + b"\x01" * 10, errors=errors)

    assert isinstance(revert, UnknownRevert)


def sample_value(abi_type: ABIType) -> Any:
    if abi_type.is_array:
        return [sample_value(abi_type.item_type)] * 2
    if isinstance(abi_type, TupleType):
        return tuple(sample_value(component) for component in abi_type.components)
    assert isinstance(abi_type, BasicType)
    samples: dict[str, Any] = {
        "address": BOB,
        "bool": True,
        "string": "数据资源持有权",
        "uint": 7,
        "int": -3,
        "bytes": b"\x11" * int(abi_type.sub) if abi_type.sub else b"raw",
    }
    return samples[abi_type.base]


GENERATED_CLASSES = sorted(contract_errors.BY_SELECTOR.values(), key=lambda cls: cls.error_name)


@pytest.mark.parametrize(
    "error_class", GENERATED_CLASSES, ids=[cls.error_name for cls in GENERATED_CLASSES]
)
def test_every_generated_error_round_trips(error_class: type[ContractRevert]) -> None:
    values = [sample_value(parse(abi_type)) for abi_type in error_class.arg_types]
    data = error_class.selector + encode(list(error_class.arg_types), values)

    revert = decode_revert(data)

    assert type(revert) is error_class
    assert revert.args == dict(zip(error_class.arg_names, values, strict=True))
    for attr, value in zip(error_class.attr_names, values, strict=True):
        assert getattr(revert, attr) == value
    assert str(revert).startswith(f"{error_class.__name__}(")


def test_revert_survives_pickling() -> None:
    data = bytes.fromhex("4e487b71") + encode(["uint256"], [0x11])
    revert = decode_revert(data)

    restored = pickle.loads(pickle.dumps(revert))

    assert type(restored) is PanicRevert
    assert restored.args == {"code": 0x11}
    assert restored.data == data


def test_generate_dedupes_by_signature_and_takes_the_notice() -> None:
    artifacts = {
        "Registry": artifact("Registry", [RIGHT_MISSING]),
        "IRegistry": artifact(
            "IRegistry",
            [RIGHT_MISSING],
            notices={"ProcessingRightMissing(bytes32,address)": "`account` lacks the right."},
        ),
    }

    source = generate(artifacts)
    namespace = load_generated(source)

    assert source.startswith(f"# {GENERATED_MARKER}\n")
    assert source.count("class ProcessingRightMissing(ContractRevert):") == 1
    cls = namespace["ProcessingRightMissing"]
    assert cls.__doc__.startswith("`account` lacks the right.")
    assert cls.signature == "ProcessingRightMissing(bytes32,address)"
    assert namespace["BY_SELECTOR"] == {cls.selector: cls}
    assert cls.__annotations__ == {"asset": bytes, "account": str}


def test_generate_renames_arguments_that_clash_with_python() -> None:
    clashing = {
        "type": "error",
        "name": "OddNames",
        "inputs": [
            {"name": "data", "type": "bytes"},
            {"name": "from", "type": "address"},
            {"name": "", "type": "uint8"},
        ],
    }

    namespace = load_generated(generate({"Odd": artifact("Odd", [clashing])}))
    cls = namespace["OddNames"]
    data = cls.selector + encode(["bytes", "address", "uint8"], [b"xy", ALICE, 3])
    revert = decode_revert(data, errors=namespace["BY_SELECTOR"])

    assert cls.attr_names == ("data_", "from_", "arg2")
    assert revert.args == {"data": b"xy", "from": ALICE, "arg2": 3}
    assert vars(revert)["data_"] == b"xy"
    assert revert.data == data


def test_generate_refuses_two_errors_with_one_name() -> None:
    other = {**RIGHT_MISSING, "inputs": RIGHT_MISSING["inputs"][:1]}
    artifacts = {"A": artifact("A", [RIGHT_MISSING]), "B": artifact("B", [other])}

    with pytest.raises(RegistryError, match="distinct names"):
        collect_errors(artifacts)


def test_generated_module_matches_the_contracts(tmp_path: Path) -> None:
    settings = Settings()
    source_dir = settings.project_root / "contracts" / "src"
    if not any(source_dir.rglob("*.sol")):
        pytest.skip("contracts/src has no contracts yet; nothing to compare against")
    artifacts = compile_contracts(
        source_dir, settings.build_dir, node_modules=settings.node_modules_dir
    )

    assert GENERATED_PATH.read_text(encoding="utf-8") == generate(artifacts), (
        "registry/chain/contract_errors.py is out of date: run scripts/gen_contract_errors.py"
    )
