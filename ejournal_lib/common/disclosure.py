"""Small-cell suppression (prikking) for published tables.

A cell based on fewer than ``k`` staff is not published: its values are left empty (NaN) and the row's
``suppressed`` flag is set. Tables stay machine-readable (numeric columns stay numeric); only formatting for
readers shows the suppression mark.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["suppress_small_cells", "MIN_THRESHOLD"]

#: The lowest suppression threshold the toolkit accepts (Statistics Norway practice for staff counts).
MIN_THRESHOLD = 5


def suppress_small_cells(
    df: pd.DataFrame, value_cols, count_col: str = "n_staff", k: int = MIN_THRESHOLD
) -> pd.DataFrame:
    """Empty ``value_cols`` (NaN) in rows where ``count_col`` < k and add a boolean column ``suppressed``.

    >>> t = pd.DataFrame({"n_staff": [2, 7], "minutes": [30.0, 41.0]})
    >>> suppress_small_cells(t, ["minutes"]).to_dict("list")
    {'n_staff': [2, 7], 'minutes': [nan, 41.0], 'suppressed': [True, False]}
    """
    if k < MIN_THRESHOLD:
        raise ValueError(f"the suppression threshold must be at least {MIN_THRESHOLD}, got {k}")
    out = df.copy()
    small = (out[count_col] < k).to_numpy() if len(out) else np.zeros(0, bool)
    for c in value_cols:
        if pd.api.types.is_numeric_dtype(out[c]) or pd.api.types.is_bool_dtype(out[c]):
            out[c] = out[c].astype(float).where(~small, np.nan)
        else:
            out[c] = out[c].where(~small, None)
    out["suppressed"] = small
    return out
