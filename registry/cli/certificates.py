"""`datarights certificates`: the registration certificate lifecycle (登记证书)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

import typer

from registry import model
from registry.chain.client import RegistryClient
from registry.cli.common import (
    InputError,
    JsonFlag,
    chain_now,
    cli_state,
    command_help,
    parse_address,
    parse_asset_id,
    parse_duration,
    parse_enum,
    parse_int_id,
    parse_statement,
    parse_time,
)

app = typer.Typer(
    help="Registration certificates: apply, object, issue, renew, transfer, cancel.",
    no_args_is_help=True,
)

CertArg = Annotated[str, typer.Argument(help="The certificate id.")]
Reason = Annotated[str, typer.Option(help="Reason: text, @FILE or a 0x hash (hashed).")]


def certificate_facts(client: RegistryClient, certificate_id: int) -> dict[str, Any]:
    """A certificate's record with its holder and whether it is effective now."""
    cert = client.certificate(certificate_id)
    return {
        "certificate": certificate_id,
        "holder": client.holder_of(certificate_id),
        **vars(cert),
        "notice_ends": _date(cert.notice_ends_at),
        "valid_until_date": _date(cert.valid_until),
        "effective": client.is_certificate_effective(certificate_id),
    }


def _date(timestamp: int) -> str | None:
    if not timestamp:
        return None
    return datetime.fromtimestamp(timestamp, UTC).isoformat(timespec="seconds")


def _until(client: RegistryClient, until: str | None, term: str | None) -> int:
    if (until is None) == (term is None):
        raise InputError("give exactly one of --until (a date) or --term (a duration)")
    if until is not None:
        return parse_time(until)
    assert term is not None
    return chain_now(client.w3) + parse_duration(term)


@app.command(
    "apply",
    **command_help(
        "Apply for a certificate of a right over an asset; the notice window starts.",
        "The holding right is applied for by the asset's registrant; processing and operating "
        "rights in your own name or, with --basis-grant, resting on a grant made to you "
        "(licence registration). Anyone may object until the notice window ends.",
        "datarights certificates apply 0xab12... --right holding",
    ),
)
def apply(
    ctx: typer.Context,
    asset: Annotated[str, typer.Argument(help="The asset id (0x content SHA-256).")],
    right: Annotated[str, typer.Option(help="holding, processing or operating.")] = "holding",
    basis_grant: Annotated[
        int, typer.Option(min=0, help="The grant this right rests on (0: none).")
    ] = 0,
    json_output: JsonFlag = False,
) -> None:
    state = cli_state(ctx)
    asset_id = parse_asset_id(asset)
    right_kind = parse_enum(model.Right, right)
    created = state.client.apply_for_certificate(asset_id, right_kind, basis_grant)
    notice_ends = int(created.result.event("CertificateApplied")["certificate"].notice_ends_at)
    state.output(json_output).write(
        "certificate applied for; public notice started",
        created.result,
        certificate=int(created.id),
        asset=asset_id,
        right=right_kind,
        notice_ends=_date(notice_ends),
    )


@app.command(
    "object",
    **command_help(
        "File an objection (异议) against a certificate in its notice window.",
        "The evidence is recorded by its hash; an open objection blocks issuance until a "
        "registrar resolves it.",
        "datarights certificates object 3 --evidence @objection.pdf",
    ),
)
def object_(
    ctx: typer.Context,
    certificate: CertArg,
    evidence: Annotated[str, typer.Option(help="Evidence: @FILE, text or a 0x hash.")],
    json_output: JsonFlag = False,
) -> None:
    state = cli_state(ctx)
    cert_id = parse_int_id(certificate, "certificate id")
    created = state.client.file_objection(cert_id, parse_statement(evidence, "evidence"))
    state.output(json_output).write(
        "objection filed", created.result, objection=int(created.id), certificate=cert_id
    )


@app.command(
    "resolve-objection",
    **command_help(
        "Resolve an objection (registrar only): --upheld rejects the application.",
        "A dismissed objection lets the application proceed; an upheld one rejects it and "
        "counts against the applicant's credit record.",
        'datarights certificates resolve-objection 1 --dismissed --reason "evidence unrelated"',
    ),
)
def resolve_objection(
    ctx: typer.Context,
    objection: Annotated[str, typer.Argument(help="The objection id.")],
    reason: Reason,
    upheld: Annotated[
        bool, typer.Option("--upheld/--dismissed", help="Uphold or dismiss the objection.")
    ] = False,
    json_output: JsonFlag = False,
) -> None:
    state = cli_state(ctx)
    objection_id = parse_int_id(objection, "objection id")
    result = state.client.resolve_objection(objection_id, upheld, parse_statement(reason, "reason"))
    state.output(json_output).write(
        f"objection {'upheld' if upheld else 'dismissed'}",
        result,
        objection=objection_id,
        certificate=int(result.event("ObjectionResolved")["certificateId"]),
    )


