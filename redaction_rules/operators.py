"""What happens to the value of a field a contract allows.

Each operator is a pure function of the value (and, for ages, the arrest
date), so that a re-run with the same inputs publishes the same feed. An
operator that cannot make sense of a value returns None: the value is
withheld, never passed through unchanged.
"""
import hashlib
import hmac
import re
from datetime import date, datetime

AGE_BANDS = ((0, 17, "under 18"), (18, 24, "18-24"), (25, 34, "25-34"), (35, 44, "35-44"),
             (45, 54, "45-54"), (55, 64, "55-64"), (65, 200, "65+"))

_HOUSE_NUMBER = re.compile(r"^\s*(\d+)(?:-\d+)?[A-Za-z]?\s+(?P<street>\S.*)$")
_BLOCK = re.compile(r"^\s*(\d+)\s+block\s+(?:of\s+)?(?P<street>\S.*)$", re.I)


def pseudonymize(value, key: bytes) -> str | None:
    """Keyed HMAC-SHA256 of the normalized value.

    Normalized (case and spacing folded) so that `JUAN HERNANDEZ` and
    `Juan Hernandez` are one pseudonym within a feed; keyed per recipient so
    that two agencies' feeds cannot be joined on it.
    """
    if value is None:
        return None
    text = " ".join(str(value).split()).casefold()
    return hmac.new(key, text.encode("utf-8"), hashlib.sha256).hexdigest()[:32]


def _parse_date(value) -> date | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.strip()).date()
    except ValueError:
        return None


def generalize_date(value, to: str) -> str | None:
    d = _parse_date(value)
    if d is None:
        return None
    return f"{d.year:04d}-{d.month:02d}" if to == "month" else f"{d.year:04d}"


def age_at(dob, on) -> int | None:
    born, day = _parse_date(dob), _parse_date(on)
    if born is None or day is None or born > day:
        return None
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def generalize_dob(value, to: str, arrest_datetime) -> str | int | None:
    """Age at arrest, not at run time: the feed must not change with the day it runs."""
    age = age_at(value, arrest_datetime)
    if age is None:
        return None
    if to == "age":
        return age
    if to == "year":
        return generalize_date(value, "year")
    return next(label for low, high, label in AGE_BANDS if low <= age <= high)


def zip3(value) -> str | None:
    digits = re.sub(r"\D", "", str(value or ""))
    return digits[:3] + "XX" if len(digits) in (5, 9) else None


def hundred_block(value) -> str | None:
    """`1234 N 5th St` becomes `1200 block of N 5th St`; anything else is withheld."""
    if not isinstance(value, str):
        return None
    m = _BLOCK.match(value) or _HOUSE_NUMBER.match(value)
    if not m:
        return None
    street = m.group("street").split(",")[0].strip()
    street = re.sub(r"\s+(apt|unit|fl|floor|#|ste|suite)\b.*$", "", street, flags=re.I)
    block = int(m.group(1)) // 100 * 100
    of = "BLOCK OF" if value.isupper() else "block of"
    return f"{block} {of} {street}"


def mask(value, keep_last: int, char: str = "*") -> str | None:
    if value is None:
        return None
    text = str(value)
    kept = text[-keep_last:] if keep_last else ""
    return char * (len(text) - len(kept)) + kept
