"""Reading and writing processed tables (``data/processed/<name>.csv``): UTF-8, no index, written
atomically; code columns (``*_code``) stay text so that leading zeros survive."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pandas as pd

__all__ = ["write_table", "read_table", "TABLE_NAME"]

log = logging.getLogger(__name__)

#: A processed table's name: lower snake case (it is also the CSV file's stem).
TABLE_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


def write_table(df: pd.DataFrame, name: str, processed_dir: str | Path) -> Path:
    """Write ``df`` to ``<processed_dir>/<name>.csv`` atomically and return the path."""
    if not TABLE_NAME.match(name):
        raise ValueError(f"table name {name!r} must be lower_snake_case")
    folder = Path(processed_dir)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.csv"
    tmp = path.with_suffix(".csv.tmp")
    df.to_csv(tmp, index=False, lineterminator="\n")
    tmp.replace(path)
    log.info("wrote %s (%d rows)", path, len(df))
    return path


def read_table(path: str | Path) -> pd.DataFrame:
    """Read a processed table; columns named ``*_code`` or ``code`` stay text (leading zeros kept)."""
    header = pd.read_csv(path, nrows=0).columns
    text_cols = {c: str for c in header if c == "code" or c.endswith("_code")}
    return pd.read_csv(path, dtype=text_cols)
