"""`datarights grants`: grants (授权) made directly, signed off chain (EIP-712), or requested."""

from __future__ import annotations

import json
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Annotated, Any

import typer
from eth_account.signers.local import LocalAccount

from registry import model
from registry.chain.client import RegistryClient
from registry.chain.deploy import GRANT_DESK
from registry.chain.signed_grants import sign_grant, typed_data
from registry.cli.common import (
    InputError,
    JsonFlag,
    chain_now,
    cli_state,
    command_help,
    existing_file,
    find_events,
    id_topic,
    parse_address,
    parse_auth,
    parse_duration,
    parse_enum,
    parse_hash,
    parse_int_id,
    parse_statement,
    parse_time,
    to_jsonable,
)

app = typer.Typer(
    help="Grants: create, sign off chain and submit, revoke, request and answer requests.",
    no_args_is_help=True,
)

SIGNED_GRANT_FORMAT = "datarights-signed-grant/1"


@dataclass(frozen=True)
class Term:
    """When a grant starts and ends (block time)."""

    valid_from: int
    valid_until: int


@dataclass(frozen=True)
class Statements:
    """Hashes of the purpose, scenario, scope and security-measure documents."""

    purpose: bytes
    scenario: bytes
    scope: bytes
    security: bytes


def resolve_term(
    client: RegistryClient, *, starts: str | None, term: str | None, until: str | None
) -> Term:
    """The grant term from --starts (default: now) and one of --term or --until."""
    valid_from = parse_time(starts) if starts else chain_now(client.w3)
    if (term is None) == (until is None):
        raise InputError("give exactly one of --term (a duration) or --until (a date)")
    valid_until = valid_from + parse_duration(term) if term else parse_time(str(until))
    if valid_until <= valid_from:
        raise InputError("the grant must end after it starts")
    return Term(valid_from, valid_until)


def statements(*, purpose: str, scenario: str, scope: str, security: str) -> Statements:
    return Statements(
        purpose=parse_statement(purpose, "purpose"),
        scenario=parse_statement(scenario, "scenario"),
        scope=parse_statement(scope, "scope"),
        security=parse_statement(security, "security"),
    )


def build_terms(
    *,
    parent: tuple[model.AuthKind, int],
    grantee: str,
    right: model.Right,
    texts: Statements,
    term: Term,
    end_of_term: model.EndOfTerm = model.EndOfTerm.DELETE,
    sub_grantable: bool = False,
    revocable: bool = True,
    terms_uri: str = "",
) -> model.GrantTerms:
    """Grant terms as the contracts take them."""
    return model.GrantTerms(
        parent_kind=parent[0],
        parent_id=parent[1],
        grantee=grantee,
        right=right,
        purpose_hash=texts.purpose,
        scenario_hash=texts.scenario,
        scope_hash=texts.scope,
        security_hash=texts.security,
        valid_from=term.valid_from,
        valid_until=term.valid_until,
        end_of_term=end_of_term,
        sub_grantable=sub_grantable,
        revocable=revocable,
        terms_uri=terms_uri,
    )


def grant_facts(client: RegistryClient, grant_id: int) -> dict[str, Any]:
    """A grant's record, its asset and grantor, and whether it is effective now."""
    record = client.grant_record(grant_id)
    return {
        "grant": grant_id,
        "asset": client.grant_asset(grant_id),
        "grantor": client.grantor_of(grant_id),
        **vars(record),
        "effective": client.is_grant_effective(grant_id),
    }


# ---------------------------------------------------------------- signed grants (EIP-712)


