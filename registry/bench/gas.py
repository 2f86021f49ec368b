"""Gas used by each registry operation, read from receipts in steady state.

Every operation is performed once as a warm-up before the measured call, so what is measured
is the typical case and not the first write to an empty counter, balance or list: the holder
already holds a certificate, the counters are nonzero, inputs already have children.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from web3 import Web3

from registry import model
from registry.bench import (
    HOLDER,
    METADATA_URI,
    TERMS_URI,
    YEAR,
    Parties,
    asset_record,
    block_time,
    certify_all,
    contract_artifacts,
    contracts_revision,
    deploy_parties,
    grant_terms,
    local_chain,
    notice_window,
    rpc,
    sha256,
    travel,
)
from registry.chain.client import WriteResult
from registry.chain.deploy import GRANT_DESK
from registry.chain.keys import dev_account
from registry.chain.signed_grants import sign_grant, typed_data
from registry.commitments import leaf_hash, merkle_root

REGISTER = "register one resource"
APPLY = "apply for a holding certificate"
ISSUE = "issue a holding certificate"
APPLY_ISSUE = "apply + issue a holding certificate"
OBJECTION = "file an objection"
RENEW = "renew a certificate"
GRANT = "grant from a certificate"
SIGNED_GRANT = "signed grant submitted by a relayer"
REQUEST = "grant request"
APPROVE = "approve a grant request"
REQUEST_APPROVE = "grant request + approve"
PRODUCT_INPUTS = (1, 2, 8)
ANCHOR = "one evidence anchor"
BATCH_SIZES = (1, 100, 10_000)
BULK_SIZES = (10, 100, 256)
TRANSFER = "transfer (transferCertificate)"
ERC721_TRANSFER = "transfer (ERC-721 transferFrom)"
DISPUTE_GRANT = "raise a dispute on a grant"
DISPUTE_CERTIFICATE = "raise a dispute on a holding certificate"
DISPUTE_ASSET = "raise a dispute on an asset"
ASSIGN = "assign an arbitrator"
DISMISS = "rule: dismiss"
UPHOLD = "rule: uphold (grant)"
CASCADE_ONE = "continueCascade, 1 step (whole tx)"
CASCADE_STEPS = 20
CASCADE_PER_STEP = f"continueCascade, per step ({CASCADE_STEPS} in one tx)"


def product_label(inputs: int) -> str:
    return f"product derived from {inputs} input{'s' if inputs > 1 else ''}"


def batch_label(documents: int) -> str:
    return f"Merkle batch anchor, {documents:,} document{'s' if documents > 1 else ''}"


def bulk_label(per_tx: int) -> str:
    return f"bulk registration per asset, {per_tx} per tx"


TARGETS: dict[str, int] = {
    APPLY_ISSUE: 130_000,
    GRANT: 90_000,
    SIGNED_GRANT: 100_000,
    product_label(2): 200_000,
    ANCHOR: 50_000,
    **{batch_label(n): 50_000 for n in BATCH_SIZES},
    bulk_label(100): 30_000,
    DISPUTE_GRANT: 120_000,
    DISPUTE_CERTIFICATE: 120_000,
    DISPUTE_ASSET: 120_000,
}


@dataclass(frozen=True)
class SlotWrites:
    """Storage slots a transaction changed: set from zero, changed, or cleared to zero."""

    new: int = 0
    changed: int = 0
    cleared: int = 0

    def __add__(self, other: SlotWrites) -> SlotWrites:
        return SlotWrites(
            self.new + other.new, self.changed + other.changed, self.cleared + other.cleared
        )

    def __str__(self) -> str:
        return f"{self.new}/{self.changed}/{self.cleared}"


def slot_writes(w3: Web3, result: WriteResult) -> SlotWrites:
    """Compare each slot the transaction touched before it (a prestate trace) and after it.

    Automine puts every measured transaction in a block of its own, so "after" is that block.
    """
    trace = rpc(w3, "debug_traceTransaction", [result.tx_hash, {"tracer": "prestateTracer"}])
    new = changed = cleared = 0
    for address, account in trace.items():
        for slot, before in account.get("storage", {}).items():
            after = rpc(w3, "eth_getStorageAt", [address, slot, hex(result.block_number)])
            old, now = int(before, 16), int(after, 16)
            if old == now:
                continue
            new += old == 0
            cleared += now == 0
            changed += old != 0 and now != 0
    return SlotWrites(new, changed, cleared)


@dataclass(frozen=True)
class Measurement:
    """Gas used by one operation, and its target if it has one."""

    operation: str
    gas: int
    target: int | None = None
    slots: SlotWrites | None = None  # storage written by the measured transaction(s)

    @property
    def ratio(self) -> float | None:
        return None if self.target is None else self.gas / self.target

    @property
    def verdict(self) -> str:
        if self.target is None:
            return ""
        return "meets" if self.gas <= self.target else "MISSES"


class GasBench:
    """Runs each operation on a deployed registry and keeps the gas of the measured call."""

    def __init__(self, parties: Parties) -> None:
        self.p = parties
        self.measured: dict[str, Measurement] = {}
        self._serial = itertools.count()
        self.certificate = 0  # the holder's issued certificate that grants rest on
        self.spare_certificate = 0  # another one, moved around by the transfers
        self.asset = b""  # the asset under `certificate`, the subject of evidence anchors

    def run(self) -> list[Measurement]:
        steps = (
            self.registration, self.certificates, self.grants, self.signed_grants,
            self.requests, self.products, self.evidence, self.bulk, self.transfers,
            self.disputes, self.ownership_disputes, self.cascade,
        )  # fmt: skip
        for step in steps:
            step()
        return list(self.measured.values())

    def keep(self, operation: str, *results: WriteResult, per: int = 1) -> None:
        """Record the gas of `results` together (divided by `per`) and the slots they wrote."""
        gas = round(sum(r.gas_used for r in results) / per)
        slots = sum((slot_writes(self.p.w3, r) for r in results), SlotWrites())
        self.measured[operation] = Measurement(operation, gas, TARGETS.get(operation), slots)

    def record(self) -> model.AssetRecord:
        return asset_record(f"gas bench {next(self._serial)}")

    def register(self) -> bytes:
        return bytes(self.p.holder.register_resource(self.record()).id)

    def registration(self) -> None:
        self.register()  # warm-up: the asset counter becomes nonzero
        self.keep(REGISTER, self.p.holder.register_resource(self.record()).result)

    def certificates(self) -> None:
        holder, admin, other = self.p.holder, self.p.admin, self.p.other
        spare, self.asset, objected_a, objected_b = (self.register() for _ in range(4))
        [self.spare_certificate] = certify_all(self.p, holder, [spare])  # warm-up
        applied = holder.apply_for_certificate(self.asset, model.Right.HOLDING)
        a, b = (
            holder.apply_for_certificate(x, model.Right.HOLDING).id
            for x in (objected_a, objected_b)
        )
        other.file_objection(a, sha256("objection a"))  # warm-up
        self.keep(OBJECTION, other.file_objection(b, sha256("objection b")).result)
        travel(self.p.w3, notice_window(self.p))
        issued = admin.issue_certificate(applied.id)
        self.certificate = int(applied.id)
        self.keep(APPLY, applied.result)
        self.keep(ISSUE, issued)
        self.keep(APPLY_ISSUE, applied.result, issued)
        for extra_years in (1, 2):  # warm-up, then measured
            until = admin.certificate(self.certificate).valid_until + extra_years * YEAR
            self.keep(RENEW, admin.renew_certificate(self.certificate, until, sha256("renewal")))

    def grant_terms(self) -> model.GrantTerms:
        now = block_time(self.p.w3)
        return grant_terms(self.p.processor.account, certificate_id=self.certificate, now=now)

    def grants(self) -> None:
        self.p.holder.grant(self.grant_terms())  # warm-up: the certificate already has dependents
        self.keep(GRANT, self.p.holder.grant(self.grant_terms()).result)

    def signed_grants(self) -> None:
        holder, relayer = self.p.holder, self.p.relayer
        for _ in range(2):  # warm-up (the grantor's nonce becomes nonzero), then measured
            terms = self.grant_terms()
            deadline = terms.valid_from + 3600
            message = typed_data(
                grantor=holder.account,
                terms=terms,
                nonce=holder.grant_nonce(holder.account),
                deadline=deadline,
                chain_id=self.p.w3.eth.chain_id,
                desk=holder.address_of(GRANT_DESK),
            )
            signature = sign_grant(dev_account(HOLDER), message)
            submitted = relayer.submit_signed_grant(holder.account, terms, deadline, signature)
            self.keep(SIGNED_GRANT, submitted.result)

    def requests(self) -> None:
        for _ in range(2):  # warm-up (the request counter becomes nonzero), then measured
            terms = self.grant_terms()
            request = self.p.processor.request_grant(request_terms(terms))
            approval = self.p.holder.approve_request(request.id, terms)
            self.keep(REQUEST, request.result)
            self.keep(APPROVE, approval.result)
            self.keep(REQUEST_APPROVE, request.result, approval.result)

    def products(self) -> None:
        holder, processor = self.p.holder, self.p.processor
        inputs = [self.register() for _ in range(max(PRODUCT_INPUTS))]
        now = block_time(self.p.w3)
        grants = [
            holder.grant(grant_terms(processor.account, certificate_id=c, now=now)).id
            for c in certify_all(self.p, holder, inputs)
        ]
        uses = [
            model.InputUse(asset, model.AuthKind.GRANT, g)
            for asset, g in zip(inputs, grants, strict=True)
        ]
        processor.register_product(self.record(), uses)  # warm-up: every input has a child
        for n in PRODUCT_INPUTS:
            product = processor.register_product(self.record(), uses[:n])
            self.keep(product_label(n), product.result)

    def evidence(self) -> None:
        holder, kind, asset = self.p.holder, model.EvidenceType.REGISTRATION_MATERIAL, self.asset
        holder.anchor(sha256("evidence warm-up"), kind, subject=asset, uri=METADATA_URI)
        anchored = holder.anchor(sha256("evidence"), kind, subject=asset, uri=METADATA_URI)
        self.keep(ANCHOR, anchored)
        holder.anchor_batch(batch_root(1, "warm-up"), 1, kind, subject=asset, uri=METADATA_URI)
        for n in BATCH_SIZES:
            root = batch_root(n, "measured")
            batch = holder.anchor_batch(root, n, kind, subject=asset, uri=METADATA_URI)
            self.keep(batch_label(n), batch)

    def bulk(self) -> None:
        for n in BULK_SIZES:
            [result] = self.p.holder.register_resources([self.record() for _ in range(n)], per_tx=n)
            self.keep(bulk_label(n), result, per=n)

    def transfers(self) -> None:
        holder, other = self.p.holder, self.p.other
        other_asset = bytes(other.register_resource(self.record()).id)
        certify_all(self.p, other, [other_asset])  # the recipient already holds a certificate
        cert, reason = self.spare_certificate, sha256("transfer agreement")
        holder.transfer_certificate(cert, other.account, reason)  # warm-up
        other.transfer_certificate(cert, holder.account, reason)
        self.keep(TRANSFER, holder.transfer_certificate(cert, other.account, reason))
        self.keep(ERC721_TRANSFER, other.erc721_transfer(cert, holder.account))

    def disputes(self) -> None:
        admin, arbitrator, other = self.p.admin, self.p.arbitrator, self.p.other
        grants = [self.p.holder.grant(self.grant_terms()).id for _ in range(4)]
        raised = [
            other.raise_dispute(model.SubjectKind.GRANT, g, sha256(f"claim {g}")) for g in grants
        ]
        ids = [d.id for d in raised]
        assigned = [admin.assign_arbitrator(d, arbitrator.account) for d in ids]
        ruled = [arbitrator.rule(d, i >= 2, sha256(f"decision {d}")) for i, d in enumerate(ids)]
        # Index 0 warms up dismissal, 2 upholding (the cascade queue is then nonzero).
        self.keep(DISPUTE_GRANT, raised[1].result)
        self.keep(ASSIGN, assigned[1])
        self.keep(DISMISS, ruled[1])
        self.keep(UPHOLD, ruled[3])
        admin.run_cascade()

    def ownership_disputes(self) -> None:
        other = self.p.other
        by_certificate, by_asset = self.register(), self.register()
        [certificate] = certify_all(self.p, self.p.holder, [by_certificate])
        on_certificate = other.raise_dispute(
            model.SubjectKind.CERTIFICATE, certificate, sha256("ownership claim, certificate")
        )
        on_asset = other.raise_dispute(model.SubjectKind.ASSET, by_asset, sha256("claim, asset"))
        self.keep(DISPUTE_CERTIFICATE, on_certificate.result)
        self.keep(DISPUTE_ASSET, on_asset.result)

    def cascade(self) -> None:
        holder, processor, admin = self.p.holder, self.p.processor, self.p.admin
        asset = self.register()
        [certificate] = certify_all(self.p, holder, [asset])
        now = block_time(self.p.w3)
        grant = holder.grant(grant_terms(processor.account, certificate_id=certificate, now=now)).id
        use = model.InputUse(asset, model.AuthKind.GRANT, grant)
        for _ in range(CASCADE_STEPS + 1):
            processor.register_product(self.record(), [use])
        dispute = self.p.other.raise_dispute(model.SubjectKind.GRANT, grant, sha256("claim")).id
        admin.assign_arbitrator(dispute, self.p.arbitrator.account)
        self.p.arbitrator.rule(dispute, True, sha256("decision"))
        self.keep(CASCADE_ONE, admin.continue_cascade(1))
        self.keep(CASCADE_PER_STEP, admin.continue_cascade(CASCADE_STEPS), per=CASCADE_STEPS)
        admin.run_cascade()


def request_terms(terms: model.GrantTerms) -> model.RequestTerms:
    """A grant request asking for exactly `terms`."""
    return model.RequestTerms(
        parent_kind=terms.parent_kind,
        parent_id=terms.parent_id,
        right=terms.right,
        purpose_hash=terms.purpose_hash,
        scenario_hash=terms.scenario_hash,
        scope_hash=terms.scope_hash,
        security_hash=terms.security_hash,
        valid_from=terms.valid_from,
        valid_until=terms.valid_until,
        details_uri=TERMS_URI,
    )


def batch_root(documents: int, label: str) -> bytes:
    """Merkle root (docs/MERKLE.md, document batches) over `documents` distinct documents."""
    return merkle_root([leaf_hash(sha256(f"{label} document {i}")) for i in range(documents)])


def measure_gas(parties: Parties) -> list[Measurement]:
    """Measure every operation on the registry that `parties` act on."""
    return GasBench(parties).run()


def format_table(measurements: list[Measurement]) -> str:
    """The measurements as a fixed-width table: operation, gas, target, ratio, verdict, slots."""
    width = max(len(m.operation) for m in measurements)
    header = (
        f"{'operation':<{width}}  {'gas':>9}  {'target':>9}  {'ratio':>6}  {'verdict':<7}"
        "  slots new/changed/cleared"
    )
    lines = [header, "-" * len(header)]
    for m in measurements:
        target = f"{m.target:,}" if m.target is not None else "-"
        ratio = f"{m.ratio:.2f}x" if m.ratio is not None else "-"
        slots = str(m.slots) if m.slots is not None else "-"
        lines.append(
            f"{m.operation:<{width}}  {m.gas:>9,}  {target:>9}  {ratio:>6}  {m.verdict:<7}  {slots}"
        )
    return "\n".join(lines)


def batch_spread(measurements: list[Measurement]) -> int:
    """How much the batch anchor's gas varies across batch sizes (it should be ~0)."""
    gas = [m.gas for m in measurements if m.operation in {batch_label(n) for n in BATCH_SIZES}]
    return max(gas) - min(gas)


def gas_report(*, hardfork: str = "cancun") -> str:
    """Start a private anvil, deploy the registry, measure, and return the printed report."""
    artifacts = contract_artifacts()
    with local_chain(hardfork=hardfork) as w3:
        client_version = str(w3.provider.make_request("web3_clientVersion", [])["result"])  # type: ignore[arg-type]
        measurements = measure_gas(deploy_parties(w3, artifacts))
    met = sum(m.verdict == "meets" for m in measurements)
    return "\n".join(
        [
            f"gas used per operation (receipts, steady state); {client_version}, "
            f"hardfork {hardfork}; contracts at {contracts_revision()}",
            "",
            format_table(measurements),
            "",
            f"targets met: {met} of {len(TARGETS)}; Merkle batch anchor gas varies by "
            f"{batch_spread(measurements)} across {', '.join(f'{n:,}' for n in BATCH_SIZES)} "
            "documents",
        ]
    )
