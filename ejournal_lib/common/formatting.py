"""Norwegian number formatting for appendices: thin space for thousands, decimal comma, "mill. kr"/"mrd. kr"."""

from __future__ import annotations

import math

__all__ = ["THIN_SPACE", "fmt_number", "fmt_percent", "fmt_mnok", "fmt_nok_amount", "fmt_by_unit", "SUPPRESSED"]

THIN_SPACE = "\u2009"
#: What a suppressed small cell shows in a published table.
SUPPRESSED = "–"


def fmt_number(value, decimals: int = 0) -> str:
    """Format a number the Norwegian way: ``fmt_number(1234567.891, 1) == '1 234 567,9'`` (thin spaces).

    Missing values give an empty string; negative numbers get a proper minus sign.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, str):
        return value
    text = f"{abs(float(value)):,.{decimals}f}"
    text = text.replace(",", THIN_SPACE).replace(".", ",")
    negative = float(value) < 0 and float(text.replace(THIN_SPACE, "").replace(",", ".")) != 0
    return ("\u2212" if negative else "") + text


def fmt_percent(share, decimals: int = 1) -> str:
    """Format a share (0–1) as a Norwegian percentage: ``fmt_percent(0.125) == '12,5 %'``."""
    if share is None or (isinstance(share, float) and math.isnan(share)):
        return ""
    return f"{fmt_number(100 * float(share), decimals)}{THIN_SPACE}%"


def fmt_mnok(value_mnok, decimals: int = 0) -> str:
    """Format an amount in MNOK: ``fmt_mnok(5279) == '5 279 mill. kr'``."""
    if value_mnok is None or (isinstance(value_mnok, float) and math.isnan(value_mnok)):
        return ""
    return f"{fmt_number(value_mnok, decimals)} mill. kr"


def fmt_nok_amount(value_nok, decimals: int = 1) -> str:
    """Format an amount in NOK with a readable unit: billions as "mrd. kr", millions as "mill. kr"."""
    if value_nok is None or (isinstance(value_nok, float) and math.isnan(value_nok)):
        return ""
    v = float(value_nok)
    if abs(v) >= 1e9:
        return f"{fmt_number(v / 1e9, decimals)} mrd. kr"
    if abs(v) >= 1e6:
        return f"{fmt_number(v / 1e6, decimals)} mill. kr"
    return f"{fmt_number(v, 0)} kr"


def fmt_by_unit(value, unit: str) -> str:
    """Format a key figure by its unit: "mill. kr" → MNOK, "andel" → percent, "år" → plain year."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if unit.startswith("mill. kr"):
        return fmt_mnok(value) + unit[len("mill. kr"):]
    if unit == "andel":
        return fmt_percent(value)
    if unit == "år":
        return str(int(value))
    if unit == "antall" or float(value).is_integer():
        return fmt_number(value, 0)
    return fmt_number(value, 2)