def write_signed_grant(
    client: RegistryClient,
    signer: LocalAccount,
    terms: model.GrantTerms,
    *,
    valid_for: int,
    path: Path,
) -> dict[str, Any]:
    """Sign `terms` as the grantor and write typed data and signature to `path`.

    The submission is tried first as a call (nothing sent): terms the registry would refuse
    now raise its error and no file is written.
    """
    nonce = client.grant_nonce(signer.address)
    deadline = chain_now(client.w3) + valid_for
    message = typed_data(
        grantor=signer.address,
        terms=terms,
        nonce=nonce,
        deadline=deadline,
        chain_id=client.sender.chain_id,
        desk=client.address_of(GRANT_DESK),
    )
    signature = sign_grant(signer, message)
    client.read(
        GRANT_DESK, "submitSignedGrant", signer.address, terms.to_abi(), deadline, signature
    )
    document = {
        "format": SIGNED_GRANT_FORMAT,
        "grantor": signer.address,
        "terms": to_jsonable(terms),
        "nonce": nonce,
        "deadline": deadline,
        "chain_id": client.sender.chain_id,
        "grant_desk": client.address_of(GRANT_DESK),
        "typed_data": to_jsonable(message),
        "signature": "0x" + signature.hex(),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    return document


def read_signed_grant(
    client: RegistryClient, path: Path
) -> tuple[str, model.GrantTerms, int, bytes]:
    """(grantor, terms, deadline, signature) from a signature file, checked against the chain."""
    try:
        document = json.loads(existing_file(path, "signature file").read_text(encoding="utf-8"))
        if document.get("format") != SIGNED_GRANT_FORMAT:
            raise InputError(f"{path} is not a signed grant ({SIGNED_GRANT_FORMAT})")
        grantor = parse_address(str(document["grantor"]))
        terms = _terms_from_json(document["terms"])
        deadline, chain_id = int(document["deadline"]), int(document["chain_id"])
        desk = parse_address(str(document["grant_desk"]))
        signature = bytes.fromhex(str(document["signature"]).removeprefix("0x"))
    except (json.JSONDecodeError, KeyError, TypeError, ValueError, AttributeError) as exc:
        raise InputError(f"{path} is not a readable signed grant: {exc}") from None
    if chain_id != client.sender.chain_id or desk != client.address_of(GRANT_DESK):
        raise InputError(
            f"{path} was signed for chain {chain_id} and grant desk {desk}, not this registry "
            f"(chain {client.sender.chain_id}, desk {client.address_of(GRANT_DESK)})"
        )
    return grantor, terms, deadline, signature


def _terms_from_json(values: dict[str, Any]) -> model.GrantTerms:
    parsed: dict[str, Any] = {}
    enums = {"parent_kind": model.AuthKind, "right": model.Right, "end_of_term": model.EndOfTerm}
    for f in fields(model.GrantTerms):
        value = values[f.name]
        if f.name in enums:
            parsed[f.name] = parse_enum(enums[f.name], str(value))
        elif f.name.endswith("_hash"):
            parsed[f.name] = parse_hash(str(value), f.name)
        elif f.name == "grantee":
            parsed[f.name] = parse_address(str(value))
        else:
            parsed[f.name] = value
    return model.GrantTerms(**parsed)


def submit_signed_grant_file(client: RegistryClient, path: Path) -> tuple[int, Any]:
    """Submit a signature file; returns the new grant id and the write result."""
    grantor, terms, deadline, signature = read_signed_grant(client, path)
    created = client.submit_signed_grant(grantor, terms, deadline, signature)
    return int(created.id), created.result


# ---------------------------------------------------------------- requests


def request_terms(client: RegistryClient, request_id: int) -> model.RequestTerms:
    """The terms a request was filed with (from its `RequestFiled` event)."""
    events = find_events(client, GRANT_DESK, "RequestFiled", id_topic(request_id))
    if not events:
        raise InputError(f"request {request_id} does not exist")
    terms = events[0].args["terms"]
    assert isinstance(terms, model.RequestTerms)
    return terms


def approve_request(
    client: RegistryClient,
    request_id: int,
    *,
    security: bytes | None = None,
    valid_until: int | None = None,
    end_of_term: model.EndOfTerm = model.EndOfTerm.DELETE,
    sub_grantable: bool = False,
    revocable: bool = True,
    terms_uri: str | None = None,
) -> tuple[int, Any]:
    """Grant what request `request_id` asked for, optionally narrower; returns the grant id."""
    asked = request_terms(client, request_id)
    applicant = client.grant_request(request_id).applicant
    terms = model.GrantTerms(
        parent_kind=asked.parent_kind,
        parent_id=asked.parent_id,
        grantee=applicant,
        right=asked.right,
        purpose_hash=asked.purpose_hash,
        scenario_hash=asked.scenario_hash,
        scope_hash=asked.scope_hash,
        security_hash=security or asked.security_hash,
        valid_from=asked.valid_from,
        valid_until=valid_until or asked.valid_until,
        end_of_term=end_of_term,
        sub_grantable=sub_grantable,
        revocable=revocable,
        terms_uri=asked.details_uri if terms_uri is None else terms_uri,
    )
    created = client.approve_request(request_id, terms)
    return int(created.id), created.result


# ---------------------------------------------------------------- command options

From = Annotated[str, typer.Option("--from", help="The parent right: certificate:ID or grant:ID.")]
Right = Annotated[str, typer.Option(help="processing or operating.")]
Purpose = Annotated[str, typer.Option(help="Purpose (用途): text, @FILE or a 0x hash.")]
Scenario = Annotated[str, typer.Option(help="Scenario (应用场景): text, @FILE or a 0x hash.")]
Scope = Annotated[str, typer.Option(help="Scope, the data-item list: text, @FILE or a 0x hash.")]
Security = Annotated[str, typer.Option(help="Security measures: text, @FILE or a 0x hash.")]
Starts = Annotated[str | None, typer.Option(help="Start: ISO date or unix time (default now).")]
TermOpt = Annotated[str | None, typer.Option("--term", help="Length: 1y, 180d.")]
Until = Annotated[str | None, typer.Option(help="End: ISO date or unix time.")]
EndOfTerm = Annotated[str, typer.Option(help="At the end: delete, return or archive.")]
SubGrantable = Annotated[bool, typer.Option("--sub-grantable", help="May be sub-granted.")]
Irrevocable = Annotated[bool, typer.Option("--irrevocable", help="The grantor cannot revoke.")]
TermsUri = Annotated[str, typer.Option(help="Where the human-readable (ODRL) terms are.")]
GrantArg = Annotated[str, typer.Argument(help="The grant id.")]
RequestArg = Annotated[str, typer.Argument(help="The request id.")]
Reason = Annotated[str, typer.Option(help="Reason: text, @FILE or a 0x hash (hashed).")]


@dataclass(frozen=True)
class TermsOptions:
    """The grant-terms options shared by `create` and `sign`, parsed."""

    parent: str
    grantee: str
    right: str
    purpose: str
    scenario: str
    scope: str
    security: str
    starts: str | None
    term: str | None
    until: str | None
    end_of_term: str
    sub_grantable: bool
    irrevocable: bool
    terms_uri: str

    def build(self, client: RegistryClient) -> model.GrantTerms:
        return build_terms(
            parent=parse_auth(self.parent),
            grantee=parse_address(self.grantee),
            right=parse_enum(model.Right, self.right),
            texts=statements(
                purpose=self.purpose,
                scenario=self.scenario,
                scope=self.scope,
                security=self.security,
            ),
            term=resolve_term(client, starts=self.starts, term=self.term, until=self.until),
            end_of_term=parse_enum(model.EndOfTerm, self.end_of_term),
            sub_grantable=self.sub_grantable,
            revocable=not self.irrevocable,
            terms_uri=self.terms_uri,
        )


@app.command(
    "create",
    **command_help(
        "Grant a right to another party from your certificate or grant.",
        "The grant never exceeds your own right: same or narrower right, inside your term, "
        "sub-granting only where allowed. Purpose, scenario, scope and security measures are "
        "recorded by their hashes.",
        "datarights grants create --from certificate:1 --to 0x15d3...6A65 --right processing "
        '--purpose "congestion analysis" --scenario "city logistics" --scope @items.txt '
        '--security "in-domain compute" --term 1y',
    ),
)
def create(
    ctx: typer.Context,
    parent: From,
    to: Annotated[str, typer.Option("--to", help="The grantee's address.")],
    purpose: Purpose,
    scenario: Scenario,
    scope: Scope,
    security: Security,
    right: Right = "processing",
    starts: Starts = None,
    term: TermOpt = None,
    until: Until = None,
    end_of_term: EndOfTerm = "delete",
    sub_grantable: SubGrantable = False,
    irrevocable: Irrevocable = False,
    terms_uri: TermsUri = "",
    json_output: JsonFlag = False,
) -> None:
    state = cli_state(ctx)
    options = TermsOptions(
        parent, to, right, purpose, scenario, scope, security, starts, term, until,
        end_of_term, sub_grantable, irrevocable, terms_uri,
    )  # fmt: skip
    terms = options.build(state.client)
    created = state.client.grant(terms)
    state.output(json_output).write(
        "grant issued", created.result, grant=int(created.id), grantee=terms.grantee,
        right=terms.right, valid_until=terms.valid_until,
    )  # fmt: skip


@app.command(
    "sign",
    **command_help(
        "Sign grant terms off chain (EIP-712) and write them to a file for anyone to submit.",
        "You sign as the grantor with your nonce and a deadline; the file holds the typed data "
        "and the signature. Give it to the grantee, who submits it with `grants submit`. Terms "
        "the registry would refuse now (you do not hold the right, ...) write no file.",
        "datarights grants sign --from certificate:5 --to 0x9965...A4dc --purpose ... "
        "--scenario ... --scope ... --security ... --term 180d --out licence.json",
    ),
)
def sign(
    ctx: typer.Context,
    parent: From,
    to: Annotated[str, typer.Option("--to", help="The grantee's address.")],
    purpose: Purpose,
    scenario: Scenario,
    scope: Scope,
    security: Security,
    out: Annotated[Path, typer.Option("--out", help="Where to write the signed grant (JSON).")],
    right: Right = "processing",
    starts: Starts = None,
    term: TermOpt = None,
    until: Until = None,
    end_of_term: EndOfTerm = "delete",
    sub_grantable: SubGrantable = False,
    irrevocable: Irrevocable = False,
    terms_uri: TermsUri = "",
    deadline: Annotated[str, typer.Option(help="How long the signature can be submitted.")] = "7d",
    json_output: JsonFlag = False,
) -> None:
    state = cli_state(ctx)
    options = TermsOptions(
        parent, to, right, purpose, scenario, scope, security, starts, term, until,
        end_of_term, sub_grantable, irrevocable, terms_uri,
    )  # fmt: skip
    terms = options.build(state.client)
    document = write_signed_grant(
        state.client, state.signer(), terms, valid_for=parse_duration(deadline), path=out
    )
    facts = {k: document[k] for k in ("grantor", "nonce", "deadline", "signature")}
    state.output(json_output).record(f"signed grant written to {out}", {"file": out, **facts})


@app.command(
    "submit",
    **command_help(
        "Submit a signed grant file (anyone may submit it, once).",
        "The grant desk checks the grantor's signature, nonce, deadline, chain and contract, "
        "then issues the grant exactly as signed.",
        "datarights grants submit licence.json",
    ),
)
def submit(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="The file written by `grants sign`.")],
    json_output: JsonFlag = False,
) -> None:
    state = cli_state(ctx)
    grant_id, result = submit_signed_grant_file(state.client, file)
    state.output(json_output).write("signed grant submitted", result, grant=grant_id)


