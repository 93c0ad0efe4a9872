"""Pure planning rules: splitting a figure into whole parts and the target key.

No ORM here; the selectors and services feed plain values in and take plain values out.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal

from .choices import MONTHS, Measure

#: A target's sync key: ``{year}-{month:02}-{measure}-{territory code}[-{dealer code}]``.
#: Territory codes are digits and measures have no hyphen, so the dealer code (which may
#: contain hyphens) is whatever follows the territory code.
KEY_PATTERN = (
    r"20[0-9]{2}-(?:0[1-9]|1[0-2])-(?:sell_in_value|standard_units|collections)"
    r"-[0-9]{1,12}(?:-[A-Za-z0-9_.\-]{1,64})?"
)
_KEY = re.compile(
    r"(?P<year>20[0-9]{2})-(?P<month>0[1-9]|1[0-2])-(?P<measure>[a-z_]+)"
    r"-(?P<territory>[0-9]{1,12})(?:-(?P<dealer>[A-Za-z0-9_.\-]{1,64}))?"
)


@dataclass(frozen=True)
class TargetKey:
    year: int
    month: int
    measure: str
    territory_code: str
    dealer_code: str | None = None

    def __str__(self) -> str:
        key = f"{self.year}-{self.month:02d}-{self.measure}-{self.territory_code}"
        return f"{key}-{self.dealer_code}" if self.dealer_code else key


def parse_key(key: str) -> TargetKey | None:
    """The parts of a target key, or None when it is not one."""
    match = _KEY.fullmatch(key)
    if match is None or match["measure"] not in Measure.values:
        return None
    return TargetKey(
        year=int(match["year"]),
        month=int(match["month"]),
        measure=match["measure"],
        territory_code=match["territory"],
        dealer_code=match["dealer"],
    )


def split_by_shares[K: Hashable](total: Decimal, shares: Mapping[K, Decimal]) -> dict[K, Decimal]:
    """Spread a whole ``total`` over the keys of ``shares`` in proportion, in whole units.

    Largest-remainder (Hamilton) method: every part is first rounded down, then the units
    left over go one each to the parts with the largest remainders (ties to the earlier
    key), so the parts sum to exactly ``total``. All shares zero → an equal split.
    A fractional total is rounded down to whole units first (targets are whole yuan and
    whole standard units). Negative totals or shares are refused.
    """
    if total < 0:
        raise ValueError("The total to split cannot be negative.")
    if any(share < 0 for share in shares.values()):
        raise ValueError("Shares cannot be negative.")
    if not shares:
        return {}
    whole = total.to_integral_value(rounding=ROUND_FLOOR)
    keys = list(shares)
    weights = [Decimal(shares[key]) for key in keys]
    weight_sum = sum(weights, Decimal(0))
    if weight_sum == 0:
        weights = [Decimal(1)] * len(keys)
        weight_sum = Decimal(len(keys))
    exact = [whole * weight / weight_sum for weight in weights]
    floors = [value.to_integral_value(rounding=ROUND_FLOOR) for value in exact]
    left = int(whole - sum(floors, Decimal(0)))
    order = sorted(range(len(keys)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in order[:left]:
        floors[i] += 1
    return {key: Decimal(int(part)) for key, part in zip(keys, floors, strict=True)}


def split_by_seasonality(total: Decimal, seasonality: Mapping[int, Decimal]) -> dict[int, Decimal]:
    """Spread an annual figure over the 12 months by a monthly pattern (months without a
    weight count as zero; no pattern at all → equal months)."""
    return split_by_shares(total, {month: seasonality.get(month, Decimal(0)) for month in MONTHS})


def needs_reason(*, total: Decimal, hq_figure: Decimal | None) -> bool:
    """A grid whose total differs from HQ's regional figure needs a written reason."""
    return hq_figure is not None and total != hq_figure
