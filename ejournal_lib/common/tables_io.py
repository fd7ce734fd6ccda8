"""Reading and writing processed tables (``data/processed/<name>.csv``): UTF-8, no index, written
atomically; code columns (``*_code``) stay text so that leading zeros survive. Beside each table,
``<name>.meta.json`` holds what a reader of the workbook needs to know about it (its title, and whether it
is built from synthetic example data)."""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path

import pandas as pd

__all__ = ["write_table", "read_table", "read_table_meta", "TABLE_NAME"]

log = logging.getLogger(__name__)

#: A processed table's name: lower snake case (it is also the CSV file's stem).
TABLE_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


def write_table(df: pd.DataFrame, name: str, processed_dir: str | Path, meta: dict | None = None) -> Path:
    """Write ``df`` to ``<processed_dir>/<name>.csv`` (and ``meta``, e.g. ``{"caption": …, "synthetic": …}``,
    to ``<name>.meta.json``) atomically; return the CSV's path."""
    if not TABLE_NAME.match(name):
        raise ValueError(f"table name {name!r} must be lower_snake_case")
    folder = Path(processed_dir)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.csv"
    tmp = path.with_suffix(".csv.tmp")
    df.to_csv(tmp, index=False, lineterminator="\n")
    tmp.replace(path)
    meta_path = folder / f"{name}.meta.json"
    if meta is not None:
        tmp = meta_path.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(meta, ensure_ascii=False, sort_keys=True, indent=1) + "\n", encoding="utf-8")
        tmp.replace(meta_path)
    else:
        meta_path.unlink(missing_ok=True)
    log.info("wrote %s (%d rows)", path, len(df))
    return path


def read_table_meta(processed_dir: str | Path, name: str) -> dict:
    """The table's metadata (empty if none was written)."""
    path = Path(processed_dir) / f"{name}.meta.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def read_table(path: str | Path) -> pd.DataFrame:
    """Read a processed table; columns named ``*_code`` or ``code`` stay text (leading zeros kept)."""
    header = pd.read_csv(path, nrows=0).columns
    text_cols = {c: str for c in header if c == "code" or c.endswith("_code")}
    return pd.read_csv(path, dtype=text_cols)