@app.command(
    "revoke",
    **command_help(
        "Revoke a revocable grant (its grantor only).",
        "Everything resting on the grant (sub-grants, certificates) stops being effective.",
        'datarights grants revoke 2 --reason "terms breached"',
    ),
)
def revoke(
    ctx: typer.Context, grant: GrantArg, reason: Reason, json_output: JsonFlag = False
) -> None:
    state = cli_state(ctx)
    grant_id = parse_int_id(grant, "grant id")
    result = state.client.revoke_grant(grant_id, parse_statement(reason, "reason"))
    state.output(json_output).write("grant revoked", result, grant=grant_id)


@app.command(
    "request",
    **command_help(
        "Ask the holder of a right for a grant (申请), e.g. over conditional-open public data.",
        "Files the purpose, scenario, scope, security measures and term; the holder approves "
        "(possibly narrower) or refuses with reasons.",
        "datarights grants request --from certificate:1 --right processing "
        '--purpose "congestion index" --scenario "logistics" --scope @items.txt '
        '--security "in-domain compute" --term 1y',
    ),
)
def request(
    ctx: typer.Context,
    parent: From,
    purpose: Purpose,
    scenario: Scenario,
    scope: Scope,
    security: Security,
    right: Right = "processing",
    starts: Starts = None,
    term: TermOpt = None,
    until: Until = None,
    details_uri: Annotated[str, typer.Option(help="Where the full application is.")] = "",
    json_output: JsonFlag = False,
) -> None:
    state = cli_state(ctx)
    texts = statements(purpose=purpose, scenario=scenario, scope=scope, security=security)
    span = resolve_term(state.client, starts=starts, term=term, until=until)
    kind, parent_id = parse_auth(parent)
    terms = model.RequestTerms(
        parent_kind=kind, parent_id=parent_id, right=parse_enum(model.Right, right),
        purpose_hash=texts.purpose, scenario_hash=texts.scenario, scope_hash=texts.scope,
        security_hash=texts.security, valid_from=span.valid_from, valid_until=span.valid_until,
        details_uri=details_uri,
    )  # fmt: skip
    created = state.client.request_grant(terms)
    state.output(json_output).write("grant requested", created.result, request=int(created.id))


