"""JavaScript semantics that browserslist's results depend on: number parsing, comparison,
regular expressions, dates. Each helper is named after the JS it stands for."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

_SPACES = (
    "\t\n\v\f\r \u00a0\u1680"
    + "".join(chr(code) for code in range(0x2000, 0x200B))
    + "\u2028\u2029\u202f\u205f\u3000\ufeff"
)
_SPACE = f"[{_SPACES}]"
_INT = re.compile(f"{_SPACE}*([+-]?[0-9]+)")
_FLOAT = re.compile(
    f"{_SPACE}*([+-]?(?:Infinity|[0-9]+(?:\\.[0-9]*)?(?:[eE][+-]?[0-9]+)?"
    "|\\.[0-9]+(?:[eE][+-]?[0-9]+)?))"
)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def regex(pattern: str) -> re.Pattern[str]:
    """A JS `/pattern/i`: \\s is JS's set of spaces, \\w and \\d are ASCII, `$` is the very end."""
    pattern = pattern.replace(r"\S", f"[^{_SPACES}]").replace(r"\s", _SPACE)
    if pattern.endswith("$"):
        pattern = pattern[:-1] + r"\Z"
    return re.compile(pattern, re.IGNORECASE | re.ASCII)


def is_space(char: str) -> bool:
    return char in _SPACES


def trim(text: str) -> str:
    return text.strip(_SPACES)


def parse_int(text: str) -> float:
    match = _INT.match(text)
    return float(int(match.group(1))) if match else math.nan


def parse_float(text: str) -> float:
    match = _FLOAT.match(text)
    return float(match.group(1).replace("Infinity", "inf")) if match else math.nan


def compare(a: Any, b: Any) -> int:
    # NaN (a version such as "TP" or "all") compares equal to everything, as in JS.
    if a < b:
        return -1
    if a > b:
        return 1
    return 0


def _part(parts: Sequence[str], index: int) -> float:
    return parse_int(parts[index] if index < len(parts) and parts[index] else "0")


def compare_semver(a: Sequence[str], b: Sequence[str]) -> int:
    return (
        compare(parse_int(a[0]), parse_int(b[0]))
        or compare(_part(a, 1), _part(b, 1))
        or compare(_part(a, 2), _part(b, 2))
    )


def uniq(items: Iterable[Any]) -> list[Any]:
    seen: list[Any] = []
    for item in items:
        # JS indexOf never finds NaN, so every NaN is kept.
        if (isinstance(item, float) and math.isnan(item)) or item not in seen:
            seen.append(item)
    return seen


def date_utc_ms(year: int, month: int, day: int) -> float:
    """JS `Date.UTC(year, month, day)`: month is 0-based and may overflow, years 0-99 are 19xx."""
    if 0 <= year <= 99:
        year += 1900
    return utc_ms(year, month, day)


def utc_ms(year: int, month: int, day: int) -> float:
    """Milliseconds since 1970 at midnight UTC of a proleptic Gregorian date (month 0-based)."""
    year += month // 12
    month %= 12
    # Days from 1970-01-01 to the first of the month (proleptic Gregorian), then add the day.
    y = year - (1 if month < 2 else 0)
    era = y // 400
    yoe = y - era * 400
    mp = (month + 10) % 12
    doy = (153 * mp + 2) // 5
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    days = era * 146097 + doe - 719468 + day - 1
    ms = days * 86_400_000
    return float(ms) if abs(ms) <= 8.64e15 else math.nan


def to_ms(moment: datetime) -> int:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return (moment - _EPOCH) // timedelta(milliseconds=1)


def add_months_ms(ms: float, months: int) -> float:
    """`d = new Date(ms); d.setMonth(d.getMonth() + months)` in UTC: the day of the month is kept
    and overflows into the next month (31 August + 30 months is 3 March)."""
    if math.isnan(ms):
        return ms
    moment = _EPOCH + timedelta(milliseconds=ms)
    total = moment.year * 12 + moment.month - 1 + months
    midnight = utc_ms(total // 12, total % 12, moment.day)
    since_midnight = (moment - moment.replace(hour=0, minute=0, second=0, microsecond=0)) // (
        timedelta(milliseconds=1)
    )
    return midnight + since_midnight


_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_LATEST_YEAR = 275759


def parse_iso_date_ms(text: str) -> float:
    """`new Date("YYYY-MM-DD").getTime()`: UTC midnight. V8 checks only that the day is 1-31;
    30 February rolls over into March. NaN for a month outside 1-12."""
    match = _ISO_DATE.fullmatch(text)
    if match is None:
        return math.nan
    year, month, day = (int(group) for group in match.groups())
    if not 1 <= month <= 12 or not 1 <= day <= 31:
        return math.nan
    return utc_ms(year, month - 1, day)


def year_end_ms(year: str) -> float:
    """`new Date(`${year}-12-31`).getTime()` for a string of digits, as V8 parses it: four digits
    are an ISO date; other lengths go through V8's legacy parser, where one digit is a month
    ("5-12-31" is 12 May 2031), two digits a year of 1950-2049, and more digits the year itself."""
    if len(year) == 4:
        return utc_ms(int(year), 11, 31)
    number = int(year)
    if len(year) == 1:
        return utc_ms(2000, 11, 31) if number == 0 else utc_ms(2031, number - 1, 12)
    if number < 100:
        return utc_ms(2000 + number if number < 50 else 1900 + number, 11, 31)
    return utc_ms(number, 11, 31) if number <= _LATEST_YEAR else math.nan


_ARRAY_INDEX = re.compile(r"0|[1-9][0-9]*")


def key_order(keys: Iterable[str]) -> list[str]:
    """The order JS iterates an object's keys: array indexes ascending, then insertion order."""
    keys = list(keys)
    indexes = [k for k in keys if _ARRAY_INDEX.fullmatch(k) and int(k) < 2**32 - 1]
    chosen = set(indexes)
    return sorted(indexes, key=int) + [k for k in keys if k not in chosen]
