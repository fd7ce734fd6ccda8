"""Benchmark (not a test): the secondary-suppression audit on many small cells.

Times, in the same run: ``ejournal_lib.common.disclosure.protect_hierarchy`` (a minimum cut per pair of parts:
polynomial) and the audit it replaced (a depth-first search over every set of small finest cells, each set
tested for being a sum or difference of published cells by least squares). The search grows about as n⁴ in
the number of small cells, so both are timed on a hierarchy of ``--compare`` small cells, and the new audit
alone on ``--n`` (1,000 by default; it must finish in under 10 s). Prints the times, their ratio, and whether
the two audits published the same cells.

    python benchmarks/bench_disclosure.py [--n 1000] [--compare 30]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from ejournal_lib.common.disclosure import protect_hierarchy

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
from record import save

SPLITS = {"municipality": ["service", "municipality"], "role": ["service", "role"]}
K = 5


def small_cells(n: int) -> pd.DataFrame:
    """One service with ``n`` small finest cells: municipalities of five staff members in five roles (one staff
    member, one staff-day each), so every finest cell is under k while every municipality and role is published,
    and no set of cells under k can be derived: the search must try every one."""
    cell = np.arange(n)
    return pd.DataFrame({"service": "s", "municipality": cell // 5, "role": cell % 5, "staff_id": cell})


def exhaustive(units: pd.DataFrame, k: int = K) -> dict[str, pd.DataFrame]:
    """The audit before: the same rules, small sets found by a search over subsets (as in commit 4181097)."""
    keys = {"total": ["service"], **SPLITS}
    finest = ["service", "municipality", "role"]
    atoms = units.groupby(finest)["staff_id"].agg(frozenset).rename("persons").reset_index()
    cells = {}
    for name, key in keys.items():
        f = units.groupby(key)["staff_id"].nunique().rename("n_persons").reset_index()
        f["suppressed"] = f["n_persons"] < k
        cells[name] = f
    incidence = {
        (name, i): np.logical_and.reduce([atoms[c] == cells[name].loc[i, c] for c in key]).astype(float)
        for name, key in keys.items()
        for i in cells[name].index
    }

    def shown(excluding=None):
        return [c for c in incidence if c != excluding and not cells[c[0]].loc[c[1], "suppressed"]]

    def in_span(v, vectors):
        a = np.column_stack(vectors)
        return bool(np.allclose(a @ np.linalg.lstsq(a, v, rcond=None)[0], v, atol=1e-8))

    persons = atoms["persons"].tolist()

    def small_set(published):
        order = sorted((i for i in range(len(persons)) if len(persons[i]) < k), key=lambda i: (len(persons[i]), i))

        def search(start, chosen, covered):
            for j in range(start, len(order)):
                now = covered | persons[order[j]]
                if len(now) >= k:
                    continue
                v = np.zeros(len(persons))
                v[[*chosen, order[j]]] = 1.0
                if in_span(v, published):
                    return v
                if (found := search(j + 1, [*chosen, order[j]], now)) is not None:
                    return found
            return None

        return search(0, [], frozenset())

    while (small := small_set([incidence[c] for c in shown()])) is not None:
        parts = sorted((c for c in shown() if c[0] != "total"), key=lambda c: (cells[c[0]].loc[c[1], "n_persons"], c))
        choice = next((c for c in parts if not in_span(small, [incidence[o] for o in shown(c)])), parts[0])
        cells[choice[0]].loc[choice[1], "suppressed"] = True
    return cells


def published(cells: dict[str, pd.DataFrame]) -> int:
    return sum(int((~d["suppressed"]).sum()) for d in cells.values())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--compare", type=int, default=30)
    args = ap.parse_args()
    small = small_cells(args.compare)
    start = time.perf_counter()
    new = protect_hierarchy(small, ["service"], SPLITS, K)
    new_seconds = time.perf_counter() - start
    start = time.perf_counter()
    old = exhaustive(small)
    old_seconds = time.perf_counter() - start
    large = small_cells(args.n)
    start = time.perf_counter()
    cells = protect_hierarchy(large, ["service"], SPLITS, K)
    large_seconds = time.perf_counter() - start
    print(
        f"{args.compare} small cells: published {published(new)} cells (search: {published(old)}); "
        f"{args.n} small cells: {large_seconds:.2f} s, {published(cells)} cells published"
    )
    save(
        "disclosure",
        f"secondary suppression on {args.compare} small cells",
        "minimum cuts",
        new_seconds,
        "search over subsets",
        old_seconds,
        large_cells=args.n,
        large_seconds=round(large_seconds, 3),
        same_cells_published=published(new) == published(old),
    )


if __name__ == "__main__":
    main()