@app.command(
    "approve",
    **command_help(
        "Approve a grant request (the holder of the requested right).",
        "Grants what was asked; --until, --security and the end-of-term options may narrow it "
        "(purpose and scenario stay as asked).",
        "datarights grants approve 1 --until 2027-06-30",
    ),
)
def approve(
    ctx: typer.Context,
    request_id: RequestArg,
    until: Until = None,
    security: Annotated[str | None, typer.Option(help="Stricter security measures.")] = None,
    end_of_term: EndOfTerm = "delete",
    sub_grantable: SubGrantable = False,
    irrevocable: Irrevocable = False,
    terms_uri: Annotated[str | None, typer.Option(help="Terms URI (default: as asked).")] = None,
    json_output: JsonFlag = False,
) -> None:
    state = cli_state(ctx)
    rid = parse_int_id(request_id, "request id")
    grant_id, result = approve_request(
        state.client, rid,
        security=parse_statement(security, "security") if security else None,
        valid_until=parse_time(until) if until else None,
        end_of_term=parse_enum(model.EndOfTerm, end_of_term),
        sub_grantable=sub_grantable, revocable=not irrevocable, terms_uri=terms_uri,
    )  # fmt: skip
    state.output(json_output).write("request approved", result, request=rid, grant=grant_id)


