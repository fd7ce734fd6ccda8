"""Disclosure control: hand-made hierarchies with known answers, and an independent attacker that combines
published cells by subtraction and addition and must never isolate fewer than k persons."""

import itertools

import numpy as np
import pandas as pd
import pytest

from ejournal_lib.common.disclosure import apply_suppression, check_threshold, protect_hierarchy

SPLITS = {"muni": ["service", "muni"], "role": ["service", "role"]}


def units(spec):
    """Staff-days from ``(muni, role, persons)`` groups: one day per person, unique person ids."""
    rows, pid = [], 0
    for muni, role, n in spec:
        for _ in range(n):
            rows.append({"service": "s", "muni": muni, "role": role, "staff_id": f"P{pid}", "session_id": f"D{pid}"})
            pid += 1
    return pd.DataFrame(rows)


def published_sets(u, decisions):
    """The unit sets of every published cell (the attacker's knowledge, given the keys and the data's design)."""
    out = []
    for name, key in {"total": ["service"], **SPLITS}.items():
        d = decisions[name]
        for _, r in d[~d["suppressed"]].iterrows():
            mask = np.logical_and.reduce([u[c] == r[c] for c in key])
            out.append(frozenset(u.loc[mask, "session_id"]))
    return out


def attack(u, sets, k, rounds=3):
    """Independent attacker: differences of nested published cells and unions of disjoint ones, repeated;
    returns the derivable sets covering 1..k-1 persons."""
    person = dict(zip(u["session_id"], u["staff_id"]))
    known = set(sets)
    for _ in range(rounds):
        new = set()
        for a, b in itertools.permutations(known, 2):
            if b < a:
                new.add(a - b)
            elif not a & b:
                new.add(a | b)
        if new <= known:
            break
        known |= new
    return [s for s in known if 0 < len({person[x] for x in s}) < k]


@pytest.mark.parametrize("k", [4, 1, 0, -3, 2.5, True, "5"])
def test_threshold_below_five_or_not_a_whole_number_is_refused(k):
    with pytest.raises(ValueError, match="at least 5"):
        check_threshold(k)


def test_one_small_part_takes_the_next_smallest_with_it():
    u = units([("x", "a", 6), ("y", "a", 5), ("z", "a", 1)])
    d = protect_hierarchy(u, ["service"], {"muni": SPLITS["muni"]}, 5)["muni"]
    assert d[["muni", "suppressed", "reason"]].values.tolist() == [
        ["x", False, ""],
        ["y", True, "secondary"],
        ["z", True, "threshold"],
    ]


def test_hidden_parts_together_under_the_threshold_hide_one_more():
    u = units([("x", "a", 10), ("y", "a", 3), ("z", "a", 1)])  # y and z together: 4 < 5
    d = protect_hierarchy(u, ["service"], {"muni": SPLITS["muni"]}, 5)["muni"]
    assert d["suppressed"].tolist() == [True, True, True]
    assert d["reason"].tolist() == ["secondary", "threshold", "threshold"]


def test_small_total_hides_all_its_parts():
    u = units([("x", "a", 2), ("y", "a", 2)])
    d = protect_hierarchy(u, ["service"], SPLITS, 5)
    assert d["total"]["suppressed"].tolist() == [True]
    assert d["muni"]["suppressed"].all() and d["role"]["suppressed"].all()


def test_a_difference_across_splits_is_closed():
    # municipalities x (6), y (5), z (2); role c is exactly y's staff, role d is x's and z's staff:
    # with y hidden, published d minus published x would give z (2 persons) back; hiding x instead closes
    # every route (z = total - x - y = d - x), and then nothing else needs hiding.
    u = units([("x", "d", 6), ("y", "c", 5), ("z", "d", 2)])
    d = protect_hierarchy(u, ["service"], SPLITS, 5)
    assert d["muni"].set_index("muni")["reason"].to_dict() == {"x": "secondary", "y": "", "z": "threshold"}
    assert not d["role"]["suppressed"].any()
    assert attack(u, published_sets(u, d), 5) == []


