"""Recognise publication dates in article text and metadata.

Datelines are matched by fast patterns: English month names and abbreviations, the month
names of German, French, Spanish, Italian, Portuguese, Dutch and Russian (genitive, as in
"17 января 2020"), day-first forms with the day's dot or "de" ("17. Januar 2020",
"17 de enero de 2020", "1er janvier 2020"), ISO dates, and the Chinese, Japanese and Korean
numeric form ("2020年1月17日", "2020년 1월 17일").

A line the patterns miss but that looks like a date (short, a year and a separate day
number among few words: "17 Ιανουαρίου 2020") is given to dateparser, a maintained
multilingual parser, with the article's language as a hint.  dateparser costs 30-180 ms
a call, so only such lines reach it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
#: Month names of other languages (lower case; the genitive where the dateline uses it).
_FOREIGN_MONTHS = {
    "de": "januar februar märz april mai juni juli august september oktober november dezember",
    "fr": "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
    "es": "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre "
    "diciembre",
    "it": "gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre "
    "novembre dicembre",
    "pt": "janeiro fevereiro março abril maio junho julho agosto setembro outubro novembro "
    "dezembro",
    "nl": "januari februari maart april mei juni juli augustus september oktober november december",
    "ru": "января февраля марта апреля мая июня июля августа сентября октября ноября декабря",
}
for _names in _FOREIGN_MONTHS.values():
    for _number, _name in enumerate(_names.split(), start=1):
        _MONTHS.setdefault(_name, _number)
_MONTHS.update({"jänner": 1, "setiembre": 9})  # Austrian January, a Latin-American September
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:1[89]|20)\d\d)"
_TIME = (
    r"(?:(?:\s*,)?\s*(?:at\s+|-\s+|T)?(?P<hour>\d{1,2})[:.](?P<minute>\d\d)(?::(?P<second>\d\d))?"
    r"(?:\.\d+)?\s*(?P<ampm>[ap]\.?m\.?)?(?:\s*(?:Z|[A-Z]{2,4}|[+-]\d\d:?\d\d))?)?"
)
_WEEKDAY = r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?"
_PATTERNS = [
    re.compile(p, re.IGNORECASE)
    for p in (
        _WEEKDAY
        + _MONTH
        + r"\s+"
        + _DAY
        + r",?\s+"
        + _YEAR
        + _TIME,  # January 17, 2020 at 11:09 am
        _WEEKDAY + _DAY + r"\s+" + _MONTH + r",?\s+" + _YEAR + _TIME,  # 17 January 2020
        _YEAR + r"-(?P<month>\d\d)-(?P<day>\d\d)" + _TIME,  # 2020-01-17, 2020-01-17T11:09:00Z
        _YEAR + r"/(?P<month>\d\d)/(?P<day>\d\d)" + _TIME,  # 2020/01/17
        # Freitag, 17. Januar 2020 / 17 de enero de 2020 / 1er janvier 2020 / 17 января 2020
        r"(?:[^\W\d_]+\.?,?\s+){0,2}(?P<day>\d{1,2})(?:\.|er|º)?\s+(?:de\s+)?"
        + _MONTH
        + r",?\s+(?:de\s+|del\s+)?"
        + _YEAR
        + _TIME,
        # 2020年1月17日 (Chinese, Japanese), 2020년 1월 17일 (Korean)
        _YEAR + r"\s*[年년]\s*(?P<month>\d{1,2})\s*[月월]\s*(?P<day>\d{1,2})\s*[日일]" + _TIME,
    )
]
# A date line is a date, maybe after a word such as "Published:" and before a short tail.
_LINE_PREFIX = re.compile(
    r"^\s*(?:(?:published|posted|updated|date|dated|last updated)\s*(?:on)?\s*:?\s*)?", re.I
)
_LINE_MAX = 80


def _build(match: re.Match) -> datetime | None:
    parts = match.groupdict()
    month = parts["month"]
    month = int(month) if month.isdigit() else _MONTHS[month.lower().rstrip(".")]
    hour = int(parts.get("hour") or 0)
    minute = int(parts.get("minute") or 0)
    second = int(parts.get("second") or 0)
    ampm = (parts.get("ampm") or "").lower().replace(".", "")
    if ampm == "pm" and hour < 12:
        hour += 12
    elif ampm == "am" and hour == 12:
        hour = 0
    try:
        return datetime(int(parts["year"]), month, int(parts["day"]), hour, minute, second)
    except ValueError:
        return None


def parse_date(text: str) -> datetime | None:
    """Return the first date found at the start of TEXT, or None."""
    text = text.strip()
    for pattern in _PATTERNS:
        match = pattern.match(text)
        if match:
            return _build(match)
    return None


# A year and a day number, 6 to 60 characters, none of "?!;%" (a headline's, not a date's:
# "Singapore growth at 8.1% in 2004" would cost dateparser's import, 0.15 s, for nothing).
_LOOKS_LIKE_DATE = re.compile(
    r"^(?=.*(?<!\d)(?:1[89]|20)\d\d(?!\d))(?=.*(?<!\d)\d{1,2}(?!\d))[^?!;%]{6,60}$"
)
_FALLBACK_WORDS = 8


def looks_like_date(line: str) -> bool:
    """Return True if LINE could be a dateline: short, a year and a day number, few words."""
    return bool(_LOOKS_LIKE_DATE.match(line)) and len(line.split()) <= _FALLBACK_WORDS


def _dateparser(text: str, language: str | None) -> datetime | None:
    import dateparser  # about 0.2 s to import: only when a line needs it

    settings = {"STRICT_PARSING": True, "REQUIRE_PARTS": ["day", "month", "year"]}
    try:
        found = dateparser.parse(
            text, languages=[language] if language else None, settings=settings
        )
    except Exception:  # dateparser raises assorted errors on odd input; a dateline is optional
        return None
    return found.replace(tzinfo=None) if found else None


def parse_date_line(line: str, language: Callable[[], str] | str | None = None) -> datetime | None:
    """Return the date if LINE is a dateline (a date and little else), or None.

    LANGUAGE (an ISO 639-1 code, or a function returning one, called only when needed) is
    the hint given to dateparser for a line the fast patterns miss.
    """
    if len(line) > _LINE_MAX:
        return None
    rest = line[_LINE_PREFIX.match(line).end() :]
    for pattern in _PATTERNS:
        match = pattern.match(rest)
        if match and len(rest) - match.end() <= 20:
            return _build(match)
    if language is not None and looks_like_date(rest):
        return _dateparser(rest, language() if callable(language) else language)
    return None


def parse_date_value(value) -> datetime | None:
    """Return a datetime for a metadata value: ISO text, a date phrase, or a Unix time."""
    if value is None or value == "":
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            if value <= 0:
                return None
            return datetime.fromtimestamp(value, UTC).replace(tzinfo=None)
        except (OverflowError, OSError, ValueError):
            return None
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        return parsed.replace(tzinfo=None)
    except ValueError:
        return parse_date(value)
