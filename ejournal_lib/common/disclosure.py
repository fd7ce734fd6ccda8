"""Disclosure control (prikking) for tables built from registrations of identifiable staff.

The rules (stated for readers in ``docs/disclosure.md``):

* **Threshold**: a cell is published only if at least ``k`` distinct staff members contribute (``k`` ≥ 5).
* **Primary suppression**: a cell under the threshold is suppressed.
* **Secondary suppression**: when a published total is split into parts (a service by municipality, a
  service by role), no set of finest cells (municipality × role) under ``k`` staff may follow from the
  published cells by sums and differences; while one does, the smallest published part whose loss closes it is
  suppressed. The smallest such set is a minimum cut in the graph of published parts (:class:`_Parts`), so the
  audit is polynomial (1,000 small cells well under a second: ``benchmarks/bench_disclosure.py``).
* **What a suppressed cell shows**: nothing but its key and the ``suppressed`` flag; every value, interval,
  share, count, margin or other column derived from it is emptied. No figure draws individuals.

:func:`protect_hierarchy` decides once per cell; :func:`apply_suppression` applies that decision to every
table that shows the cell, so that all tables (and all formats) agree.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.sparse import csr_array
from scipy.sparse.csgraph import breadth_first_order, connected_components, maximum_flow

__all__ = [
    "MIN_THRESHOLD",
    "Block",
    "check_threshold",
    "protect_hierarchy",
    "published_blocks",
    "against_earlier",
    "apply_suppression",
]

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
    """Secondary suppression within one published total: while a set of finest cells covering 1..k-1 persons
    can be derived (:meth:`_Parts.small_set`), hide the smallest published part whose loss makes that set
    underivable (else the smallest part)."""
    splits = [name for name in keys if name != "total"]
    if len(splits) > 2:
        raise ValueError("the disclosure audit handles a total with one or two splits")
    # each finest cell's part in each split; a split with a single hidden part stands in for a missing second
    position = [
        atoms[keys[name]].merge(cells[name].loc[members[name], keys[name]].reset_index(), how="left")["index"]
        for name in splits
    ]
    rows, cols = position[0].to_numpy(), position[1].to_numpy() if len(splits) > 1 else np.full(len(atoms), -1)
    weights, scale = _person_weights(atoms["persons"].tolist())

    def parts(hide=None) -> _Parts:
        shown = [
            {i for i in members[name] if not cells[name].loc[i, "suppressed"] and (name, i) != hide} for name in splits
        ]
        return _Parts(rows, cols, shown[0], shown[1] if len(splits) > 1 else set())

    while (small := parts().small_set(weights, k * scale)) is not None:
        candidates = sorted(
            ((name, i) for name in splits for i in members[name] if not cells[name].loc[i, "suppressed"]),
            key=lambda c: (cells[c[0]].loc[c[1], "n_persons"], c),
        )
        if not candidates:  # only the total is published, and it has k persons or more
            return
        choice = next((c for c in candidates if not parts(hide=c).derivable(small)), candidates[0])
        cells[choice[0]].loc[choice[1], ["suppressed", "reason"]] = [True, "secondary"]


def _person_weights(persons: list[frozenset]) -> tuple[np.ndarray, int]:
    """Each finest cell's persons as whole numbers: a person in m cells counts 1/m in each (scaled by the least
    common multiple of the m's), so a set of cells never weighs more than the persons it covers."""
    count: dict = {}
    for cell in persons:
        for p in cell:
            count[p] = count.get(p, 0) + 1
    scale = int(np.lcm.reduce(np.array(sorted(set(count.values())) or [1], dtype=np.int64)))
    return np.array([sum(scale // count[p] for p in cell) for cell in persons], dtype=np.int64), scale


class _Parts:
    """The published parts of one total as a bipartite graph, for the audit of sums and differences.

    A node for each published part of the first split (rows) and of the second (columns), one node for all
    hidden rows together and one for all hidden columns; each finest cell is an edge from its column to its row.
    A set of finest cells is derivable from the published cells (the total, rows and columns, by sums and
    differences) exactly when its indicator is a potential difference p(row) - p(column) over the edges: the
    hidden rows share one coefficient (the total less the published rows), the hidden columns none. The
    derivable sets that are minimal are therefore directed cuts (node sets S with no edge from a column in S to a
    row outside S: the cut cells go from columns outside S to rows in S), and the smallest one is a minimum cut,
    found with a maximum flow per pair of nodes: polynomial, not a search over subsets.
    """

    def __init__(self, rows: np.ndarray, cols: np.ndarray, shown_rows: set, shown_cols: set):
        row_node = {r: n for n, r in enumerate(sorted(shown_rows))}
        col_node = {c: len(row_node) + 1 + n for n, c in enumerate(sorted(shown_cols))}
        hidden_row, hidden_col = len(row_node), len(row_node) + 1 + len(col_node)
        self.n = hidden_col + 1
        self.head = np.array([row_node.get(r, hidden_row) for r in rows], dtype=np.int64)
        self.tail = np.array([col_node.get(c, hidden_col) for c in cols], dtype=np.int64)

    def small_set(self, weights: np.ndarray, limit: int) -> np.ndarray | None:
        """The finest cells (a 0/1 indicator) of the lightest derivable set, if it weighs less than ``limit``."""
        pairs, edge = np.unique(np.column_stack([self.head, self.tail]), axis=0, return_inverse=True)
        weight = np.bincount(edge.ravel(), weights=weights, minlength=len(pairs)).astype(np.int64)
        infinite = int(weight.sum()) + 1  # an edge from a column in S to a row outside S: no cut of finite sums
        capacity = csr_array(
            (
                np.concatenate([weight, np.full(len(pairs), infinite)]),
                (np.concatenate([pairs[:, 0], pairs[:, 1]]), np.concatenate([pairs[:, 1], pairs[:, 0]])),
            ),
            shape=(self.n, self.n),
        ).astype(np.int32)
        best = None
        n_parts, label = connected_components(capacity, directed=False)
        for component in range(n_parts):
            nodes = np.flatnonzero(label == component)
            for other in nodes[1:]:
                for source, sink in ((nodes[0], other), (other, nodes[0])):
                    result = maximum_flow(capacity, int(source), int(sink))
                    if result.flow_value < infinite and (best is None or result.flow_value < best[0]):
                        best = (result.flow_value, int(source), capacity - result.flow)
        if best is None or best[0] >= limit:
            return None
        residual = best[2]
        residual.data[residual.data < 0] = 0
        residual.eliminate_zeros()
        inside = np.zeros(self.n, dtype=bool)
        inside[breadth_first_order(residual, best[1], directed=True, return_predecessors=False)] = True
        return (inside[self.head] & ~inside[self.tail]).astype(float)

    def derivable(self, cells: np.ndarray) -> bool:
        """Whether the sum over the finest cells ``cells`` (a 0/1 indicator) follows from the published cells:
        whether node potentials give every edge its value."""
        potential = np.full(self.n, np.nan)
        adjacency: dict[int, list[tuple[int, float]]] = {}
        for h, t, v in zip(self.head, self.tail, cells):
            adjacency.setdefault(int(t), []).append((int(h), v))
            adjacency.setdefault(int(h), []).append((int(t), -v))
        for root in adjacency:
            if not np.isnan(potential[root]):
                continue
            potential[root], stack = 0.0, [root]
            while stack:
                node = stack.pop()
                for other, step in adjacency[node]:
                    if np.isnan(potential[other]):
                        potential[other] = potential[node] + step
                        stack.append(other)
        return bool(np.allclose(potential[self.head] - potential[self.tail], cells))


@dataclass(frozen=True)
class Block:
    """What one publication shows of one total (a service): the units it counts and, for each published
    cell, the units inside it (units as ids: keyed hashes of staff-days in the registry)."""

    units: frozenset
    published: frozenset  # of frozensets of units


def published_blocks(
    units: pd.DataFrame, cells: dict[str, pd.DataFrame], total: list[str], splits: dict[str, list[str]], unit: str
) -> dict:
    """Per total (its key value), the :class:`Block` a publication shows, from the unit records (with the id
    column ``unit``) and the decisions of :func:`protect_hierarchy`; suppressed totals show nothing."""
    keys = {"total": total, **splits}
    blocks = {}
    for value, group in units.groupby(total):
        t = value[0] if len(total) == 1 else value  # the key's value, as hide_totals takes it
        cells_shown = []
        for name, key in keys.items():
            shown = cells[name].loc[~cells[name]["suppressed"], key]
            inside = group.merge(shown, on=key)  # units of published cells of this total
            cells_shown += [frozenset(g[unit]) for _, g in inside.groupby(key)]
        if cells_shown:
            blocks[t] = Block(frozenset(group[unit]), frozenset(cells_shown))
    return blocks


def against_earlier(blocks: dict, earlier: Sequence[Block]) -> set:
    """The totals whose :class:`Block` an earlier publication's blocks would let a reader difference: a total
    is safe beside an earlier block only if they share no unit, or count the same units and it publishes no
    cell the earlier did not. Any other overlap (a municipality, a staff member or a day more or less, a
    changed registration, another suppression pattern) could give back cells under the threshold."""
    return {
        t
        for t, b in blocks.items()
        for e in earlier
        if b.units & e.units and not (b.units == e.units and b.published <= e.published)
    }


def hide_totals(cells: dict[str, pd.DataFrame], total: list[str], totals: set, reason: str) -> None:
    """Suppress each total in ``totals`` (values of the ``total`` key) and every cell of its splits."""
    for f in cells.values():
        key = f[total].apply(tuple, axis=1) if len(total) > 1 else f[total[0]]
        hit = key.isin(totals) & ~f["suppressed"]
        f.loc[hit, "suppressed"] = True
        f.loc[hit, "reason"] = reason


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
