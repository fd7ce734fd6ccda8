"""Detection of Norwegian national identity numbers (fødselsnummer) and D-numbers.

An 11-digit value is refused when its date part is plausible (D-numbers add 4 to the first digit) and
both mod-11 check digits are valid. The number itself is never echoed in messages.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

__all__ = ["is_national_id", "contains_national_id"]

_W1 = np.array([3, 7, 6, 1, 8, 9, 4, 5, 2])
_W2 = np.array([5, 4, 3, 2, 7, 6, 5, 4, 3, 2])
_ELEVEN = re.compile(r"(?<!\d)(\d{11})(?!\d)")


def _check_digit(digits: np.ndarray, weights: np.ndarray) -> np.ndarray:
    r = 11 - (digits @ weights) % 11
    return np.where(r == 11, 0, r)  # 10 means "no valid number"


def is_national_id(value: str) -> bool:
    """True if ``value`` is an 11-digit fødselsnummer or D-number with valid check digits.

    >>> is_national_id("01010112345")
    False
    """
    s = str(value).strip()
    if not re.fullmatch(r"\d{11}", s):
        return False
    d = np.array([int(c) for c in s])
    day, month = int(s[0:2]), int(s[2:4])
    if day > 40:  # D-number
        day -= 40
    if month > 40:  # H-number (helsenummer) / synthetic test numbers: month + 40 or + 80
        month -= 40 if month <= 52 else 80
    if not (1 <= day <= 31 and 1 <= month <= 12):
        return False
    k1 = _check_digit(d[:9], _W1)
    k2 = _check_digit(d[:10], _W2)
    return bool(k1 != 10 and k2 != 10 and k1 == d[9] and k2 == d[10])


def contains_national_id(series: pd.Series) -> pd.Series:
    """Boolean mask: which values hold (anywhere in the text) a valid identity number."""
    text = series.astype(str)
    candidates = text.str.contains(r"\d{11}", regex=True, na=False)
    out = pd.Series(False, index=series.index)
    for idx in text.index[candidates]:
        out[idx] = any(is_national_id(m) for m in _ELEVEN.findall(text[idx]))
    return out
