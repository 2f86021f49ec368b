"""Slither over contracts/src: every high or medium finding is explained in docs/SECURITY.md.

The accepted findings are backed here by a test of the behaviour the explanation relies on.
"""

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from registry import model
from registry.chain.contract_errors import DomainRestricted
from registry.config import Settings
from tests.integration.conftest import Actors
from tests.integration.scenario import record

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def _load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "slither_check", ROOT / "scripts/slither_check.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def slither_check() -> ModuleType:
    return _load_script()


@pytest.fixture(scope="module")
def findings(slither_check: ModuleType) -> list[object]:
    result: list[object] = slither_check.analyse(Settings())
    return result


def test_slither_everyHighOrMediumFindingIsExplained(
    slither_check: ModuleType, findings: list[object], capsys: pytest.CaptureFixture[str]
) -> None:
    allowlist = slither_check.load_allowlist(ROOT / "docs/SECURITY.md")
    assert slither_check.report(findings, allowlist) == 0
    summary = capsys.readouterr().out.splitlines()[-1]
    assert summary.endswith("0 unexplained, 0 stale allowlist entries")
    # Every finding is located in a function of the project's own contracts.
    assert all(f.location.count(".") == 1 for f in findings)  # type: ignore[attr-defined]


def test_slither_unlistedFindingFailsAndIsNamed(
    slither_check: ModuleType, findings: list[object], capsys: pytest.CaptureFixture[str]
) -> None:
    assert findings, "the contracts have accepted findings; an empty run means slither saw nothing"
    assert slither_check.report(findings, {}) == 1
    out = capsys.readouterr().out
    assert out.count("UNEXPLAINED") == len(findings)
    assert f"{len(findings)} unexplained" in out


def test_slither_staleAllowlistEntryFails(
    slither_check: ModuleType, findings: list[object], capsys: pytest.CaptureFixture[str]
) -> None:
    allowlist = slither_check.load_allowlist(ROOT / "docs/SECURITY.md")
    allowlist[("reentrancy-eth", "RightsRegistry.gone")] = "a function that no longer exists"
    assert slither_check.report(findings, allowlist) == 1
    assert "stale allowlist entry: reentrancy-eth at RightsRegistry.gone" in capsys.readouterr().out


def test_slither_failingDetectorsAreExactlyHighAndMedium(slither_check: ModuleType) -> None:
    detectors = slither_check.failing_detectors()
    impacts = {d.IMPACT.name for d in detectors}
    assert impacts == {"HIGH", "MEDIUM"}
    assert {"reentrancy-eth", "incorrect-equality", "uninitialized-local"} <= {
        d.ARGUMENT for d in detectors
    }


def test_registerResources_checksFirstRecordOfAllZeroClassification(actors: Actors) -> None:
    """Backs the accepted `uninitialized-local` finding: the batch's "nothing checked yet" zero
    never equals a real classification, so the first record is checked even when its grade,
    category and domain are all zero."""
    actors.admin.set_domain_restricted(0, True)
    before = actors.bureau.asset_count()
    first = record(category=model.Category.PUBLIC, grade=model.Grade.GENERAL, domain=0)
    assert (int(first.grade), int(first.category), first.domain) == (0, 0, 0)
    with pytest.raises(DomainRestricted) as err:
        actors.bureau.register_resources([first])
    assert err.value.args == {"domain": 0}
    assert actors.bureau.asset_count() == before
