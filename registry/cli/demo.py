"""`datarights demo`: a scripted, re-runnable scenario on the local chain, told step by step.

A city data bureau registers public traffic data; an operator processes it under an approved
grant into a congestion index; a logistics company licenses the index by an off-chain signed
grant and checks the file it received; an objection, a dispute with its cascade, and evidence
anchors along the way. Every step goes through the same functions as the commands. Each run
generates new files (new content hashes), so the demo can run again on the same chain.

The story plays on top of `datarights up`: the indexer follows it as it happens, and the buyer's
checks read the mirror through the same provenance report as `datarights verify`.
"""

from __future__ import annotations

import random
import secrets
import shutil
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Annotated, Any

import typer
from sqlalchemy.orm import Session

from registry import model
from registry.chain.client import RegistryClient, WriteResult
from registry.chain.keys import dev_account
from registry.chain.node import DEV_CHAIN_ID
from registry.cli import assets, evidence, grants
from registry.cli.chain import travel
from registry.cli.classification import Classification
from registry.cli.common import (
    CheckFailed,
    CliState,
    InputError,
    JsonFlag,
    Output,
    chain_now,
    cli_state,
    command_help,
    parse_statement,
    sha256_of_file,
)
from registry.cli.deploy import ensure_deployment
from registry.cli.up import DEFAULT_HOST, DEFAULT_PORT, Host, Port, service_urls
from registry.cli.verify import print_checklist
from registry.commitments import hash_file
from registry.registration_numbers import CHINA_STANDARD_TIME
from registry.service.logs import configure_logging
from registry.service.stack import Stack, run_until_stopped
from registry.verify import ProvenanceReport, report_from_file

# Development accounts of the standard test mnemonic, one per party in the story.
REGISTRAR, REVIEWER, ARBITRATOR, BUREAU, OPERATOR, LOGISTICS, RESIDENT, COMPETITOR = range(8)
LABELS = (
    "registry office (registrar)",
    "review body (reviewer)",
    "arbitration commission",
    "city big-data bureau",
    "public-data operator",
    "logistics company",
    "a resident",
    "a competing operator",
)
# Who is admitted as a party, and as what (the reviewer only needs its role).
ADMITTED = {
    REGISTRAR: model.PartyKind.GOVERNMENT,
    ARBITRATOR: model.PartyKind.ENTERPRISE,
    BUREAU: model.PartyKind.GOVERNMENT,
    OPERATOR: model.PartyKind.ENTERPRISE,
    LOGISTICS: model.PartyKind.ENTERPRISE,
    RESIDENT: model.PartyKind.INDIVIDUAL,
    COMPETITOR: model.PartyKind.ENTERPRISE,
}
ROAD_TRANSPORT = 54  # GB/T 4754 industry code: road transport
DAY = 86_400
YEAR = 365 * DAY


@dataclass
class Narrator:
    """Tells the story: numbered steps, facts, and the block of every write."""

    out: Output
    step_no: int = 0

    def step(self, text: str) -> None:
        self.step_no += 1
        self.out.note(f"\n[bold cyan]{self.step_no:>2}.[/] [bold]{text}[/]")

    def fact(self, text: str) -> None:
        self.out.note(f"    {text}")

    def wrote(self, text: str, result: WriteResult) -> None:
        self.out.note(
            f"    [green]✓[/] {text}  [dim](block {result.block_number}, tx "
            f"{result.tx_hash[:10]}…, gas {result.gas_used})[/]"
        )

    def checklist(self, report: ProvenanceReport) -> None:
        if not self.out.json_mode:
            print_checklist(self.out.console, report)


@dataclass
class Cast:
    """One registry client per party."""

    registrar: RegistryClient
    reviewer: RegistryClient
    arbitrator: RegistryClient
    bureau: RegistryClient
    operator: RegistryClient
    logistics: RegistryClient
    resident: RegistryClient
    competitor: RegistryClient

    @classmethod
    def of(cls, state: CliState) -> Cast:
        return cls(*(state.client_for(i) for i in range(len(LABELS))))

    def by_account_index(self) -> list[RegistryClient]:
        return list(vars(self).values())


@dataclass
class Created:
    """What the run created, for the summary."""

    facts: dict[str, Any] = field(default_factory=dict)
    next_commands: list[str] = field(default_factory=list)
    last_block: int = 0


