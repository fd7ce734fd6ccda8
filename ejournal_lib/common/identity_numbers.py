"""Detection of Norwegian national identity numbers (fødselsnummer) and D-numbers in the forms people type.

A candidate is eleven digits, written together or split after the date (``010203 12345``, ``010203-12345``,
``01.02.03 12345``, ``010203/12345``), the parts separated by up to three of: spaces of any kind, dots, hyphens
and dashes, slashes, and invisible characters (zero-width spaces, NUL), anywhere in a text. It is refused only
when its date part is plausible (D-numbers add 4 to the first digit; synthetic and H-numbers add 40 or 80 to
the month) and both mod-11 check digits hold, so an invalid checksum is not refused; nor is a number written
as a valid bank account number (``1503.12.19997``: four, two and five digits, checked by python-stdnum). In
columns that hold identifiers, a ten-digit value is also checked with the leading zero a spreadsheet dropped.
The number itself is never returned or echoed.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
from stdnum.no import kontonr

__all__ = [
    "is_national_id",
    "contains_national_id",
    "text_has_national_id",
    "is_identity_like_column",
    "identity_key_paths",
    "redact",
    "IDENTITY_MESSAGE",
]

#: What a reader is told where an identity number was found (never the number).
IDENTITY_MESSAGE = (
    "holds what looks like a national identity number or D-number; personal identity numbers must never be "
    "in input files (use pseudonymous ids)"
)

_W1 = np.array([3, 7, 6, 1, 8, 9, 4, 5, 2])
_W2 = np.array([5, 4, 3, 2, 7, 6, 5, 4, 3, 2])
#: What people (and spreadsheets, and copy-paste) put between the parts: spaces of any kind (\s includes the
#: non-breaking ones), dots, hyphens, dashes, minus, slashes, zero-width characters and NUL.
_SEP = r"[\s.\-/\u2010-\u2015\u2212\u2009\u202f\u200b-\u200d\u2060\ufeff\x00]{0,3}"
_CANDIDATE = re.compile(rf"(?<!\d)(\d{{2}}){_SEP}(\d{{2}}){_SEP}(\d{{2}}){_SEP}(\d{{5}})(?!\d)")
_PREFILTER = r"\d{2}\D{0,3}\d{2}\D{0,3}\d{2}\D{0,3}\d{5}"
#: A bank account number as it is written (four, two and five digits).
_ACCOUNT = re.compile(r"^\d{4}[. ]\d{2}[. ]\d{5}$")
_TEN_DIGITS = re.compile(r"^\s*(\d{10})(?:[.,]0+)?\s*$")
_IDENTITY_COLUMN = re.compile(
    r"(^|_)(id|nr|no|fnr|dnr|hnr|ssn)($|_)|nummer|number|person|pasient|patient|f[øo]ds", re.IGNORECASE
)


def _check_digit(digits: np.ndarray, weights: np.ndarray) -> int:
    r = 11 - int(digits @ weights) % 11
    return 0 if r == 11 else r  # 10 means "no valid number"


def is_national_id(value: str) -> bool:
    """True if ``value`` is exactly an 11-digit fødselsnummer or D-number with valid check digits.

    >>> is_national_id("01010112345"), is_national_id("15057012320"), is_national_id("55057012314")
    (False, True, True)
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


def text_has_national_id(text: str) -> bool:
    """True if ``text`` holds, anywhere, a valid identity number in any of the forms people type.

    >>> text_has_national_id("pasient 150570 12320 ringte"), text_has_national_id("15.05.70-12320")
    (True, True)
    >>> text_has_national_id("tlf 15057012321"), text_has_national_id("2020-02-03 07:30")
    (False, False)
    """
    return any(_is_identity_match(m) for m in _CANDIDATE.finditer(str(text)))


def _is_identity_match(m: re.Match) -> bool:
    """A candidate that is an identity number, unless it is written as a valid bank account number."""
    if not is_national_id("".join(m.groups())):
        return False
    return not (_ACCOUNT.match(m.group(0)) and kontonr.is_valid(m.group(0)))


def is_identity_like_column(name: str) -> bool:
    """Whether a column's name says it holds identifiers (where a spreadsheet may have dropped a leading zero).

    >>> [is_identity_like_column(c) for c in ("staff_id", "fodselsnummer", "personnr", "minutes", "unit")]
    [True, True, True, False, False]
    """
    return bool(_IDENTITY_COLUMN.search(str(name)))


def contains_national_id(series: pd.Series, identity_like: bool = False) -> pd.Series:
    """Boolean mask: which values hold a valid identity number (in any typed form, anywhere in the text);
    with ``identity_like`` a ten-digit value is also checked with a leading zero."""
    text = series.astype(str)
    candidates = text.str.contains(_PREFILTER, regex=True, na=False)
    out = pd.Series(False, index=series.index)
    for idx in text.index[candidates]:
        out[idx] = text_has_national_id(text[idx])
    if identity_like:
        ten = text.str.extract(_TEN_DIGITS, expand=False)
        for idx in ten.index[ten.notna() & ~out]:
            out[idx] = is_national_id("0" + ten[idx])
    return out


def identity_key_paths(data, prefix: str = "") -> list[str]:
    """The dotted paths in ``data`` (YAML as read: mappings, lists, scalars) whose key or text holds an
    identity number, e.g. ``changes[2].rationale`` (a key holding one is named by its position).

    >>> identity_key_paths({"title": "ok", "changes": [{"by": "150570-12320"}], "150570 12320": 1})
    ['changes[0].by', '[key 3]']
    """
    found = []
    if isinstance(data, dict):
        for n, (key, value) in enumerate(data.items(), start=1):
            if text_has_national_id(str(key)):
                found.append(f"{prefix}[key {n}]")
                continue
            found += identity_key_paths(value, f"{prefix}{key}.")
    elif isinstance(data, list):
        for i, value in enumerate(data):
            found += identity_key_paths(value, f"{prefix.rstrip('.')}[{i}].")
    elif isinstance(data, str) and text_has_national_id(data):
        found.append(prefix.rstrip("."))
    return found


def redact(text: str) -> str:
    """``text`` with every valid identity number (in any typed form) replaced by a placeholder.

    >>> redact("S1, 15.05.70 12320, tlf 15057012321")
    'S1, [identity number removed], tlf 15057012321'
    """
    return _CANDIDATE.sub(lambda m: "[identity number removed]" if _is_identity_match(m) else m.group(0), str(text))
