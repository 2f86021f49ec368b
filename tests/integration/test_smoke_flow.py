"""The main path end to end: register, certify, grant, derive, dispute, cascade."""

from registry import model
from tests.integration.conftest import Actors
from tests.integration.scenario import YEAR, certify, h, now, record, terms


def test_main_path(actors: Actors) -> None:
    bureau, operator, admin = actors.bureau, actors.operator, actors.admin
    raw = record(category=model.Category.PUBLIC, grade=model.Grade.IMPORTANT)
    asset = bureau.register_resource(raw).id
    assert asset == raw.content_hash
    holding = certify(bureau, admin, asset, model.Right.HOLDING)
    assert bureau.certificate(holding).status == model.CertificateStatus.ACTIVE
    t0 = now(bureau.w3)
    g = bureau.grant(
        terms(operator.account, parent_id=holding, valid_from=t0, valid_until=t0 + YEAR)
    ).id
    product_record = record(category=model.Category.ENTERPRISE)
    product = operator.register_product(
        product_record, [model.InputUse(asset, model.AuthKind.GRANT, g)]
    ).id
    assert bureau.children(asset) == [product]
    dispute = actors.other.raise_dispute(model.SubjectKind.GRANT, g, h("evidence")).id
    admin.assign_arbitrator(dispute, actors.arbitrator.account)
    actors.arbitrator.rule(dispute, True, h("decision"))
    assert not bureau.is_grant_effective(g)
    admin.run_cascade()
    assert bureau.asset_core(product).status == model.AssetStatus.TAINTED


def test_signed_grant_digest_matches_contract(actors: Actors) -> None:
    from registry.chain.deploy import GRANT_DESK
    from registry.chain.keys import dev_account
    from registry.chain.signed_grants import digest, sign_grant, typed_data

    bureau, operator, admin = actors.bureau, actors.operator, actors.admin
    asset = bureau.register_resource(record()).id
    holding = certify(bureau, admin, asset, model.Right.HOLDING)
    t0 = now(bureau.w3)
    t = terms(operator.account, parent_id=holding, valid_from=t0, valid_until=t0 + YEAR)
    msg = typed_data(
        grantor=bureau.account,
        terms=t,
        nonce=0,
        deadline=t0 + 3600,
        chain_id=bureau.w3.eth.chain_id,
        desk=bureau.address_of(GRANT_DESK),
    )
    assert digest(msg) == bureau.signed_grant_digest(bureau.account, t, 0, t0 + 3600)
    sig = sign_grant(dev_account(3), msg)
    g = operator.submit_signed_grant(bureau.account, t, t0 + 3600, sig).id
    assert bureau.grant_record(g).grantee == operator.account