# ---------------------------------------------------------------- generated files


def write_traffic_csv(path: Path, *, seed: int, rows: int = 2_000) -> None:
    """Five-minute traffic observations per road segment (synthetic, unique per seed)."""
    rng = random.Random(seed)
    start = datetime(2026, 3, 2, 7, 0, tzinfo=CHINA_STANDARD_TIME)
    lines = ["segment_id,observed_at,avg_speed_kmh,vehicles"]
    for i in range(rows):
        moment = start + timedelta(minutes=5 * (i // 40))
        segment = f"CQ-YZ-{rng.randint(1, 40):04d}"
        lines.append(
            f"{segment},{moment.isoformat()},{rng.uniform(6, 72):.1f},{rng.randint(4, 420)}"
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_congestion_index(source: Path, path: Path, *, free_flow_kmh: float = 60.0) -> None:
    """The product: mean congestion index (0 free flow .. 1 jammed) per road segment."""
    speeds: dict[str, list[float]] = {}
    for line in source.read_text(encoding="utf-8").splitlines()[1:]:
        segment, _, speed, _ = line.split(",")
        speeds.setdefault(segment, []).append(float(speed))
    lines = ["segment_id,observations,congestion_index"]
    for segment in sorted(speeds):
        mean = sum(speeds[segment]) / len(speeds[segment])
        index = max(0.0, min(1.0, 1 - mean / free_flow_kmh))
        lines.append(f"{segment},{len(speeds[segment])},{index:.3f}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_text(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# ---------------------------------------------------------------- reading the mirror


def mirror_report(stack: Stack, file: Path, *, seller: str, block: int) -> ProvenanceReport:
    """The buyer's provenance report of `file`, once the mirror has indexed `block`."""
    stack.wait_indexed(block)
    engine = stack.engine()
    try:
        with Session(engine) as session:
            return report_from_file(session, file, seller=seller)
    finally:
        engine.dispose()


# ---------------------------------------------------------------- the scenario


def deploy_step(state: CliState, tell: Narrator) -> None:
    """Deploy unless a valid deployment is recorded for this chain."""
    tell.step("Registry contracts")
    deployment, created = ensure_deployment(state)
    verb = "deployed" if created else "found a valid deployment"
    tell.fact(f"{verb} on chain {deployment.chain_id} (records in {state.settings.data_dir})")


def set_up(cast: Cast, tell: Narrator) -> None:
    """Give the roles and admit the parties, skipping what an earlier run did."""
    registrar = cast.registrar
    if not registrar.has_role("admin", registrar.account):
        raise InputError(
            f"the deployment's admin is not development account {REGISTRAR}; "
            "redeploy with `datarights --account 0 deploy --force`"
        )
    tell.step("Roles and parties")
    for role, client in (("reviewer", cast.reviewer), ("arbitrator", cast.arbitrator)):
        if not registrar.has_role(role, client.account):
            tell.wrote(f"{role} role granted", registrar.grant_role(role, client.account))
    clients = cast.by_account_index()
    for index, kind in ADMITTED.items():
        account = clients[index].account
        if registrar.party(account).admitted:
            continue
        commitment = parse_statement(f"identity of {LABELS[index]}", "identity")
        tell.wrote(f"admitted {LABELS[index]}", registrar.admit_party(account, kind, commitment))
    for index, label in enumerate(LABELS):
        tell.fact(f"account {index}: {label:<28} {clients[index].account}")


def notice_passes(state: CliState, cast: Cast, tell: Narrator) -> None:
    window = cast.registrar.policy().notice_window
    tell.fact(
        f"[yellow]time travel:[/] moving block time {window // DAY} days ahead with "
        "evm_increaseTime, which exists only on the local development chain; on a real "
        "chain the registrar waits for the notice window to end"
    )
    travel(state, window + 1)


def register_raw_data(state: CliState, cast: Cast, tell: Narrator, run: Path, seed: int) -> bytes:
    tell.step("The city data bureau registers public traffic data (公共数据)")
    traffic = run / f"traffic-{seed:08x}.csv"
    write_traffic_csv(traffic, seed=seed)
    meta = write_text(
        run / "traffic-metadata.json",
        f'{{"title": "Road traffic observations", "run": "{seed:08x}"}}\n',
    )
    cls = Classification(
        category=model.Category.PUBLIC,
        grade=model.Grade.IMPORTANT,
        open_class=model.OpenClass.CONDITIONAL,
        domain=ROAD_TRANSPORT,
        update_cycle=DAY,
        metadata_hash=sha256_of_file(meta),
        metadata_uri=f"https://data.example.gov.cn/traffic/{seed:08x}",
    )
    done = assets.register_file(cast.bureau, traffic, cls, records=True)
    commitment = hash_file(traffic, records=True)
    tell.fact(f"file {traffic} ({commitment.leaf_count} records, Merkle root over the records)")
    tell.fact("public · important (重要) · conditional open (有条件开放) · road transport")
    tell.wrote(f"registered {done.registration_number}, asset 0x{done.asset.hex()}", done.result)
    return done.asset


def certify_raw_data(state: CliState, cast: Cast, tell: Narrator, asset: bytes) -> int:
    tell.step("The bureau applies for its holding right (数据资源持有权); public notice starts")
    applied = cast.bureau.apply_for_certificate(asset, model.Right.HOLDING)
    holding = int(applied.id)
    tell.wrote(f"certificate {holding} in public notice (公示)", applied.result)
    tell.step("A resident objects during the notice window (异议); the registrar resolves it")
    objection = cast.resident.file_objection(
        holding, parse_statement("objection: the data may trace my daily commute")
    )
    tell.wrote(
        f"objection {objection.id} filed; issuance is blocked while it is open", objection.result
    )
    resolved = cast.registrar.resolve_objection(
        int(objection.id),
        False,
        parse_statement("dismissed: aggregated per road segment, no vehicle identifiers"),
    )
    tell.wrote("objection dismissed (reasons recorded by hash)", resolved)
    tell.step("The notice window passes and the registrar issues the certificate")
    notice_passes(state, cast, tell)
    issued = cast.registrar.issue_certificate(holding)
    tell.wrote(f"holding certificate {holding} issued to the bureau", issued)
    return holding


def review(cast: Cast, tell: Narrator, run: Path, asset: bytes) -> None:
    tell.step("A third-party reviewer anchors its review report (存证)")
    report = write_text(
        run / "review-report.txt",
        f"Compliance review of asset 0x{asset.hex()}: desensitized, "
        "classification and grading confirmed.\n",
    )
    digest, result = evidence.anchor_file(
        cast.reviewer,
        report,
        model.EvidenceType.REVIEW_REPORT,
        subject=evidence.Subject(model.SubjectKind.ASSET, asset),
    )
    tell.wrote(f"review report anchored, SHA-256 0x{digest.hex()[:16]}…", result)


def processing_grant(cast: Cast, tell: Narrator, holding: int) -> int:
    tell.step("The operator requests a processing grant (申请); the bureau approves it")
    now = chain_now(cast.operator.w3)
    texts = grants.statements(
        purpose="purpose: compute a road congestion index",
        scenario="scenario: city logistics route planning",
        scope="scope: segment_id, observed_at, avg_speed_kmh",
        security="security: in-domain computation, outputs aggregated per segment",
    )
    asked = model.RequestTerms(
        parent_kind=model.AuthKind.CERTIFICATE,
        parent_id=holding,
        right=model.Right.PROCESSING,
        purpose_hash=texts.purpose,
        scenario_hash=texts.scenario,
        scope_hash=texts.scope,
        security_hash=texts.security,
        valid_from=now,
        valid_until=now + YEAR,
        details_uri="https://operator.example.com/applications/traffic",
    )
    request = cast.operator.request_grant(asked)
    tell.wrote(f"request {request.id}: processing right for one year", request.result)
    grant_id, result = grants.approve_request(cast.bureau, int(request.id))
    tell.wrote(f"request approved: grant {grant_id} (数据加工使用权) to the operator", result)
    return grant_id


def derive(
    state: CliState, cast: Cast, tell: Narrator, run: Path, raw: bytes, traffic: Path, grant_id: int
) -> tuple[bytes, Path, str]:
    tell.step("The operator derives a congestion-index product under that grant")
    product_file = run / f"congestion-index-{traffic.stem.split('-')[-1]}.csv"
    write_congestion_index(traffic, product_file)
    cls = Classification(domain=ROAD_TRANSPORT, update_cycle=DAY)
    done = assets.derive_product(
        cast.operator,
        product_file,
        cls,
        [model.InputUse(raw, model.AuthKind.GRANT, grant_id)],
        records=True,
    )
    tell.fact(f"lineage: product ← asset 0x{raw.hex()[:16]}… under grant {grant_id}")
    tell.wrote(
        f"product registered {done.registration_number}, asset 0x{done.asset.hex()}", done.result
    )
    return done.asset, product_file, done.registration_number


def certify_product(state: CliState, cast: Cast, tell: Narrator, product: bytes) -> tuple[int, int]:
    tell.step("The operator applies for holding and operating rights on the product")
    ids = []
    for right in (model.Right.HOLDING, model.Right.OPERATING):
        applied = cast.operator.apply_for_certificate(product, right)
        ids.append(int(applied.id))
        tell.wrote(f"certificate {applied.id} ({right.name.lower()}) in notice", applied.result)
    notice_passes(state, cast, tell)
    for cert in ids:
        tell.wrote(f"certificate {cert} issued", cast.registrar.issue_certificate(cert))
    return ids[0], ids[1]


def licence(
    state: CliState,
    cast: Cast,
    tell: Narrator,
    run: Path,
    operating: int,
    product: bytes,
    product_file: Path,
) -> tuple[int, Path]:
    tell.step("The operator licenses the product to the logistics company (signed off chain)")
    terms = grants.build_terms(
        parent=(model.AuthKind.CERTIFICATE, operating),
        grantee=cast.logistics.account,
        right=model.Right.PROCESSING,
        texts=grants.statements(
            purpose="purpose: plan delivery routes",
            scenario="scenario: last-mile logistics",
            scope="scope: congestion_index per segment",
            security="security: internal use only",
        ),
        term=grants.Term(chain_now(cast.operator.w3), chain_now(cast.operator.w3) + 180 * DAY),
        terms_uri="https://operator.example.com/licences/congestion-index",
    )
    signature_file = run / "licence.signed.json"
    grants.write_signed_grant(
        cast.operator, dev_account(OPERATOR), terms, valid_for=7 * DAY, path=signature_file
    )
    tell.fact(f"EIP-712 signature by the operator written to {signature_file}")
    grant_id, result = grants.submit_signed_grant_file(cast.logistics, signature_file)
    tell.wrote(f"the logistics company submitted it: licence grant {grant_id}", result)
    received = run / "received" / product_file.name
    received.parent.mkdir(exist_ok=True)
    shutil.copyfile(product_file, received)
    return grant_id, received


def buyer_checks(
    stack: Stack, cast: Cast, tell: Narrator, received: Path, product: bytes, block: int
) -> None:
    tell.step("The logistics company checks the file it received")
    facts = assets.verify_file(cast.logistics, received, product)
    tell.fact(
        f"[green]✓[/] on chain: {received.name} hashes to the registered content "
        f"0x{product.hex()[:16]}… (asset status {facts['status'].name.lower()})"
    )
    tell.fact(f"its provenance report, from the mirror once it has indexed block {block}:")
    report = mirror_report(stack, received, seller=cast.operator.account, block=block)
    tell.checklist(report)
    seller = report.seller
    if not report.bytes.matches or seller is None or not seller.active:
        reason = report.bytes.reason if not report.bytes.matches else seller and seller.reason
        raise CheckFailed(f"the provenance report of {received} does not clear it: {reason}")


def consequences(stack: Stack, cast: Cast, tell: Narrator, received: Path, block: int) -> str:
    """What the buyer's report says after the ruling; the product's derived status."""
    tell.step("The buyer's report after the ruling: the consequences downstream")
    report = mirror_report(stack, received, seller=cast.operator.account, block=block)
    asset, seller = report.asset, report.seller
    if asset is None or seller is None:
        raise CheckFailed(f"{received} is no longer found in the mirror")
    tell.fact(
        f"[red]✗[/] product {asset.registration_number}: {asset.derived_status} "
        f"(on chain: {asset.status})"
    )
    for edge in report.lineage.edges if report.lineage is not None else ():
        if edge.status_now != "effective":
            tell.fact(
                f"[red]✗[/] the {edge.auth_kind} {edge.auth_id} behind its derivation is now "
                f"{edge.status_now} (it was {edge.status_at_derivation} when used)"
            )
    for found in report.upheld_disputes:
        tell.fact(
            f"[red]✗[/] dispute {found.dispute_id} upheld against {found.subject_kind} "
            f"{found.subject} (block {found.latest.block}, tx {found.latest.tx_hash[:10]}…)"
        )
    tell.fact(f"{'[green]✓' if seller.active else '[red]✗'}[/] seller: {seller.reason}")
    if asset.derived_status == model.AssetStatus.ACTIVE.name.lower():
        raise CheckFailed("the upheld dispute left the product active in the mirror")
    return asset.derived_status


def dispute(cast: Cast, tell: Narrator, grant_id: int, product: bytes, licence_id: int) -> int:
    tell.step("A competitor disputes the operator's processing grant (争议)")
    raised = cast.competitor.raise_dispute(
        model.SubjectKind.GRANT,
        grant_id,
        parse_statement("claim: the grant was approved outside the published scope"),
    )
    dispute_id = int(raised.id)
    tell.wrote(f"dispute {dispute_id} raised; grant {grant_id} is frozen", raised.result)
    tell.wrote(
        "arbitrator assigned", cast.registrar.assign_arbitrator(dispute_id, cast.arbitrator.account)
    )
    ruled = cast.arbitrator.rule(
        dispute_id, True, parse_statement("decision: upheld, the grant is revoked")
    )
    tell.wrote(f"upheld: grant {grant_id} revoked", ruled)
    tell.step("The cascade carries the revocation downstream")
    for result in cast.competitor.run_cascade(max_steps=50):
        tell.wrote("cascade continued", result)
    status = cast.operator.asset_core(product).status
    tell.fact(
        f"product status: [red]{status.name.lower()}[/]; licence grant {licence_id} "
        f"effective: {cast.operator.is_grant_effective(licence_id)}"
    )
    return dispute_id


def anchor_logs(cast: Cast, tell: Narrator, run: Path, product: bytes) -> evidence.Batch:
    tell.step("The logistics company anchors its delivery logs as one Merkle batch")
    logs_dir = run / "logs"
    logs_dir.mkdir(exist_ok=True)
    paths = [
        write_text(
            logs_dir / f"delivery-log-{day}.csv",
            f"day,route,segments_used\n{day},R-{day},{7 + day}\n{run.name}\n",
        )
        for day in range(1, 5)
    ]
    batch = evidence.anchor_batch(
        cast.logistics,
        paths,
        model.EvidenceType.USAGE_LOG,
        subject=evidence.Subject(model.SubjectKind.ASSET, product),
        out_dir=run / "proofs",
    )
    tell.wrote(f"{len(paths)} logs under root 0x{batch.root.hex()[:16]}…", batch.result)
    checked = evidence.check_proof(cast.logistics, batch.proof_files[2])
    tell.fact(
        f"proof {batch.proof_files[2].name} checked on chain: document "
        f"{checked['index'] + 1} of {checked['count']} is in the anchored batch"
    )
    return batch


def run_scenario(state: CliState, tell: Narrator, stack: Stack) -> Created:
    """The whole story; returns what it created."""
    if state.w3.eth.chain_id != DEV_CHAIN_ID:
        raise InputError(
            f"the demo runs on the local development chain (chain id {DEV_CHAIN_ID}): it "
            "uses development accounts and moves block time"
        )
    deploy_step(state, tell)
    cast = Cast.of(state)
    set_up(cast, tell)
    seed = secrets.randbits(32)
    run = state.settings.data_dir / "demo" / f"run-{seed:08x}"
    run.mkdir(parents=True)
    raw = register_raw_data(state, cast, tell, run, seed)
    holding = certify_raw_data(state, cast, tell, raw)
    review(cast, tell, run, raw)
    grant_id = processing_grant(cast, tell, holding)
    traffic = run / f"traffic-{seed:08x}.csv"
    product, product_file, product_no = derive(state, cast, tell, run, raw, traffic, grant_id)
    product_holding, operating = certify_product(state, cast, tell, product)
    licence_id, received = licence(state, cast, tell, run, operating, product, product_file)
    buyer_checks(stack, cast, tell, received, product, _head(state))
    dispute_id = dispute(cast, tell, grant_id, product, licence_id)
    status = consequences(stack, cast, tell, received, _head(state))
    batch = anchor_logs(cast, tell, run, product)
    facts = {
        "run_dir": run,
        "traffic_data": {
            "asset": raw,
            "registration_number": assets.asset_facts(cast.bureau, raw)["registration_number"],
            "file": traffic,
        },
        "holding_certificate": holding,
        "processing_grant": grant_id,
        "congestion_index": {
            "asset": product,
            "registration_number": product_no,
            "file": product_file,
            "status_after_ruling": status,
        },
        "product_certificates": {"holding": product_holding, "operating": operating},
        "licence_grant": licence_id,
        "received_file": received,
        "seller": cast.operator.account,
        "dispute": dispute_id,
        "evidence_batch_root": batch.root,
    }
    commands = [
        f"datarights trace {product_no} --up",
        f"datarights verify {received} --seller {cast.operator.account}",
        f"datarights export credential {operating}",
        f"datarights export prov {product_no}",
        f"datarights disputes show {dispute_id}",
        f"datarights evidence verify-proof {batch.proof_files[0]}",
    ]
    return Created(facts, commands, last_block=_head(state))


def _head(state: CliState) -> int:
    return int(state.w3.eth.block_number)


def demo_links(stack: Stack, created: Created) -> dict[str, str]:
    """The service's URLs, and where to look at what the run created."""
    base = stack.api.url
    product = created.facts["congestion_index"]["registration_number"]
    urls = service_urls(stack)
    return {
        "api_docs": urls["api_docs"],
        "lineage": f"{base}/assets/{product}/lineage?direction=both",
        "history": f"{base}/assets/{product}/history",
        "verify": f"curl -F file=@{created.facts['received_file']} "
        f"'{base}/verify/upload?seller={created.facts['seller']}'",
        "explorer": urls["explorer"],
        "health": urls["health"],
    }


def print_summary(out: Output, created: Created, links: dict[str, str], *, serving: bool) -> None:
    if out.json_mode:
        summary = {**created.facts, "last_block": created.last_block, "urls": links}
        out.json({**summary, "next_commands": created.next_commands})
        return
    out.note("\n[bold]What the run created[/]")
    for name, value in created.facts.items():
        if isinstance(value, dict):
            inner = ", ".join(f"{k} {_short(v)}" for k, v in value.items())
            out.note(f"  {name.replace('_', ' ')}: {inner}")
        else:
            out.note(f"  {name.replace('_', ' ')}: {_short(value)}")
    out.note(f"\n[bold]Look at it[/] (indexed up to block {created.last_block})")
    for name, link in links.items():
        out.note(f"  {name.replace('_', ' '):<9} {link}")
    out.note("\n[bold]Try next[/]")
    for command in created.next_commands:
        out.note(f"  {command}")
    if serving:
        out.note("\nThe registry keeps running; press Ctrl-C to stop it (the chain state is kept).")


def _short(value: Any) -> str:
    if isinstance(value, bytes):
        return "0x" + value.hex()
    return str(value)


DEMO_HELP = command_help(
    "Run the registry (`datarights up`) and play the end-to-end demo on it.",
    "Starts what `datarights up` starts (the managed anvil with its state under the data "
    "directory, the contracts, the indexer following the chain, the API), then plays a city "
    "data bureau, a data operator, a logistics company, a reviewer, a registrar and an "
    "arbitrator through registration, notice, objection, grants, a derived product, an "
    "off-chain signed licence with the buyer's provenance report of the received file, a "
    "dispute upheld with its consequences downstream, and evidence anchors. Once the indexer "
    "has reached the last block it prints the URLs and commands to try, and keeps serving "
    "until Ctrl-C; with --exit it stops there. Every run creates new content, so it can run "
    "again on the same chain.",
    "datarights demo --exit",
)


def demo(
    ctx: typer.Context,
    host: Host = DEFAULT_HOST,
    port: Port = DEFAULT_PORT,
    exit_after: Annotated[
        bool, typer.Option("--exit", help="Stop everything once the demo is indexed and printed.")
    ] = False,
    json_output: JsonFlag = False,
) -> None:
    base = cli_state(ctx)
    out = base.output(json_output)
    configure_logging(base.settings.log_level)
    stack = Stack(base.settings, host=host, port=port)

    def play() -> None:
        state = CliState(settings=stack.settings, account=REGISTRAR)
        created = run_scenario(state, Narrator(out), stack)
        stack.wait_indexed(created.last_block)
        print_summary(out, created, demo_links(stack, created), serving=not exit_after)

    run_until_stopped(stack, on_ready=play, keep_serving=not exit_after)
