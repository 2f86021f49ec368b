"""`datarights parties`: admit and suspend parties, roles, policy and the negative list."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated

import typer

from registry import model
from registry.chain.client import ROLES
from registry.cli.common import (
    InputError,
    JsonFlag,
    cli_state,
    command_help,
    parse_address,
    parse_duration,
    parse_enum,
    parse_statement,
)

app = typer.Typer(
    help="Parties (admission, suspension), roles, the policy and the negative list.",
    no_args_is_help=True,
)
roles_app = typer.Typer(help="Grant and revoke roles (admin only).", no_args_is_help=True)
policy_app = typer.Typer(help="Show and change the registry policy.", no_args_is_help=True)
app.add_typer(roles_app, name="roles")
app.add_typer(policy_app, name="policy")

Reason = Annotated[
    str, typer.Option("--reason", help="Reason: text, @FILE or a 0x hash (only its hash is kept).")
]


@app.command(
    "admit",
    **command_help(
        "Admit a party to the registry (registrar only).",
        "Records the account with its kind and an identity commitment: the SHA-256 of an "
        "identity document or code (for example the unified social credit code), never the "
        "identity itself.",
        "datarights parties admit 0x90F7...b906 --kind enterprise --identity 91500000MA5U000001",
    ),
)
def admit(
    ctx: typer.Context,
    address: Annotated[str, typer.Argument(help="The party's account address.")],
    identity: Annotated[
        str, typer.Option("--identity", help="Identity: text, @FILE or a 0x hash (hashed).")
    ],
    kind: Annotated[
        str, typer.Option("--kind", help="government, enterprise or individual.")
    ] = "enterprise",
    json_output: JsonFlag = False,
) -> None:
    state = cli_state(ctx)
    account = parse_address(address)
    party_kind = parse_enum(model.PartyKind, kind)
    commitment = parse_statement(identity, "identity")
    result = state.client.admit_party(account, party_kind, commitment)
    state.output(json_output).write(
        "party admitted", result, account=account, kind=party_kind, identity_commitment=commitment
    )


@app.command(
    "suspend",
    **command_help(
        "Suspend a party (registrar only).",
        "A suspended party can no longer register, apply, grant or object until reinstated.",
        'datarights parties suspend 0x90F7...b906 --reason "licence withdrawn"',
    ),
)
def suspend(
    ctx: typer.Context,
    address: Annotated[str, typer.Argument(help="The party's account address.")],
    reason: Reason,
    json_output: JsonFlag = False,
) -> None:
    state = cli_state(ctx)
    account = parse_address(address)
    result = state.client.suspend_party(account, parse_statement(reason, "reason"))
    state.output(json_output).write("party suspended", result, account=account)


@app.command(
    "reinstate",
    **command_help(
        "Reinstate a suspended party (registrar only).",
        "Lifts a suspension; the reason is recorded by its hash.",
        'datarights parties reinstate 0x90F7...b906 --reason "licence restored"',
    ),
)
def reinstate(
    ctx: typer.Context,
    address: Annotated[str, typer.Argument(help="The party's account address.")],
    reason: Reason,
    json_output: JsonFlag = False,
) -> None:
    state = cli_state(ctx)
    account = parse_address(address)
    result = state.client.reinstate_party(account, parse_statement(reason, "reason"))
    state.output(json_output).write("party reinstated", result, account=account)


@app.command(
    "show",
    **command_help(
        "Show a party: kind, admission, suspension, credit record and roles.",
        "Reads the party record from the governance contract.",
        "datarights parties show 0x90F7...b906",
    ),
)
def show(
    ctx: typer.Context,
    address: Annotated[str, typer.Argument(help="The party's account address.")],
    json_output: JsonFlag = False,
) -> None:
    state = cli_state(ctx)
    account = parse_address(address)
    client = state.client
    party = client.party(account)
    roles = [role for role in ROLES if client.has_role(role, account)]
    state.output(json_output).record(
        f"party {account}", {"account": account, **vars(party), "roles": roles}
    )


def parse_role(name: str) -> str:
    role = name.strip().lower()
    if role not in ROLES:
        raise InputError(f"unknown role {name!r}; choose one of: {', '.join(ROLES)}")
    return role


RoleArg = Annotated[str, typer.Argument(help="admin, registrar, reviewer or arbitrator.")]
AddressArg = Annotated[str, typer.Argument(help="The account address.")]


@roles_app.command(
    "grant",
    **command_help(
        "Grant a role to an account (admin only).",
        "Roles: registrar (admits parties, issues certificates, assigns arbitrators), reviewer "
        "(anchors review reports), arbitrator (rules on disputes), admin.",
        "datarights parties roles grant arbitrator 0x3C44...93BC",
    ),
)
def grant_role(
    ctx: typer.Context, role: RoleArg, address: AddressArg, json_output: JsonFlag = False
) -> None:
    state = cli_state(ctx)
    name, account = parse_role(role), parse_address(address)
    result = state.client.grant_role(name, account)
    state.output(json_output).write("role granted", result, role=name, account=account)


@roles_app.command(
    "revoke",
    **command_help(
        "Revoke a role from an account (admin only).",
        "The account keeps its party admission; only the role goes.",
        "datarights parties roles revoke arbitrator 0x3C44...93BC",
    ),
)
def revoke_role(
    ctx: typer.Context, role: RoleArg, address: AddressArg, json_output: JsonFlag = False
) -> None:
    state = cli_state(ctx)
    name, account = parse_role(role), parse_address(address)
    result = state.client.revoke_role(name, account)
    state.output(json_output).write("role revoked", result, role=name, account=account)


@policy_app.command(
    "show",
    **command_help(
        "Show the policy: notice window, default term, public-data grant limit, grant depth.",
        "Durations are in seconds of block time.",
        "datarights parties policy show --json",
    ),
)
def policy_show(ctx: typer.Context, json_output: JsonFlag = False) -> None:
    state = cli_state(ctx)
    state.output(json_output).record("policy", vars(state.client.policy()))


Duration = Annotated[str | None, typer.Option(help="Duration: 3600, 10d, 3y.")]


@policy_app.command(
    "set",
    **command_help(
        "Change the policy (admin only); fields not given keep their value.",
        "Sets the notice window, the default certificate term, the maximum term of a grant "
        "over public data and the maximum sub-grant depth.",
        "datarights parties policy set --notice-window 10d --max-public-grant-term 5y",
    ),
)
def policy_set(
    ctx: typer.Context,
    notice_window: Duration = None,
    default_term: Duration = None,
    max_public_grant_term: Duration = None,
    max_grant_depth: Annotated[int | None, typer.Option(min=0, help="Sub-grant levels.")] = None,
    json_output: JsonFlag = False,
) -> None:
    state = cli_state(ctx)
    durations = {
        "notice_window": notice_window,
        "default_term": default_term,
        "max_public_data_grant_term": max_public_grant_term,
    }
    given: dict[str, int] = {k: parse_duration(v) for k, v in durations.items() if v is not None}
    if max_grant_depth is not None:
        given["max_grant_depth"] = max_grant_depth
    if not given:
        raise InputError("policy set needs at least one of the options (see --help)")
    policy = replace(state.client.policy(), **given)
    result = state.client.set_policy(policy)
    state.output(json_output).write("policy changed", result, **vars(policy))


@app.command(
    "negative-list",
    **command_help(
        "Put domains or categories on the negative list (负面清单), or lift them (admin only).",
        "Assets in a listed domain or category can no longer be registered for trading.",
        "datarights parties negative-list --domain 54 --category personal",
    ),
)
def negative_list(
    ctx: typer.Context,
    domain: Annotated[list[int] | None, typer.Option(help="Domain code (repeatable).")] = None,
    category: Annotated[
        list[str] | None, typer.Option(help="public, enterprise or personal (repeatable).")
    ] = None,
    lift: Annotated[bool, typer.Option("--lift", help="Remove from the list instead.")] = False,
    json_output: JsonFlag = False,
) -> None:
    state = cli_state(ctx)
    categories = [parse_enum(model.Category, c) for c in category or []]
    if not domain and not categories:
        raise InputError("name at least one --domain or --category")
    out = state.output(json_output)
    verb = "lifted from" if lift else "put on"
    for code in domain or []:
        result = state.client.set_domain_restricted(code, not lift)
        out.write(f"domain {verb} the negative list", result, domain=code)
    for cat in categories:
        result = state.client.set_category_restricted(cat, not lift)
        out.write(f"category {verb} the negative list", result, category=cat)