@app.command(
    "issue",
    **command_help(
        "Issue a certificate after its notice window (registrar only).",
        "Refused while the window is open or an objection is open. The term defaults to the "
        "policy's (three years); a right resting on a grant never outlives the grant.",
        "datarights certificates issue 3 --term 3y",
    ),
)
def issue(
    ctx: typer.Context,
    certificate: CertArg,
    term: Annotated[str, typer.Option(help="Term: 3y, 365d (0: the policy default).")] = "0",
    json_output: JsonFlag = False,
) -> None:
    state = cli_state(ctx)
    cert_id = parse_int_id(certificate, "certificate id")
    result = state.client.issue_certificate(cert_id, parse_duration(term))
    cert = state.client.certificate(cert_id)
    state.output(json_output).write(
        "certificate issued",
        result,
        certificate=cert_id,
        holder=state.client.holder_of(cert_id),
        valid_until=_date(cert.valid_until),
    )


@app.command(
    "reject",
    **command_help(
        "Reject an application in notice (registrar only).",
        "Ends the application; the reason is recorded by its hash.",
        'datarights certificates reject 3 --reason "materials incomplete"',
    ),
)
def reject(
    ctx: typer.Context, certificate: CertArg, reason: Reason, json_output: JsonFlag = False
) -> None:
    state = cli_state(ctx)
    cert_id = parse_int_id(certificate, "certificate id")
    result = state.client.reject_application(cert_id, parse_statement(reason, "reason"))
    state.output(json_output).write("application rejected", result, certificate=cert_id)


Until = Annotated[str | None, typer.Option(help="New end of term: ISO date or unix time.")]
Term = Annotated[str | None, typer.Option(help="New term from now: 3y, 365d.")]


@app.command(
    "renew",
    **command_help(
        "Renew (续展) an active certificate to a later end of term (registrar only).",
        "Give the new end as --until DATE or as --term from now.",
        'datarights certificates renew 3 --term 3y --reason "renewal application 2029-01"',
    ),
)
def renew(
    ctx: typer.Context,
    certificate: CertArg,
    reason: Reason,
    until: Until = None,
    term: Term = None,
    json_output: JsonFlag = False,
) -> None:
    state = cli_state(ctx)
    cert_id = parse_int_id(certificate, "certificate id")
    valid_until = _until(state.client, until, term)
    result = state.client.renew_certificate(cert_id, valid_until, parse_statement(reason, "reason"))
    state.output(json_output).write(
        "certificate renewed", result, certificate=cert_id, valid_until=_date(valid_until)
    )


@app.command(
    "correct",
    **command_help(
        "Correct (更正) a certificate's end of term (registrar only).",
        "Records a correction of the term with the reason's hash.",
        'datarights certificates correct 3 --until 2028-12-31 --reason "term misrecorded"',
    ),
)
def correct(
    ctx: typer.Context,
    certificate: CertArg,
    reason: Reason,
    until: Until = None,
    term: Term = None,
    json_output: JsonFlag = False,
) -> None:
    state = cli_state(ctx)
    cert_id = parse_int_id(certificate, "certificate id")
    valid_until = _until(state.client, until, term)
    result = state.client.correct_certificate(
        cert_id, valid_until, parse_statement(reason, "reason")
    )
    state.output(json_output).write(
        "certificate corrected", result, certificate=cert_id, valid_until=_date(valid_until)
    )


@app.command(
    "cancel",
    **command_help(
        "Cancel (注销) a certificate: its holder or a registrar.",
        "Everything resting on the certificate stops being effective at once.",
        'datarights certificates cancel 3 --reason "dataset withdrawn"',
    ),
)
def cancel(
    ctx: typer.Context, certificate: CertArg, reason: Reason, json_output: JsonFlag = False
) -> None:
    state = cli_state(ctx)
    cert_id = parse_int_id(certificate, "certificate id")
    result = state.client.cancel_certificate(cert_id, parse_statement(reason, "reason"))
    state.output(json_output).write("certificate cancelled", result, certificate=cert_id)


@app.command(
    "transfer",
    **command_help(
        "Transfer (转移) a certificate to another admitted party (its holder only).",
        "The certificate must be active, in term, not frozen and held in your own name; the "
        "transfer agreement is recorded by its hash.",
        "datarights certificates transfer 3 0x9965...A4dc --reason @agreement.pdf",
    ),
)
def transfer(
    ctx: typer.Context,
    certificate: CertArg,
    to: Annotated[str, typer.Argument(help="The recipient's address.")],
    reason: Reason,
    json_output: JsonFlag = False,
) -> None:
    state = cli_state(ctx)
    cert_id = parse_int_id(certificate, "certificate id")
    recipient = parse_address(to)
    result = state.client.transfer_certificate(
        cert_id, recipient, parse_statement(reason, "reason")
    )
    state.output(json_output).write(
        "certificate transferred", result, certificate=cert_id, to=recipient
    )


@app.command(
    "show",
    **command_help(
        "Show a certificate: asset, right, holder, status, term and objections.",
        "Reads the certificate record and whether it is effective now.",
        "datarights certificates show 3 --json",
    ),
)
def show(ctx: typer.Context, certificate: CertArg, json_output: JsonFlag = False) -> None:
    state = cli_state(ctx)
    cert_id = parse_int_id(certificate, "certificate id")
    state.output(json_output).record(
        f"certificate {cert_id}", certificate_facts(state.client, cert_id)
    )