@pytest.mark.parametrize("seed", range(100))
def test_random_hierarchies_resist_the_attacker(seed):
    rng = np.random.default_rng(seed)
    spec = [
        (m, r, int(n))
        for m in "vwxyz"[: rng.integers(2, 6)]
        for r in "abc"[: rng.integers(1, 4)]
        if (n := rng.integers(0, 8)) > 0
    ]
    u = units(spec)
    d = protect_hierarchy(u, ["service"], SPLITS, 5)
    assert attack(u, published_sets(u, d), 5) == []


def in_span(v, vectors):
    """Whether ``v`` is a sum or difference of ``vectors`` (least squares, independent of the audit's cuts)."""
    a = np.column_stack(vectors)
    return bool(np.allclose(a @ np.linalg.lstsq(a, v, rcond=None)[0], v, atol=1e-8))


def derivable_small_sets(u, decisions, k):
    """Every set of finest cells covering 1..k-1 persons whose sum follows from the published cells, by trying
    every subset (brute force)."""
    atoms = u.groupby(["service", "muni", "role"])["staff_id"].agg(frozenset).reset_index()
    published = []
    for name, key in {"total": ["service"], **SPLITS}.items():
        for _, r in decisions[name][~decisions[name]["suppressed"]].iterrows():
            published.append(np.logical_and.reduce([atoms[c] == r[c] for c in key]).astype(float))
    found = []
    for size in range(1, len(atoms) + 1):
        for subset in itertools.combinations(range(len(atoms)), size):
            covered = frozenset().union(*atoms["staff_id"].iloc[list(subset)])
            if len(covered) < k:
                v = np.zeros(len(atoms))
                v[list(subset)] = 1.0
                if published and in_span(v, published):
                    found.append(subset)
    return found


@pytest.mark.parametrize("seed", range(24))
def test_no_subset_of_small_cells_is_derivable_brute_force(seed):
    rng = np.random.default_rng(1000 + seed)
    spec = [(m, r, int(n)) for m in "vwxyz"[: rng.integers(2, 5)] for r in "abc" if (n := rng.integers(0, 6)) > 0]
    u = units(spec[:11])
    if seed % 2:  # some staff members work in two roles of their municipality
        u.loc[u.sample(frac=0.2, random_state=seed).index, "role"] = "c"
    d = protect_hierarchy(u, ["service"], SPLITS, 5)
    assert derivable_small_sets(u, d, 5) == []


def test_the_audit_handles_many_small_cells():
    # 1,000 finest cells of one staff member each (200 municipalities × 5 roles): every municipality and role
    # has 5 staff or more and no set under 5 follows from them; a search over subsets never ends here
    cell = np.arange(1000)
    u = pd.DataFrame({"service": "s", "muni": cell // 5, "role": cell % 5, "staff_id": cell})
    d = protect_hierarchy(u, ["service"], SPLITS, 5)
    assert not d["muni"]["suppressed"].any() and not d["role"]["suppressed"].any()


def test_apply_suppression_empties_every_derived_column_and_fails_safe():
    table = pd.DataFrame(
        {
            "muni": ["x", "y", "q"],
            "minutes": [10.0, 20.0, 30.0],
            "count": [3, 4, 5],
            "margin": [0.1, 0.2, 0.3],
            "ftes": [1.0, 2.0, 3.0],
        }
    )
    decision = pd.DataFrame({"muni": ["x", "y"], "suppressed": [False, True]})
    out = apply_suppression(table, decision, ["muni"], keep=["ftes"])
    assert out["suppressed"].tolist() == [False, True, True]  # q has no decision: suppressed
    assert out["minutes"].isna().tolist() == [False, True, True]
    assert out["count"].isna().tolist() == [False, True, True]
    assert out["margin"].isna().tolist() == [False, True, True]
    assert out["ftes"].tolist() == [1.0, 2.0, 3.0]
