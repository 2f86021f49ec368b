from datetime import UTC, datetime

import pytest

from registry.registration_numbers import parse_registration_number, registration_number


def test_registration_number_uses_china_standard_time_year() -> None:
    # 2026-12-31 17:00 UTC is already 2027-01-01 01:00 in Beijing.
    ts = int(datetime(2026, 12, 31, 17, 0, tzinfo=UTC).timestamp())
    assert (
        registration_number(chain_id=31337, registered_at=ts, sequence=42) == "DR-31337-2027-000042"
    )


def test_registration_number_roundtrip_and_wide_sequences() -> None:
    ts = int(datetime(2026, 6, 1, tzinfo=UTC).timestamp())
    number = registration_number(chain_id=1, registered_at=ts, sequence=1_234_567)
    assert number == "DR-1-2026-1234567"
    assert parse_registration_number(number) == (1, 2026, 1_234_567)


@pytest.mark.parametrize("bad", ["DR-31337-26-000001", "XX-1-2026-000001", "DR-1-2026-12", ""])
def test_parse_registration_number_rejects_malformed(bad: str) -> None:
    with pytest.raises(ValueError, match="not a registration number"):
        parse_registration_number(bad)