@app.command(
    "refuse",
    **command_help(
        "Refuse a grant request with a statement of reasons (the holder).",
        "The reasons are recorded by their hash.",
        "datarights grants refuse 1 --reason @reasons.pdf",
    ),
)
def refuse(
    ctx: typer.Context, request_id: RequestArg, reason: Reason, json_output: JsonFlag = False
) -> None:
    state = cli_state(ctx)
    rid = parse_int_id(request_id, "request id")
    result = state.client.refuse_request(rid, parse_statement(reason, "reason"))
    state.output(json_output).write("request refused", result, request=rid)


@app.command(
    "withdraw",
    **command_help(
        "Withdraw your own pending grant request.",
        "Only the applicant can withdraw, and only while the request is pending.",
        "datarights grants withdraw 1",
    ),
)
def withdraw(ctx: typer.Context, request_id: RequestArg, json_output: JsonFlag = False) -> None:
    state = cli_state(ctx)
    rid = parse_int_id(request_id, "request id")
    result = state.client.withdraw_request(rid)
    state.output(json_output).write("request withdrawn", result, request=rid)


@app.command(
    "show",
    **command_help(
        "Show a grant: grantee, right, parent, term, status and whether it is effective.",
        "Effective means the grant and every parent up to the certificate are active and in "
        "term, on an active asset.",
        "datarights grants show 2",
    ),
)
def show(ctx: typer.Context, grant: GrantArg, json_output: JsonFlag = False) -> None:
    state = cli_state(ctx)
    grant_id = parse_int_id(grant, "grant id")
    state.output(json_output).record(f"grant {grant_id}", grant_facts(state.client, grant_id))
