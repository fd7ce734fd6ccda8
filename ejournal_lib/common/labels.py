"""The label catalogue: the Norwegian words readers see for the English codes in data (``labels.yaml``).

Tables, figures, factsheets and the workbook take every header and every name of an effect, service, actor
or status from here, so that no code reaches a reader and a word is changed in one place.

>>> label("effect", "time_savings")
'Frigjort tid'
>>> header("npv_mnok")
'Netto nåverdi (mill. kr)'
>>> label("uncertain_input", "time:home_services")
'Tidsgevinst: Hjemmetjenester'
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from ejournal_lib.common.errors import EjournalError
from ejournal_lib.common.yaml_io import read_yaml

__all__ = [
    "LabelError",
    "ColumnSpec",
    "label",
    "parameter_label",
    "labels",
    "header",
    "column_spec",
    "cell_words",
    "relabel",
    "data_dictionary",
    "catalogue",
]

_CATALOGUE = Path(__file__).with_name("labels.yaml")


class LabelError(EjournalError):
    """A code or column has no entry in the label catalogue."""


@dataclass(frozen=True)
class ColumnSpec:
    """How a column is shown: header, the domain of its codes (if any), number format, description."""

    name: str
    label: str
    domain: str | None = None
    format: str = "text"
    description: str = ""
    list: bool = False


@lru_cache(maxsize=1)
def catalogue() -> dict:
    """The parsed catalogue (read once)."""
    return read_yaml(_CATALOGUE, "label catalogue")


def _key(code) -> str:
    if isinstance(code, bool):
        return "true" if code else "false"
    return str(code)


def labels(domain: str) -> dict[str, str]:
    """Every code → word of one domain."""
    domains = catalogue()["domains"]
    if domain not in domains:
        raise LabelError(f"label catalogue has no domain {domain!r}; domains: {', '.join(sorted(domains))}")
    return {k: v for k, v in domains[domain].items() if not k.startswith("_")}


def label(domain: str, code) -> str:
    """The word for ``code`` in ``domain``; a composite code ``a:b`` joins two words."""
    entries = catalogue()["domains"].get(domain)
    if entries is None:
        raise LabelError(f"label catalogue has no domain {domain!r}")
    key = _key(code)
    if key in entries and not key.startswith("_"):
        return entries[key]
    if "_composite" in entries and ":" in key:
        head, tail = key.split(":", 1)
        return f"{label(domain, head)}: {label(entries['_composite'], tail)}"
    raise LabelError(f"label catalogue has no word for {key!r} in domain {domain!r} (ejournal_lib/common/labels.yaml)")


def column_spec(column: str, table: str | None = None) -> ColumnSpec:
    """How ``column`` is shown (a table's own entry first, then the general one)."""
    cat = catalogue()
    entry = (cat.get("tables", {}).get(table, {}) or {}).get(column) if table else None
    entry = entry or cat["columns"].get(column)
    if entry is None:
        where = f" (table {table})" if table else ""
        raise LabelError(
            f"label catalogue has no header for column {column!r}{where} (ejournal_lib/common/labels.yaml)"
        )
    return ColumnSpec(
        name=column,
        label=entry["label"],
        domain=entry.get("domain"),
        format=entry.get("format", "code" if entry.get("domain") else "text"),
        description=entry.get("description", ""),
        list=bool(entry.get("list", False)),
    )


def parameter_label(path: str) -> str:
    """The words for a scenario path (``cba.frame.discount_rate``, ``levers.investment_factor``): the
    catalogue's ``scenario_parameter`` entry, else its ``input_group`` entry, else the path itself."""
    for domain in ("scenario_parameter", "input_group"):
        try:
            return label(domain, path)
        except LabelError:
            continue
    return path


def header(column: str, table: str | None = None) -> str:
    """The header a reader sees for ``column``."""
    return column_spec(column, table).label


def cell_words(value, spec: ColumnSpec):
    """The words for one cell of a coded column (a list column's codes joined by ", "); missing stays missing."""
    if spec.domain is None or value is None or (pd.api.types.is_scalar(value) and bool(pd.isna(value))):
        return value
    if spec.list:
        words = [label(spec.domain, p.strip()) for p in str(value).split(",") if p.strip()]
        # one list: a capital only on its first word (acronyms such as "KS" keep theirs)
        rest = [w[0].lower() + w[1:] if len(w) > 1 and not w[1].isupper() else w for w in words[1:]]
        return ", ".join(words[:1] + rest)
    return label(spec.domain, value)


def relabel(df: pd.DataFrame, table: str | None = None) -> pd.DataFrame:
    """A copy with codes replaced by words in every column that has a domain, and Norwegian headers."""
    out = df.copy()
    for c in df.columns:
        spec = column_spec(c, table)
        if spec.domain:
            out[c] = [cell_words(v, spec) for v in df[c]]
    return out.rename(columns={c: header(c, table) for c in df.columns})


def data_dictionary(tables: dict[str, list[str]]) -> pd.DataFrame:
    """One row per table and column: header, code, description and the words its codes stand for."""
    rows = []
    for table, columns in tables.items():
        for c in columns:
            spec = column_spec(c, table)
            rows.append(
                {
                    "table": table,
                    "column": c,
                    "header": spec.label,
                    "description": spec.description,
                    "codes": "; ".join(f"{k} = {v}" for k, v in labels(spec.domain).items()) if spec.domain else "",
                }
            )
    return pd.DataFrame(rows)
