"""Hypothesis profiles for the tests that drive a real chain: `ci` (the default) and `soak`.

Select one with `DATARIGHTS_HYPOTHESIS_PROFILE=soak` (`make soak`); the soak profile runs ten
times as many examples, and `scaled` multiplies the other tests' fault counts the same way.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, Phase, settings

PROFILE_VARIABLE = "DATARIGHTS_HYPOTHESIS_PROFILE"
SOAK_FACTOR = 10
_CI_EXAMPLES = 20

_COMMON = dict(
    deadline=None,  # chain calls take as long as the shared machine lets them
    database=None,  # nothing written into the checkout; a failure prints its reproduction blob
    print_blob=True,
    stateful_step_count=40,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
# CI: the same examples every run, and a failure is reported as found (shrinking a sequence
# of chain calls can take longer than the test's time limit); soak: fresh examples, shrunk.
settings.register_profile(
    "ci",
    max_examples=_CI_EXAMPLES,
    derandomize=True,
    phases=(Phase.explicit, Phase.reuse, Phase.generate),
    **_COMMON,  # type: ignore[arg-type]
)
settings.register_profile(
    "soak",
    max_examples=SOAK_FACTOR * _CI_EXAMPLES,
    derandomize=False,
    **_COMMON,  # type: ignore[arg-type]
)


def profile_name() -> str:
    name = os.environ.get(PROFILE_VARIABLE, "ci")
    if name not in ("ci", "soak"):
        raise ValueError(f"{PROFILE_VARIABLE}={name!r}: choose ci or soak")
    return name


def chain_settings() -> settings:
    """The selected profile's settings."""
    return settings.get_profile(profile_name())


def scaled(ci_count: int) -> int:
    """`ci_count` under the ci profile, ten times as many under soak."""
    return ci_count * (SOAK_FACTOR if profile_name() == "soak" else 1)
