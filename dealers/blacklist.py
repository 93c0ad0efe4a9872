"""The blacklist's identity keys (黑名单), as pure functions: no ORM.

A firm vetoed for reputation is recognised again by its legal entity, its owner or its
phone, however they are typed: keys are normalised before they are stored or compared,
and an empty key never matches anything.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

LEGAL_ENTITY, OWNER, PHONE = "legal_entity", "owner", "phone"
KEY_NAMES = (LEGAL_ENTITY, OWNER, PHONE)

# Shorter digit strings are extensions or typos, not numbers that identify a firm.
MIN_PHONE_DIGITS = 7
_WHITESPACE = re.compile(r"\s+")
_NON_DIGITS = re.compile(r"\D")
# 0086 / 86 country prefix, kept only when a full national number follows it.
_COUNTRY_PREFIX = re.compile(r"^(?:00)?86(?=\d{9,}$)")


def normalise_name(value: str | None) -> str:
    """Legal entity or owner: full-width → half-width (NFKC), whitespace collapsed,
    stripped, case-folded. '' when nothing is left."""
    if not value:
        return ""
    text = unicodedata.normalize("NFKC", value)
    return _WHITESPACE.sub(" ", text).strip().casefold()


def normalise_phone(value: str | None) -> str:
    """Digits only (full-width digits too), without the +86 / 0086 / 86 country prefix or
    the domestic trunk 0, so '+86 0755-1234 5678', '0755 12345678' and '75512345678' are
    one number. '' for fewer than seven digits."""
    if not value:
        return ""
    digits = _NON_DIGITS.sub("", unicodedata.normalize("NFKC", value))
    digits = _COUNTRY_PREFIX.sub("", digits).lstrip("0")
    return digits if len(digits) >= MIN_PHONE_DIGITS else ""


@dataclass(frozen=True)
class Keys:
    """A firm's normalised identity keys ('' = unknown, never matches)."""

    legal_entity: str = ""
    owner: str = ""
    phone: str = ""

    @classmethod
    def of(cls, *, legal_entity: str | None, owner: str | None, phone: str | None) -> Keys:
        return cls(normalise_name(legal_entity), normalise_name(owner), normalise_phone(phone))

    def as_dict(self) -> dict[str, str]:
        return {LEGAL_ENTITY: self.legal_entity, OWNER: self.owner, PHONE: self.phone}

    def present(self) -> dict[str, str]:
        """The keys that can match (non-empty), by key name."""
        return {name: value for name, value in self.as_dict().items() if value}


def matched_keys(candidate: Keys, entry: Keys) -> list[str]:
    """Names of the keys two firms share, in the order of :data:`KEY_NAMES`."""
    mine, theirs = candidate.present(), entry.present()
    return [name for name in KEY_NAMES if name in mine and mine[name] == theirs.get(name)]
