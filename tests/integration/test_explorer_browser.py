"""The explorer in headless Chromium (Debian's `chromium`, driven by playwright-core) over the API
serving an indexed supply chain of real files on anvil: search by keyboard, an asset page, the
lineage graph with its tainted and revoked nodes, expanding it, the arbitrator's timeline,
verifying the genuine, a tampered and a clean file, a live update, Chinese labels, a narrow
screen and text contrast. Screenshots go to test-artifacts/explorer/.

`tests/browser/explorer.mjs` does the clicking and reports what it saw; the assertions are here.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from web3 import Web3

from api.app import create_app
from registry import model
from registry.chain.compiler import ContractArtifact
from registry.config import Settings, find_project_root
from registry.indexer.indexer import Indexer
from tests.integration.api_fixtures import hex32, rpc_endpoint
from tests.integration.conftest import Actors, deploy_actors
from tests.integration.indexer_fixtures import Databases, indexed_block, make_indexer
from tests.integration.provenance_fixtures import (
    SupplyChain,
    build_supply_chain,
    data_file,
    file_record,
    issue,
    uphold_dispute_on_grant,
)
from tests.integration.scenario import h

pytestmark = pytest.mark.integration

ROOT = find_project_root()
SCRIPT = ROOT / "tests" / "browser" / "explorer.mjs"
ARTIFACTS = ROOT / "test-artifacts" / "explorer"
CHROMIUM = Path(os.environ.get("DATARIGHTS_CHROMIUM", "/usr/bin/chromium"))
BROWSER_TIMEOUT = 180  # seconds for the whole browser run; it usually takes 20 to 40


def missing_browser_tools() -> str | None:
    """Why the browser run cannot happen here, or None when everything it needs is installed."""
    if shutil.which("node") is None:
        return "node is not on PATH"
    if not CHROMIUM.is_file():
        return (
            f"{CHROMIUM} is missing: install Debian's chromium package "
            "(`make install` does it where apt-get works) or set DATARIGHTS_CHROMIUM"
        )
    for package in ("playwright-core", "cytoscape"):
        if not (ROOT / "node_modules" / package).is_dir():
            return f"the npm package {package} is not installed (run `make install`)"
    return None


class ThreadedApi:
    """The app under uvicorn in a thread of this process, on a free port of 127.0.0.1."""

    def __init__(self, app: Any) -> None:
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self._socket.getsockname()[1]}"
        config = uvicorn.Config(app, log_level="warning", timeout_graceful_shutdown=2)
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._socket]}, daemon=True
        )

    def __enter__(self) -> ThreadedApi:
        self._thread.start()
        deadline = time.monotonic() + 20
        while not self._server.started:
            assert self._thread.is_alive() and time.monotonic() < deadline, "API did not start"
            time.sleep(0.05)
        return self

    def __exit__(self, *_exc: object) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)
        self._socket.close()


@dataclass
class Site:
    url: str
    actors: Actors
    chain: SupplyChain
    clean: bytes  # a resource with nothing disputed anywhere, operated by `other`
    indexer: Indexer
    indexed: int
    tampered: Path
    streams: bool  # whether the API serves /events/stream (else the page polls /health)


def _revoke_asset(actors: Actors, asset: bytes) -> None:
    """The bureau claims `asset` copies its data; the arbitrator upholds it (asset revoked)."""
    dispute = actors.bureau.raise_dispute(model.SubjectKind.ASSET, asset, h("copied")).id
    actors.admin.assign_arbitrator(dispute, actors.arbitrator.account)
    actors.arbitrator.rule(dispute, True, h("copying proven"))


def _build(actors: Actors, tmp: Path) -> tuple[SupplyChain, bytes]:
    chain = build_supply_chain(actors, tmp)
    clean_file = data_file(tmp / "clean.csv", "clean")
    chain.files["clean"] = clean_file
    clean = actors.other.register_resource(
        file_record(clean_file, category=model.Category.ENTERPRISE)
    ).id
    issue(actors.other, actors.admin, clean, model.Right.HOLDING)
    issue(actors.other, actors.admin, clean, model.Right.OPERATING)
    actors.buyer.anchor(
        h("delivery receipt for P2"), model.EvidenceType.DELIVERY_RECEIPT,
        subject=chain.assets["P2"], uri="https://example.org/receipts/p2",
    )  # fmt: skip
    uphold_dispute_on_grant(actors, chain.grants["G1"])  # P1 and P2 tainted
    _revoke_asset(actors, chain.assets["S"])
    return chain, clean


@pytest.fixture(scope="module")
def site(
    w3: Web3, artifacts: dict[str, ContractArtifact], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Site]:
    reason = missing_browser_tools()
    if reason is not None:
        pytest.skip(f"BROWSER TESTS NOT RUN: {reason}")
    tmp = tmp_path_factory.mktemp("explorer")
    actors = deploy_actors(w3, artifacts)
    chain, clean = _build(actors, tmp)
    tampered = tmp / "P2-tampered.csv"
    data = bytearray(chain.files["P2"].read_bytes())
    data[0] ^= 0x01  # one bit flipped
    tampered.write_bytes(bytes(data))
    databases = Databases("sqlite", tmp)
    engine = databases.engine()
    indexer = make_indexer(engine, actors)
    indexer.catch_up()
    settings = Settings(data_dir=tmp / "data", rpc_url=rpc_endpoint(actors))
    app = create_app(settings, engine=engine, min_block_wait=0.3)
    streams = "/events/stream" in app.openapi()["paths"]
    with ThreadedApi(app) as api:
        yield Site(
            api.url, actors, chain, clean, indexer, indexed_block(engine), tampered, streams
        )
    databases.drop_all()


def _number(site: Site, key: str) -> str:
    """The registration number the API shows (the API tests check it against the chain)."""
    return str(httpx.get(f"{site.url}/assets/{key}").json()["registration_number"])


def _asset(site: Site, name: str) -> dict[str, str]:
    key = site.chain.key(name)
    return {"key": key, "number": _number(site, key)}


def _config(site: Site, tmp: Path) -> Path:
    chain = site.chain
    config = {
        "baseUrl": site.url,
        "chromium": str(CHROMIUM),
        "artifactsDir": str(ARTIFACTS),
        "assets": {name: _asset(site, name) for name in ("R", "S", "P1", "P2")},
        "files": {
            "genuine": str(chain.files["P2"]),
            "tampered": str(site.tampered),
            "clean": str(chain.files["clean"]),
        },
        "sellers": {"genuine": site.actors.buyer.account, "clean": site.actors.other.account},
        "search": {"text": "catalogue/P2"},
        "history": {"event": "GrantIssued"},
    }
    path = tmp / "explorer-config.json"
    path.write_text(json.dumps(config), encoding="utf-8")
    return path


def _run_browser(site: Site, config: Path) -> dict[str, Any]:
    """Run the browser script; answer its live-update step by writing to the chain and
    indexing; return what it observed."""
    process = subprocess.Popen(
        ["node", str(SCRIPT), str(config)],
        cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert process.stdin is not None and process.stdout is not None
    result: dict[str, Any] | None = None
    deadline = time.monotonic() + BROWSER_TIMEOUT
    try:
        for line in process.stdout:
            if line.startswith("STEP live"):
                live = data_file(config.parent / "live.csv", "live")
                site.actors.bureau.register_resource(
                    file_record(live, category=model.Category.PUBLIC)
                )
                site.indexer.catch_up()
                process.stdin.write("go\n")
                process.stdin.flush()
            elif line.startswith("RESULT "):
                result = json.loads(line.removeprefix("RESULT "))
            assert time.monotonic() < deadline, "the browser run took too long"
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert result is not None, f"the browser script printed no result (exit {process.returncode})"
    return result


@pytest.fixture(scope="module")
def observed(site: Site, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    result = _run_browser(site, _config(site, tmp_path_factory.mktemp("browser")))
    assert result["ok"], f"browser run failed at {result.get('step')}: {result.get('error')}"
    return result


def test_home_showsTheIndexedBlock(site: Site, observed: dict[str, Any]) -> None:
    home = observed["home"]
    assert home["block"] == site.indexed
    assert f"Indexed up to block {site.indexed}" in home["line"]
    assert home["catalogue"] == 5  # R, S, P1, P2 and the clean resource


def test_search_byKeyboard_opensTheAsset(site: Site, observed: dict[str, Any]) -> None:
    p2 = _number(site, site.chain.key("P2"))
    assert observed["search"]["results"] == [p2]
    assert observed["search"]["matched"] == ["name"]
    assert observed["search"]["focused"] == p2  # Tab from the heading reaches the first result
    assert observed["asset"]["title"].startswith(p2)


def test_assetPage_rightsGrantsEvidenceDisputes(site: Site, observed: dict[str, Any]) -> None:
    asset = observed["asset"]
    assert asset["rights"] == ["holding", "processing", "operating"]
    assert asset["certificates"] == {"holding": 1, "processing": 0, "operating": 1}
    grants = site.chain.grants
    assert sorted(int(g) for g in asset["grantsReceived"]) == sorted([grants["G2"], grants["G3"]])
    assert asset["grantsGiven"] == 0
    assert asset["evidence"] == 1
    # Applied for and issued (at least), each of its two certificates, and no other's.
    ids = {site.chain.holding["P2"].id, site.chain.operating["P2"].id}
    named = [re.search(r"(?:certificateId|tokenId)=(\d+)", e) for e in asset["certificateEvents"]]
    assert {int(m.group(1)) for m in named if m} == ids
    assert len(named) >= 4 and all(named)
    assert any("action=ISSUED" in e for e in asset["certificateEvents"])
    assert asset["classification"][:3] == ["enterprise", "general", "not public data"]
    revoked = observed["revokedAsset"]
    assert revoked["title"].startswith(_number(site, site.chain.key("S")))
    assert "revoked" in revoked["title"]
    assert revoked["disputes"] == ["upheld"]


def test_lineage_marksTaintedAndRevokedNodes(site: Site, observed: dict[str, Any]) -> None:
    key = site.chain.key
    graph = observed["lineage"]
    assert graph["nodes"] == sorted(key(n) for n in ("R", "S", "P1", "P2"))
    assert graph["edges"] == 3
    assert graph["tainted"] == sorted([key("P1"), key("P2")])
    assert graph["revoked"] == [key("S")]
    assert graph["active"] == [key("R")]
    # G1 revoked by the ruling; G2 and G3 out of force since their assets were tainted, revoked.
    edges = [("R", "P1"), ("P1", "P2"), ("S", "P2")]
    assert sorted(graph["badEdges"]) == sorted(f"{key(a)}>{key(b)}" for a, b in edges)
    assert sorted(graph["rows"]) == ["active", "revoked", "tainted", "tainted"]
    grant_labels = sorted(label.split("\n")[0] for label in graph["edgeLabels"])
    assert grant_labels == sorted(f"grant #{site.chain.grants[g]} ✓" for g in ("G1", "G2", "G3"))


def test_lineage_expandsAndOpensNodes(site: Site, observed: dict[str, Any]) -> None:
    key = site.chain.key
    expand = observed["expand"]
    assert expand["before"] == sorted(key(n) for n in ("R", "P1", "P2"))
    assert expand["panel"] == _number(site, key("P2"))
    assert expand["after"] == sorted(key(n) for n in ("R", "S", "P1", "P2"))
    assert expand["opened"].startswith(_number(site, key("P2")))


def test_history_filtersByEventAndBlock(observed: dict[str, Any]) -> None:
    history = observed["history"]
    assert history["all"] == sum(history["api"].values())
    assert history["filtered"] == ["GrantIssued"] * history["api"]["GrantIssued"]
    assert len(set(history["blocks"])) == 1 and history["blocks"]
    assert "block=" in history["url"]


def test_verify_genuineTamperedAndClean(site: Site, observed: dict[str, Any]) -> None:
    verify = observed["verify"]
    genuine = verify["genuine"]
    assert genuine["sha256"] == site.chain.key("P2")
    assert genuine["method"] == "webcrypto"
    assert genuine["verdict"] == "problems"  # the bytes match; the provenance does not hold
    assert genuine["checks"] == {
        "bytes": "pass", "asset-status": "fail", "rights": "info", "seller": "fail",
        "upstream": "pass", "disputes": "fail",
    }  # fmt: skip
    tampered = verify["tampered"]
    assert tampered["verdict"] == "mismatch"
    assert tampered["checks"] == {"bytes": "fail"}
    assert tampered["sha256"] != site.chain.key("P2")
    assert tampered["background"] == "rgb(253, 232, 232)"  # the red verdict
    clean = verify["clean"]
    assert clean["sha256"] == hex32(site.clean)
    assert clean["verdict"] == "genuine"
    assert set(clean["checks"].values()) == {"pass", "info"}
    assert clean["checks"]["seller"] == "pass"
    assert all(r["equal"] for r in observed["streaming"]), observed["streaming"]


def test_live_indexedLineFollowsTheChain(site: Site, observed: dict[str, Any]) -> None:
    live = observed["live"]
    assert live["after"] > live["before"]
    # through the server-sent events; polling /health where the API has no stream
    assert live["mode"] == ("live" if site.streams else "polling")
    assert live["rowsAfter"] == live["rows"] + 1


def test_language_chineseLabelsRemembered(observed: dict[str, Any]) -> None:
    language = observed["language"]
    for zh in (language["zh"], language["reloaded"]):
        assert zh["lang"] == "zh-CN"
        assert zh["nav"] == "核验文件"
        assert zh["line"].startswith("已索引至区块")
        assert "三权" in zh["headings"]
    assert language["back"]["lang"] == "en"
    assert "The three rights" in language["back"]["headings"]
    assert observed["i18n"] == {"missing": [], "onlyEnglish": [], "onlyChinese": []}


def test_accessibility_contrastAndNarrowScreens(observed: dict[str, Any]) -> None:
    low = {name: ratio for name, ratio in observed["contrast"].items() if ratio < 4.5}
    assert low == {}
    # how far each page is wider than a 390 px phone screen
    assert observed["mobile"] == {"asset": 0, "lineage": 0, "verify": 0, "history": 0}


def test_pages_noScriptErrorsAndScreenshotsKept(site: Site, observed: dict[str, Any]) -> None:
    errors = observed["consoleErrors"]
    if not site.streams:  # the browser reports the missing stream it then stops asking for
        errors = [e for e in errors if "EventSource" not in e and "events/stream" not in e]
    assert errors == []
    for screenshot in observed["screenshots"]:
        assert Path(screenshot).stat().st_size > 1000
