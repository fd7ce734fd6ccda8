"""Small-cell suppression (prikking) for published tables: a cell based on fewer than ``k`` staff is
shown as "–" with a footnote, in the appendix, the CSV and the Excel workbook alike."""

from __future__ import annotations

import pandas as pd

from ejournal_lib.common.formatting import SUPPRESSED

__all__ = ["suppress_small_cells", "suppression_note"]


def suppress_small_cells(df: pd.DataFrame, value_cols, count_col: str = "n_staff", k: int = 5) -> pd.DataFrame:
    """Replace ``value_cols`` by "–" in rows where ``count_col`` < k; adds a boolean column ``suppressed``."""
    out = df.copy()
    small = out[count_col] < k
    for c in value_cols:
        out[c] = out[c].astype(object).where(~small, SUPPRESSED)
    out["suppressed"] = small
    return out


def suppression_note(k: int) -> str:
    return f"– = prikket: tallet bygger på færre enn {k} ansatte og vises ikke av personvernhensyn."
