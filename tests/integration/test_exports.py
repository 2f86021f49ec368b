"""Standard exports (W3C VC 2.0, ODRL 2.2, DCAT 3, PROV-JSON) over an indexed scenario, through the
API and the CLI, on SQLite and PostgreSQL: values checked against the chain, documents expanded
with pyld against the bundled contexts only."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from prov.model import ProvDocument
from pyld import jsonld
from typer.testing import CliRunner

from registry import model
from registry.cli import app
from registry.export import ContextNotBundled, context_bytes, load_document
from registry.export.loader import CONTEXTS, jsonld_options
from registry.registration_numbers import CHINA_STANDARD_TIME, parse_registration_number
from tests.integration.api_fixtures import *  # noqa: F403
from tests.integration.api_fixtures import Mirror, hex32, problem, walk
from tests.integration.scenario import h

pytestmark = pytest.mark.integration

VC = "https://www.w3.org/2018/credentials#"
DR = "https://w3id.org/datarights/v1#"
ODRL = "http://www.w3.org/ns/odrl/2/"
DCAT = "http://www.w3.org/ns/dcat#"
SPDX = "http://spdx.org/rdf/terms#"
UNDEFINED = "urn:undefined-term:"
# The SHA-256 the VC 2.0 Recommendation publishes for its base context (appendix B.1).
VC_V2_SHA256 = "59955ced6697d61e03f2b2556febe5308ab16842846f5b586d7f1f7adec92734"

runner = CliRunner()


def iso(timestamp: int) -> str:
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def did(address: str) -> str:
    return f"did:pkh:eip155:31337:{address}"


def registry_address(mirror: Mirror) -> str:
    return mirror.actors.admin.address_of("RightsRegistry")


def fetch(mirror: Mirror, path: str, media_type: str) -> dict[str, Any]:
    """A 200 answer of `media_type`, parsed."""
    response = mirror.api.get(path)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith(media_type)
    document: dict[str, Any] = response.json()
    return document


def expand(document: dict[str, Any]) -> list[dict[str, Any]]:
    """Expand with the bundled contexts only, every term checked to be defined: an extra
    `@vocab` turns any term the contexts do not define into a visible `urn:undefined-term:` IRI."""
    probe = {**document, "@context": [*document["@context"], {"@vocab": UNDEFINED}]}
    expanded: list[dict[str, Any]] = jsonld.expand(probe, jsonld_options())
    assert UNDEFINED not in json.dumps(expanded), "a term is not defined by the bundled contexts"
    return expanded


def ids(values: list[dict[str, Any]]) -> list[str]:
    return [v["@id"] for v in values]


def value(node: dict[str, Any], iri: str) -> Any:
    [found] = node[iri]
    return found.get("@value", found.get("@id"))


# ---------------------------------------------------------------- W3C Verifiable Credentials


def test_credential_equalsTheCertificateOnChain(mirror: Mirror) -> None:
    chain, cid = mirror.actors.admin, mirror.ids["holding"]
    vc = fetch(mirror, f"/certificates/{cid}/credential", "application/vc")
    onchain = chain.certificate(cid)
    core = chain.asset_core(onchain.asset)
    registry = registry_address(mirror)
    assert vc["@context"][0] == "https://www.w3.org/ns/credentials/v2"
    assert vc["type"] == ["VerifiableCredential", "DataRightsCertificate"]
    assert vc["issuer"]["id"] == did(registry)
    assert vc["id"] == f"urn:datarights:eip155:31337:{registry}:certificate:{cid}"
    assert (vc["validFrom"], vc["validUntil"]) == (iso(onchain.issued_at), iso(onchain.valid_until))
    assert "proof" not in vc
    subject = vc["credentialSubject"]
    assert subject["id"] == did(chain.holder_of(cid))
    assert (subject["right"], subject["certificateId"], subject["status"]) == (
        "holding",
        cid,
        "active",
    )
    asset = subject["asset"]
    assert asset["contentSha256"] == hex32(onchain.asset)
    assert asset["id"] == f"urn:datarights:asset:{hex32(onchain.asset)}"
    assert (asset["category"], asset["grade"], asset["openClass"], asset["domain"]) == (
        core.category.name.lower(),
        core.grade.name.lower(),
        core.open_class.name.lower().replace("_", "-"),
        core.domain,
    )
    assert asset["registrant"] == did(core.registrant)
    chain_id, year, _ = parse_registration_number(asset["registrationNumber"])
    registered = datetime.fromtimestamp(core.registered_at, UTC).astimezone(CHINA_STANDARD_TIME)
    assert (chain_id, year) == (31337, registered.year)
    status = vc["credentialStatus"]
    assert chain.is_certificate_effective(cid) is (status["effectiveStatus"] == "effective")
    assert status["indexedBlock"] == mirror.indexed


def test_credential_evidenceIsOnChain(mirror: Mirror) -> None:
    """Every evidence record names a transaction of the registry contract in that block."""
    cid = mirror.ids["holding"]
    vc = mirror.api.get(f"/certificates/{cid}/credential").json()
    registry = registry_address(mirror)
    facts = [e["fact"] for e in vc["evidence"]]
    assert f"certificate {cid} applied for" in facts
    assert any(f.startswith(f"certificate {cid} last changed: ") for f in facts)
    assert any(f.startswith(f"holder of certificate {cid} became ") for f in facts)
    w3 = mirror.actors.admin.w3
    for record in vc["evidence"]:
        assert (record["type"], record["chainId"], record["contract"]) == (
            "ChainRecord",
            31337,
            registry,
        )
        receipt = w3.eth.get_transaction_receipt(record["transactionHash"])
        assert receipt["blockNumber"] == record["blockNumber"]
        assert any(log["address"] == registry for log in receipt["logs"])
    blocks = [e["blockNumber"] for e in vc["evidence"]]
    assert blocks == sorted(blocks)


def test_credential_expandsWithBundledContexts(mirror: Mirror) -> None:
    cid = mirror.ids["grant_based_certificate"]
    vc = mirror.api.get(f"/certificates/{cid}/credential").json()
    [node] = expand(vc)
    assert set(node["@type"]) == {f"{VC}VerifiableCredential", f"{DR}DataRightsCertificate"}
    assert ids(node[f"{VC}issuer"]) == [did(registry_address(mirror))]
    [subject] = node[f"{VC}credentialSubject"]
    assert subject["@id"] == did(mirror.actors.admin.holder_of(cid))
    assert ids(subject[f"{DR}right"]) == [f"{DR}ProcessingRight"]
    registry = registry_address(mirror)
    grant = mirror.ids["sub_grant"]
    assert ids(subject[f"{DR}restsOn"]) == [f"urn:datarights:eip155:31337:{registry}:grant:{grant}"]
    [asset] = subject[f"{DR}asset"]
    assert value(asset, f"{DR}contentSha256") == vc["credentialSubject"]["asset"]["contentSha256"]
    assert ids(asset[f"{DR}category"])[0].startswith(DR)
    [valid_from] = node[f"{VC}validFrom"]
    assert valid_from["@type"] == "http://www.w3.org/2001/XMLSchema#dateTime"
    [status] = node[f"{VC}credentialStatus"]
    assert status["@type"] == [f"{DR}RegistryStatus"]
    assert len(node[f"{VC}evidence"]) == len(vc["evidence"])


def test_credential_inNoticeHasNoTermYet(mirror: Mirror) -> None:
    """A cancelled application was never issued: no validFrom, its status says so."""
    cancelled = _certificate_with_status(mirror, "cancelled")
    vc = mirror.api.get(f"/certificates/{cancelled}/credential").json()
    assert "validFrom" not in vc
    assert vc["credentialSubject"]["status"] == "cancelled"
    assert vc["credentialStatus"]["effectiveStatus"] == "cancelled"
    expand(vc)


def _certificate_with_status(mirror: Mirror, status: str) -> int:
    found = walk(mirror.api, "/certificates", limit=50, status=status)
    return int(found[0]["certificate_id"])


# ---------------------------------------------------------------- ODRL


def test_odrl_equalsTheGrantOnChain(mirror: Mirror) -> None:
    chain, gid = mirror.actors.admin, mirror.ids["grant"]
    policy = fetch(mirror, f"/grants/{gid}/odrl", "application/ld+json")
    onchain = chain.grant_record(gid)
    asset = hex32(chain.grant_asset(gid))
    assert policy["type"] == "Agreement"
    assert policy["assigner"] == did(chain.grantor_of(gid))
    assert policy["assignee"] == did(onchain.grantee)
    assert policy["target"] == f"urn:datarights:asset:{asset}"
    use, sublicence = policy["permission"]
    assert use["action"] == ["read", "derive", "aggregate"]  # a processing grant
    assert onchain.right == model.Right.PROCESSING and onchain.sub_grantable
    constraints = {(c["leftOperand"], c["operator"]): c["rightOperand"] for c in use["constraint"]}
    assert constraints[("dateTime", "gteq")]["@value"] == iso(onchain.valid_from)
    assert constraints[("dateTime", "lt")]["@value"] == iso(onchain.valid_until)
    purpose = hex32(h("purpose: traffic congestion analysis"))
    assert constraints[("purpose", "eq")]["@value"] == purpose
    assert constraints[("scenario", "eq")]["@value"] == hex32(
        h("scenario: city logistics planning")
    )
    assert constraints[("dataScope", "eq")]["@value"] == hex32(h("scope: road segments, speeds"))
    assert sublicence["action"] == "grantUse"
    assert "prohibition" not in policy
    [duty] = policy["obligation"]
    assert duty["action"] == "delete"
    assert duty["constraint"][0]["rightOperand"]["@value"] == iso(onchain.valid_until)
    assert (policy["depth"], policy["subGrantable"], policy["revocable"]) == (
        onchain.depth,
        True,
        onchain.revocable,
    )


def test_odrl_noSubGrantIsAProhibition(mirror: Mirror) -> None:
    gid = mirror.ids["sub_grant"]
    policy = mirror.api.get(f"/grants/{gid}/odrl").json()
    assert [p["action"] for p in policy["permission"]] == [["read", "derive", "aggregate"]]
    [prohibition] = policy["prohibition"]
    assert prohibition["action"] == "grantUse"
    assert prohibition["assignee"] == did(mirror.actors.buyer.account)
    registry = registry_address(mirror)
    parent = mirror.ids["grant"]
    assert policy["restsOn"] == f"urn:datarights:eip155:31337:{registry}:grant:{parent}"


def test_odrl_revokedGrantSaysSo(mirror: Mirror) -> None:
    policy = mirror.api.get(f"/grants/{mirror.ids['revoked_grant']}/odrl").json()
    assert (policy["status"], policy["effectiveStatus"]) == ("revoked", "revoked")
    assert [r["fact"] for r in policy["recordedIn"]][-1].endswith("last changed")


def test_odrl_expandsWithBundledContexts(mirror: Mirror) -> None:
    gid = mirror.ids["sub_grant"]
    policy = mirror.api.get(f"/grants/{gid}/odrl").json()
    [node] = expand(policy)
    assert node["@type"] == [f"{ODRL}Agreement"]
    assert ids(node[f"{ODRL}assignee"]) == [did(mirror.actors.buyer.account)]
    assert ids(node[f"{ODRL}assigner"]) == [did(mirror.actors.operator.account)]
    [permission] = node[f"{ODRL}permission"]
    assert set(ids(permission[f"{ODRL}action"])) == {
        f"{ODRL}read",
        f"{ODRL}derive",
        f"{ODRL}aggregate",
    }
    operands = {ids(c[f"{ODRL}leftOperand"])[0] for c in permission[f"{ODRL}constraint"]}
    assert operands == {f"{ODRL}dateTime", f"{ODRL}purpose", f"{DR}scenario", f"{DR}dataScope"}
    [prohibition] = node[f"{ODRL}prohibition"]
    assert ids(prohibition[f"{ODRL}action"]) == [f"{ODRL}grantUse"]
    [duty] = node[f"{ODRL}obligation"]
    assert ids(duty[f"{ODRL}action"]) == [f"{ODRL}delete"]


# ---------------------------------------------------------------- DCAT


def _catalog_pages(mirror: Mirror, limit: int) -> list[dict[str, Any]]:
    pages, cursor = [], None
    for _ in range(1000):
        params: dict[str, Any] = {"limit": limit, **({"cursor": cursor} if cursor else {})}
        response = mirror.api.get("/catalog", params=params)
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("application/ld+json")
        page = response.json()
        pages.append(page)
        cursor = page.get("nextCursor")
        assert ("link" in response.headers) is (cursor is not None)
        if cursor is None:
            return pages
    raise AssertionError("catalogue pagination did not end")


def test_catalog_pagesCoverEveryAsset(mirror: Mirror) -> None:
    pages = _catalog_pages(mirror, limit=7)
    datasets = [d for page in pages for d in page["dataset"]]
    assert len(pages) > 2 and all(len(p["dataset"]) <= 7 for p in pages)
    assert len(datasets) == mirror.actors.admin.asset_count()
    listed = walk(mirror.api, "/assets", limit=50)
    assert [d["identifier"] for d in datasets] == [a["registration_number"] for a in listed]
    by_number = {a["registration_number"]: a for a in listed}
    for dataset in datasets:
        asset = by_number[dataset["identifier"]]
        [distribution] = dataset["distribution"]
        assert distribution["checksum"]["checksumValue"] == asset["asset"].removeprefix("0x")
        assert dataset["publisher"] == did(asset["registrant"])
        assert dataset["issued"] == iso(asset["registered_at"])
        assert dataset["effectiveStatus"] == asset["effective_status"]
        assert dataset["recordedIn"][0]["blockNumber"] == asset["registered_block"]


def test_catalog_publicDatasetThemes(mirror: Mirror) -> None:
    public = hex32(mirror.ids["public"])
    datasets = [d for page in _catalog_pages(mirror, limit=50) for d in page["dataset"]]
    [dataset] = [d for d in datasets if d["contentSha256"] == public]
    assert dataset["theme"] == ["public", "important", dataset["openClass"]]
    assert dataset["domain"] == 7
    page = _catalog_pages(mirror, limit=3)[0]
    [catalog] = expand(page)
    assert catalog["@type"] == [f"{DCAT}Catalog"]
    first = catalog[f"{DCAT}dataset"][0]
    assert f"{DCAT}Dataset" in first["@type"]
    [distribution] = first[f"{DCAT}distribution"]
    [checksum] = distribution[f"{SPDX}checksum"]
    assert ids(checksum[f"{SPDX}algorithm"]) == [f"{SPDX}checksumAlgorithm_sha256"]
    themes = set(ids(first[f"{DCAT}theme"]))
    assert themes and all(t.startswith(DR) for t in themes)


# ---------------------------------------------------------------- errors and contexts


def test_exports_unknownIdsAre404(mirror: Mirror) -> None:
    body = problem(mirror.api.get("/certificates/99999/credential"), 404, "not-found")
    assert "no certificate 99999" in body["detail"]
    body = problem(mirror.api.get("/grants/99999/odrl"), 404, "not-found")
    assert "no grant 99999" in body["detail"]
    body = problem(mirror.api.get("/contexts/odrl"), 404, "not-found")
    assert "no bundled JSON-LD context named 'odrl'" in body["detail"]
    problem(mirror.api.get("/catalog", params={"cursor": "bm9wZQ"}), 400, "bad-request")
    problem(mirror.api.get("/certificates/0/credential"), 422, "invalid-request")


def test_contexts_servedExactlyAsBundled(mirror: Mirror) -> None:
    for bundled in CONTEXTS:
        response = mirror.api.get(f"/contexts/{bundled.name}")
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("application/ld+json")
        assert response.content == context_bytes(bundled.name)
        assert load_document(bundled.url)["document"] == json.loads(response.content)
    official = hashlib.sha256(context_bytes("credentials-v2")).hexdigest()
    assert official == VC_V2_SHA256


def test_contexts_readmeRecordsEachDigest() -> None:
    readme = (Path(__file__).parents[2] / "registry/export/contexts/README.md").read_text()
    for bundled in CONTEXTS:
        digest = hashlib.sha256(context_bytes(bundled.name)).hexdigest()
        row = f"| `{bundled.name}.jsonld` | `{bundled.url}` |"
        assert row in readme and f"`{digest}` |" in readme.split(row, 1)[1].split("\n", 1)[0]


def test_loader_refusesEveryOtherUrl() -> None:
    with pytest.raises(ContextNotBundled, match="never fetched over the network"):
        load_document("https://www.w3.org/ns/odrl.jsonld")
    document = {"@context": "https://schema.org/", "name": "x"}
    with pytest.raises(jsonld.JsonLdError) as failure:
        jsonld.expand(document, jsonld_options())
    assert isinstance(failure.value.__cause__, ContextNotBundled)


# ---------------------------------------------------------------- the CLI


def cli_env(mirror: Mirror) -> dict[str, str]:
    return {
        "DATARIGHTS_DATABASE_URL": mirror.engine.url.render_as_string(hide_password=False),
        "DATARIGHTS_DATA_DIR": str(mirror.settings.data_dir),
    }


def test_cli_exportsTheSameDocuments(mirror: Mirror, tmp_path: Path) -> None:
    env = cli_env(mirror)
    cid, gid = mirror.ids["holding"], mirror.ids["grant"]
    credential = runner.invoke(app, ["export", "credential", str(cid)], env=env)
    assert credential.exit_code == 0, credential.output
    assert json.loads(credential.stdout) == mirror.api.get(f"/certificates/{cid}/credential").json()
    out = tmp_path / "grant.jsonld"
    odrl = runner.invoke(app, ["export", "odrl", str(gid), "--out", str(out)], env=env)
    assert odrl.exit_code == 0, odrl.output
    assert json.loads(out.read_text()) == mirror.api.get(f"/grants/{gid}/odrl").json()
    missing = runner.invoke(app, ["export", "credential", "99999"], env=env)
    assert missing.exit_code == 1
    assert "no certificate 99999" in missing.stderr
    bad = runner.invoke(app, ["export", "odrl", "two"], env=env)
    assert bad.exit_code == 2 and "grant id must be a positive integer" in bad.stderr


def test_cli_catalogStreamsEveryAsset(mirror: Mirror, tmp_path: Path) -> None:
    out = tmp_path / "catalog.jsonld"
    result = runner.invoke(app, ["export", "catalog", "--out", str(out)], env=cli_env(mirror))
    assert result.exit_code == 0, result.output
    streamed = json.loads(out.read_text())
    paged = [d for page in _catalog_pages(mirror, limit=10) for d in page["dataset"]]
    assert streamed["dataset"] == paged
    assert len(paged) == mirror.actors.admin.asset_count()
    assert {k: v for k, v in streamed.items() if k != "dataset"} == {
        k: v for k, v in _catalog_pages(mirror, limit=500)[0].items() if k != "dataset"
    }
    expand(streamed)
    assert not list(tmp_path.glob("*.part"))


def test_cli_provLoadsWithTheProvLibrary(mirror: Mirror, tmp_path: Path) -> None:
    product = hex32(mirror.ids["product"])
    out = tmp_path / "lineage.json"
    args = ["export", "prov", product, "--direction", "both", "--depth", "3", "--out", str(out)]
    result = runner.invoke(app, args, env=cli_env(mirror))
    assert result.exit_code == 0, result.output
    document = ProvDocument.deserialize(content=out.read_text(), format="json")
    entities = {str(e.identifier) for e in document.get_records() if e.is_element()}
    source = hex32(mirror.ids["asset"])
    assert f"asset:{product}" in entities and f"asset:{source}" in entities
    wrong = runner.invoke(app, ["export", "prov", product, "--direction", "sideways"],
                          env=cli_env(mirror))  # fmt: skip
    assert wrong.exit_code == 2 and "--direction must be one of up, down, both" in wrong.stderr
