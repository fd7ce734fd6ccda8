"""Norwegian number formatting for readers: a narrow no-break space for thousands (a number never breaks
across lines), decimal comma, proper minus sign, "mill. kr", percent, years and dates. Data keep full precision; only what readers see is formatted.

>>> fmt_number(1234567.891, 1) == "1\u202f234\u202f567,9"
True
>>> fmt_value(0.125, "percent"), fmt_value(2038.0, "year"), fmt_value("2020-06-26", "date")
('12,5\u202f%', '2038', '26. juni 2020')
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable

from babel.dates import format_date

__all__ = [
    "GROUP_SPACE",
    "SUPPRESSED",
    "fmt_number",
    "fmt_percent",
    "fmt_mnok",
    "fmt_nok_amount",
    "fmt_date",
    "fmt_short_date",
    "fmt_value",
    "fmt_by_unit",
    "fmt_setting",
    "fmt_list",
    "FORMATS",
]

GROUP_SPACE = "\u202f"  # narrow no-break space
#: What a suppressed small cell shows to readers (the data hold an empty cell and a ``suppressed`` flag).
SUPPRESSED = "–"


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or str(value) in ("nan", "NaT", "<NA>")


def fmt_number(value, decimals: int = 0) -> str:
    """Format a number the Norwegian way (thin-space thousands, decimal comma, minus sign); missing → ""."""
    if _missing(value):
        return ""
    if isinstance(value, str):
        return value
    text = f"{abs(float(value)):,.{decimals}f}"
    text = text.replace(",", GROUP_SPACE).replace(".", ",")
    negative = float(value) < 0 and float(text.replace(GROUP_SPACE, "").replace(",", ".")) != 0
    return ("\u2212" if negative else "") + text


def fmt_percent(share, decimals: int = 1) -> str:
    """Format a share (0–1) as a Norwegian percentage: ``fmt_percent(0.125) == '12,5 %'``."""
    if _missing(share):
        return ""
    return f"{fmt_number(100 * float(share), decimals)}{GROUP_SPACE}%"


def fmt_mnok(value_mnok, decimals: int = 0) -> str:
    """Format an amount in MNOK: ``fmt_mnok(5279) == '5 279 mill. kr'``."""
    if _missing(value_mnok):
        return ""
    return f"{fmt_number(value_mnok, decimals)} mill. kr"


def fmt_nok_amount(value_nok, decimals: int = 1) -> str:
    """Format an amount in NOK with a readable unit: billions as "mrd. kr", millions as "mill. kr"."""
    if _missing(value_nok):
        return ""
    v = float(value_nok)
    if abs(v) >= 1e9:
        return f"{fmt_number(v / 1e9, decimals)} mrd. kr"
    if abs(v) >= 1e6:
        return f"{fmt_number(v / 1e6, decimals)} mill. kr"
    return f"{fmt_number(v, 0)} kr"


def fmt_short_date(value) -> str:
    """A date as Norwegian tables write it: ``fmt_short_date("2020-01-01") == '1.1.2020'``."""
    if _missing(value) or value == "":
        return ""
    d = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])
    return format_date(d, format="d.M.y", locale="nb")


def fmt_date(value) -> str:
    """An ISO date as Norwegian prose: ``fmt_date("2020-06-26") == '26. juni 2020'``."""
    if _missing(value) or value == "":
        return ""
    d = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])
    return format_date(d, format="d. MMMM y", locale="nb")


def _quarter(value) -> str:
    """A quarter as readers write it: ``_quarter("2020Q1") == '1. kv. 2020'``."""
    if _missing(value) or value == "":
        return ""
    year, quarter = str(value).split("Q")
    return f"{quarter}. kv. {year}"


def _year(value) -> str:
    return "" if _missing(value) else str(int(float(value)))


def _as_typed(value) -> str:
    """A number as written in a scenario file, with a decimal comma: 2019 → 2019, 0.04 → 0,04."""
    if _missing(value):
        return ""
    v = float(value)
    return (str(int(v)) if v.is_integer() else repr(v)).replace(".", ",").replace("-", "\u2212")


def fmt_list(items) -> str:
    """Words joined as in prose: ``fmt_list(["Oslo", "Bodø", "Vega"]) == 'Oslo, Bodø og Vega'``."""
    items = [str(i) for i in items]
    return " og ".join(filter(None, [", ".join(items[:-1]), items[-1]])) if items else ""


def fmt_setting(value) -> str:
    """A scenario-file value for readers: numbers as typed with a decimal comma, yes/no, dates in prose, lists
    joined. ``fmt_setting([0.5, True]) == '0,5, ja'``; ``fmt_setting(None) == ''``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nei"
    if isinstance(value, int | float):
        return _as_typed(value)
    if isinstance(value, dt.date):
        return fmt_date(value)
    if isinstance(value, list | tuple):
        return ", ".join(fmt_setting(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {fmt_setting(v)}" for k, v in value.items())
    return str(value)


#: Format names used by the label catalogue's ``format`` key.
FORMATS: dict[str, Callable] = {
    "int": lambda v: fmt_number(v, 0),
    "dec1": lambda v: fmt_number(v, 1),
    "dec2": lambda v: fmt_number(v, 2),
    "dec3": lambda v: fmt_number(v, 3),
    "mnok": lambda v: fmt_number(v, 0),
    "mnok1": lambda v: fmt_number(v, 1),
    "nok": lambda v: fmt_number(v, 0),
    "percent": lambda v: fmt_percent(v, 1),
    "percent0": lambda v: fmt_percent(v, 0),
    "year": _year,
    "date": fmt_date,
    "quarter": _quarter,
    "text": lambda v: "" if _missing(v) else str(v),
    "as_typed": lambda v: _as_typed(v),
    "code": lambda v: "" if _missing(v) else str(v),
}


def fmt_value(value, fmt: str) -> str:
    """Format one value by a format name of :data:`FORMATS`."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; valid: {', '.join(sorted(FORMATS))}")
    return FORMATS[fmt](value)


def fmt_by_unit(value, unit: str) -> str:
    """Format a key figure by its unit code (``mnok``, ``mnok_per_year``, ``share``, ``year``, ``count``)."""
    if _missing(value):
        return SUPPRESSED
    if unit == "mnok":
        return fmt_mnok(value)
    if unit == "mnok_per_year":
        return fmt_mnok(value) + " per år"
    if unit == "share":
        return fmt_percent(value)
    if unit in ("year", "code"):
        return str(int(value))
    return fmt_number(value, 0 if unit == "count" or float(value).is_integer() else 2)
