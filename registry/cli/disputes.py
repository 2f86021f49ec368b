"""`datarights disputes`: raise, assign, add evidence, rule, and carry rulings downstream."""

from __future__ import annotations

from typing import Annotated

import typer

from registry.cli.common import (
    JsonFlag,
    cli_state,
    command_help,
    parse_address,
    parse_int_id,
    parse_statement,
    parse_subject,
)

app = typer.Typer(
    help="Disputes (争议): raise, assign an arbitrator, evidence, ruling, cascade.",
    no_args_is_help=True,
)

DisputeArg = Annotated[str, typer.Argument(help="The dispute id.")]


@app.command(
    "raise",
    **command_help(
        "Raise a dispute against an asset, certificate or grant; the subject is frozen.",
        "While the dispute is open the subject cannot be transferred, granted from, renewed "
        "or used as an input. A dispute about an asset or a holding certificate also blocks "
        "new certificate applications on that asset.",
        "datarights disputes raise --subject grant:2 --evidence @complaint.pdf",
    ),
)
def raise_(
    ctx: typer.Context,
    subject: Annotated[str, typer.Option(help="asset:0xHASH, certificate:ID or grant:ID.")],
    evidence: Annotated[str, typer.Option(help="Evidence: @FILE, text or a 0x hash.")],
    json_output: JsonFlag = False,
) -> None:
    state = cli_state(ctx)
    kind, ident = parse_subject(subject)
    created = state.client.raise_dispute(kind, ident, parse_statement(evidence, "evidence"))
    state.output(json_output).write(
        "dispute raised; subject frozen", created.result, dispute=int(created.id), subject=subject
    )


@app.command(
    "assign",
    **command_help(
        "Assign an arbitrator to a dispute (registrar only).",
        "The arbitrator must hold the arbitrator role; only they can rule on it.",
        "datarights disputes assign 1 0x3C44...93BC",
    ),
)
def assign(
    ctx: typer.Context,
    dispute: DisputeArg,
    arbitrator: Annotated[str, typer.Argument(help="The arbitrator's address.")],
    json_output: JsonFlag = False,
) -> None:
    state = cli_state(ctx)
    dispute_id = parse_int_id(dispute, "dispute id")
    account = parse_address(arbitrator)
    result = state.client.assign_arbitrator(dispute_id, account)
    state.output(json_output).write(
        "arbitrator assigned", result, dispute=dispute_id, arbitrator=account
    )


@app.command(
    "evidence",
    **command_help(
        "Submit evidence to an open dispute.",
        "The evidence is recorded by its hash with the submitter.",
        "datarights disputes evidence 1 --evidence @usage-logs.zip",
    ),
)
def evidence(
    ctx: typer.Context,
    dispute: DisputeArg,
    evidence_: Annotated[str, typer.Option("--evidence", help="@FILE, text or a 0x hash.")],
    json_output: JsonFlag = False,
) -> None:
    state = cli_state(ctx)
    dispute_id = parse_int_id(dispute, "dispute id")
    result = state.client.submit_dispute_evidence(
        dispute_id, parse_statement(evidence_, "evidence")
    )
    state.output(json_output).write("evidence submitted", result, dispute=dispute_id)


@app.command(
    "rule",
    **command_help(
        "Rule on a dispute (its assigned arbitrator): --uphold revokes, --dismiss unfreezes.",
        "An upheld ruling revokes the subject at once; products made under it are flagged "
        "by the cascade (`disputes cascade`). The reasoned decision is recorded by its hash.",
        "datarights disputes rule 1 --uphold --decision @decision.pdf",
    ),
)
def rule(
    ctx: typer.Context,
    dispute: DisputeArg,
    decision: Annotated[str, typer.Option(help="Decision: @FILE, text or a 0x hash.")],
    uphold: Annotated[
        bool, typer.Option("--uphold/--dismiss", help="Uphold (revoke) or dismiss.")
    ] = False,
    json_output: JsonFlag = False,
) -> None:
    state = cli_state(ctx)
    dispute_id = parse_int_id(dispute, "dispute id")
    result = state.client.rule(dispute_id, uphold, parse_statement(decision, "decision"))
    pending = state.client.cascade_pending()
    state.output(json_output).write(
        f"dispute {'upheld' if uphold else 'dismissed'}",
        result,
        dispute=dispute_id,
        cascade_pending=pending,
    )


@app.command(
    "cascade",
    **command_help(
        "Carry revocations downstream until the cascade queue is empty (anyone).",
        "Each transaction handles at most --max-steps lineage or dependency edges, so no call "
        "is unbounded; the command repeats until nothing is pending.",
        "datarights disputes cascade --max-steps 100",
    ),
)
def cascade(
    ctx: typer.Context,
    max_steps: Annotated[int, typer.Option(min=1, help="Edges per transaction.")] = 100,
    max_txs: Annotated[int, typer.Option(min=1, help="Stop after this many transactions.")] = 1000,
    json_output: JsonFlag = False,
) -> None:
    state = cli_state(ctx)
    results = state.client.run_cascade(max_steps=max_steps, max_calls=max_txs)
    remaining = state.client.cascade_pending()
    out = state.output(json_output)
    if out.json_mode:
        out.json(
            {
                "action": "cascade continued",
                "transactions": [r.as_json() for r in results],
                "remaining": remaining,
            }
        )
        return
    out.note(f"[bold green]✓[/] cascade: {len(results)} transaction(s), {remaining} pending")
    for r in results:
        out.note(f"  block {r.block_number}  tx {r.tx_hash}  gas {r.gas_used}")


@app.command(
    "show",
    **command_help(
        "Show a dispute: claimant, subject, status, arbitrator.",
        "Reads the dispute record.",
        "datarights disputes show 1",
    ),
)
def show(ctx: typer.Context, dispute: DisputeArg, json_output: JsonFlag = False) -> None:
    state = cli_state(ctx)
    dispute_id = parse_int_id(dispute, "dispute id")
    record = state.client.dispute(dispute_id)
    state.output(json_output).record(
        f"dispute {dispute_id}", {"dispute": dispute_id, **vars(record)}
    )
