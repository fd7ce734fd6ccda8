"""Disclosure control (prikking) for tables built from registrations of identifiable staff.

The rules (stated for readers in ``docs/disclosure.md``):

* **Threshold**: a cell is published only if at least ``k`` distinct staff members contribute (``k`` ≥ 5).
* **Primary suppression**: a cell under the threshold is suppressed.
* **Secondary suppression**: when a published total is split into parts (a service by municipality, a
  service by role), the suppressed parts together must also reach ``k`` staff, or else the total minus the
  published parts would give them back; the smallest published part is suppressed until they do. A part
  that covers exactly the same staff-days as a cell of another split shares its fate.
* **What a suppressed cell shows**: nothing but its key and the ``suppressed`` flag; every value, interval,
  share, count, margin or other column derived from it is emptied. No figure draws individuals.

:func:`protect_hierarchy` decides once per cell; :func:`apply_suppression` applies that decision to every
table that shows the cell, so that all tables (and all formats) agree.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

__all__ = ["MIN_THRESHOLD", "check_threshold", "protect_hierarchy", "apply_suppression"]

#: The lowest suppression threshold the toolkit accepts (Statistics Norway practice for counts of persons).
MIN_THRESHOLD = 5


def check_threshold(k) -> int:
    """``k`` as an int if it is a whole number ≥ :data:`MIN_THRESHOLD`; else a ValueError naming it."""
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < MIN_THRESHOLD:
        raise ValueError(f"the suppression threshold k must be a whole number of at least {MIN_THRESHOLD}, got {k!r}")
    return int(k)


def protect_hierarchy(
    units: pd.DataFrame,
    total: list[str],
    splits: dict[str, list[str]],
    k: int,
    person: str = "staff_id",
) -> dict[str, pd.DataFrame]:
    """Suppression decisions for published totals and their splits, from the unit records behind them.

    ``units`` has one row per unit (a staff-day) with the ``person`` id and every key column; ``total`` names
    the key of the totals (e.g. ``["service"]``) and ``splits`` the key of each split (containing the total's
    key). Returns, for ``"total"`` and each split, the cells' keys with ``n_persons``, ``suppressed`` and
    ``reason`` (``threshold``; ``total`` when its total is suppressed; ``secondary``).

    The audit is exact for sums: every published cell gives the attacker the sum and count over its units, so
    any set of finest cells whose indicator lies in the linear span of the published cells' indicators is
    known. Secondary suppression continues until no such set covers between 1 and ``k`` − 1 persons.

    >>> u = pd.DataFrame({"service": ["a"] * 12, "muni": list("xxxxxxyyyyyz"), "staff_id": range(12)})
    >>> d = protect_hierarchy(u, ["service"], {"muni": ["service", "muni"]}, k=5)
    >>> d["muni"][["muni", "n_persons", "suppressed", "reason"]].to_dict("list")
    {'muni': ['x', 'y', 'z'], 'n_persons': [6, 5, 1], 'suppressed': [False, True, True], 'reason': ['', 'secondary', 'threshold']}
    """
    k = check_threshold(k)
    keys = {"total": total, **splits}
    finest = list(dict.fromkeys(c for key in keys.values() for c in key))
    atoms = units.groupby(finest)[person].agg(frozenset).rename("persons").reset_index()
    cells: dict[str, pd.DataFrame] = {}
    for name, key in keys.items():
        f = units.groupby(key)[person].nunique().rename("n_persons").reset_index()
        f["suppressed"] = f["n_persons"] < k
        f["reason"] = np.where(f["suppressed"], "threshold", "")
        cells[name] = f
    for t, group in atoms.groupby(total):
        members = {name: _members(f, total, t) for name, f in cells.items()}
        if cells["total"].loc[members["total"], "suppressed"].all():
            for name in splits:
                f = cells[name]
                inside = members[name][~f.loc[members[name], "suppressed"].to_numpy()]
                f.loc[inside, "suppressed"] = True
                f.loc[inside, "reason"] = "total"
            continue
        _protect_group(group.reset_index(drop=True), cells, members, keys, k)
    return cells


def _members(f: pd.DataFrame, total: list[str], t) -> pd.Index:
    t = t if isinstance(t, tuple) else (t,)
    return f.index[np.logical_and.reduce([f[c] == v for c, v in zip(total, t)])]


def _protect_group(atoms: pd.DataFrame, cells: dict, members: dict, keys: dict, k: int) -> None:
    """Secondary suppression within one total: while a small set is derivable, hide the smallest published
    part whose loss makes it underivable (else the smallest part)."""
    incidence = {
        (name, i): np.logical_and.reduce([atoms[c] == cells[name].loc[i, c] for c in key]).astype(float)
        for name, key in keys.items()
        for i in members[name]
    }

    def shown(excluding=None) -> list:
        return [c for c in incidence if c != excluding and not cells[c[0]].loc[c[1], "suppressed"]]

    persons = atoms["persons"].tolist()
    while (small := _small_derivable_set(persons, [incidence[c] for c in shown()], k)) is not None:
        parts = sorted((c for c in shown() if c[0] != "total"), key=lambda c: (cells[c[0]].loc[c[1], "n_persons"], c))
        choice = next((c for c in parts if not _in_span(small, [incidence[o] for o in shown(c)])), parts[0])
        cells[choice[0]].loc[choice[1], ["suppressed", "reason"]] = [True, "secondary"]


def _in_span(v: np.ndarray, vectors: list[np.ndarray]) -> bool:
    """Whether ``v`` is a linear combination of ``vectors`` (what sums and differences of them give)."""
    if not vectors:
        return not v.any()
    a = np.column_stack(vectors)
    coef = np.linalg.lstsq(a, v, rcond=None)[0]
    return bool(np.allclose(a @ coef, v, atol=1e-8))


def _small_derivable_set(persons: list[frozenset], published: list[np.ndarray], k: int) -> np.ndarray | None:
    """The first set of finest cells (an indicator) covering 1..k-1 persons that the published cells give."""
    order = sorted((i for i in range(len(persons)) if len(persons[i]) < k), key=lambda i: (len(persons[i]), i))

    def search(start: int, chosen: list[int], covered: frozenset):
        for j in range(start, len(order)):
            now = covered | persons[order[j]]
            if len(now) >= k:
                continue
            v = np.zeros(len(persons))
            v[[*chosen, order[j]]] = 1.0
            if _in_span(v, published):
                return v
            if (found := search(j + 1, [*chosen, order[j]], now)) is not None:
                return found
        return None

    return search(0, [], frozenset())


def apply_suppression(
    table: pd.DataFrame, decision: pd.DataFrame, keys: list[str], keep: Iterable[str] = ()
) -> pd.DataFrame:
    """Empty every column of ``table`` except ``keys`` and ``keep`` (context not derived from the registrations)
    in rows whose cell ``decision`` marks as suppressed; add the ``suppressed`` flag. Numeric columns stay
    numeric (NaN); rows whose cell is missing from ``decision`` are suppressed (fail safe)."""
    out = table.copy()
    if not len(out):
        out["suppressed"] = pd.Series(dtype=bool)
        return out
    flags = decision.set_index(keys)["suppressed"]
    idx = pd.MultiIndex.from_frame(out[keys]) if len(keys) > 1 else pd.Index(out[keys[0]])
    hidden = flags.reindex(idx).fillna(True).astype(bool).to_numpy()
    for c in out.columns:
        if c in keys or c in set(keep):
            continue
        if pd.api.types.is_numeric_dtype(out[c]) or pd.api.types.is_bool_dtype(out[c]):
            out[c] = out[c].astype(float).where(~hidden, np.nan)
        else:
            out[c] = out[c].where(~hidden, None)
    out["suppressed"] = hidden
    return out
