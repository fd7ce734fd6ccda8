"""Lineage in the result graph: what each node is computed from, which scenario data inputs it rests on, and
so its data status, for a whole table or row by row. It reads the graph's structure, never its values.

The leaves are the input nodes (:data:`~ejournal_lib.results.inputs.INPUT_NODES`), each reading named
scenario inputs; each input has its kinds of data status (:func:`~ejournal_lib.scenario.data_kinds.input_kinds`:
synthetic example data, public statistics, a published 2020 figure, calibrated, an analysis choice, a manual
assessment, the project's own measurements). A node's kinds are those of the inputs it rests on; it is
``example`` (marked «eksempeldata») when one of them is synthetic.
"""

from __future__ import annotations

import functools
import importlib

import pandas as pd

from ejournal_lib.scenario.data_kinds import DATA_KINDS

__all__ = [
    "NODE_MODULES",
    "ROW_BASIS",
    "EXAMPLE",
    "PUBLIC",
    "driver",
    "upstream",
    "data_inputs",
    "kinds",
    "ordered",
    "joined",
    "kinds_in",
    "status",
    "row_kinds",
    "row_status",
    "topics",
    "topic_edges",
    "conclusion_row",
]

#: The modules whose functions are the graph's nodes, by topic.
NODE_MODULES = (
    "ejournal_lib.results.inputs",
    "ejournal_lib.results.baseline",
    "ejournal_lib.results.participation",
    "ejournal_lib.results.analysis",
    "ejournal_lib.results.governance",
    "ejournal_lib.results.key_figures",
    "ejournal_lib.results.summaries",
    "ejournal_lib.results.conclusions",
    "ejournal_lib.results.governance_conclusions",
    "ejournal_lib.results.participation_conclusions",
    "ejournal_lib.results.baseline_conclusions",
    "ejournal_lib.results.assessment",
)

#: Data status codes (words in the label catalogue's ``data_basis`` domain).
EXAMPLE, PUBLIC = "example", "public"

#: Columns whose value says which branch of the lineage a row rests on: rows computed under a GP assumption
#: from the survey rest on the survey's estimates; the others do not (the model's own GP rule is the 2020 one).
ROW_BASIS = {
    column: {
        "survey": "gp_survey_estimates",
        "survey_incentive": "gp_survey_estimates",
        "pessimistic_survey": "gp_survey_estimates",  # the sensitivity table's combined case with the survey's share
    }
    for column in ("gp_assumption", "variant")  # ``variant``: the sensitivity table's GP uptake rows
}
_BRANCHES = frozenset(b for mapping in ROW_BASIS.values() for b in mapping.values())


@functools.lru_cache(maxsize=1)
def driver():
    """The Apache Hamilton driver over :data:`NODE_MODULES` (built once per process; it holds no results)."""
    from hamilton import base
    from hamilton import driver as hamilton_driver

    modules = [importlib.import_module(m) for m in NODE_MODULES]
    return hamilton_driver.Builder().with_modules(*modules).with_adapters(base.DictResult()).build()


@functools.lru_cache(maxsize=1)
def _dependencies() -> dict[str, tuple[str, ...]]:
    return {
        v.name: tuple(v.required_dependencies | v.optional_dependencies) for v in driver().list_available_variables()
    }


def upstream(name: str, without: frozenset = frozenset()) -> set[str]:
    """Every node ``name`` is computed from (itself and the scenario excluded), not following ``without``."""
    seen, todo = set(), [name]
    while todo:
        for dep in _dependencies().get(todo.pop(), ()):
            if dep not in seen and dep not in without and dep != "scenario":
                seen.add(dep)
                todo.append(dep)
    return seen


def data_inputs(name: str, without: frozenset = frozenset()) -> set[str]:
    """The scenario data inputs (``scenario.data`` fields) that ``name`` rests on."""
    from ejournal_lib.results.inputs import INPUT_NODES

    lineage = upstream(name, without) | {name}
    return {key for node, keys in INPUT_NODES.items() if node in lineage for key in keys}


def ordered(kinds) -> tuple[str, ...]:
    """``kinds`` (codes, in any order) in the order of :data:`~ejournal_lib.scenario.data_kinds.DATA_KINDS`."""
    found = set(kinds)
    return tuple(k for k in DATA_KINDS if k in found)


def joined(kinds) -> str:
    """``kinds`` as a table cell holds them: ordered codes joined by ","."""
    return ",".join(ordered(kinds))


def conclusion_row(conclusion: str, sentence: str, condition: str, kinds) -> dict:
    """One generated conclusion as the ``conclusions`` table holds it: its code, sentence, the condition that
    chose the wording and the kinds of data status it rests on (codes, in any order)."""
    return {"conclusion": conclusion, "sentence": sentence, "condition": condition, "data_basis": joined(kinds)}


def kinds_in(cells) -> set[str]:
    """Every kind in a column of joined codes (empty and missing cells hold none)."""
    return {k for cell in cells if isinstance(cell, str) for k in cell.split(",") if k}


def kinds(name: str, input_kinds: dict[str, tuple[str, ...]], without: frozenset = frozenset()) -> tuple[str, ...]:
    """The kinds of data status of the inputs ``name`` rests on (``input_kinds``: input → its kinds), in the
    order of :data:`~ejournal_lib.scenario.data_kinds.DATA_KINDS`."""
    return ordered(k for key in data_inputs(name, without) for k in input_kinds.get(key, ()))


def status(name: str, input_kinds: dict[str, tuple[str, ...]], without: frozenset = frozenset()) -> str:
    """:data:`EXAMPLE` when ``name`` rests on any synthetic example input, else :data:`PUBLIC`."""
    return EXAMPLE if EXAMPLE in kinds(name, input_kinds, without) else PUBLIC


def row_kinds(name: str, table: pd.DataFrame, input_kinds: dict[str, tuple[str, ...]]) -> pd.Series:
    """The kinds each row of table ``name`` rests on, as codes joined by ","): every row rests on the lineage
    outside the :data:`ROW_BASIS` branches, and a row whose branch column names a branch on that branch too. A
    table with a ``data_basis`` column (stop points, goals: derived by lineage per criterion) is taken at its
    word."""
    if "data_basis" in table.columns:  # a table that already says, row by row, what each row rests on
        return table["data_basis"].fillna("").astype(str)
    base = set(kinds(name, input_kinds, _BRANCHES))
    rows = [set(base) for _ in range(len(table))]
    for column, mapping in ROW_BASIS.items():
        if column in table.columns:
            for value, branch in mapping.items():
                extra = set(kinds(branch, input_kinds))
                for i in (table[column] == value).to_numpy().nonzero()[0]:
                    rows[i] |= extra
    return pd.Series([joined(r) for r in rows], index=table.index, dtype=object)


def row_status(name: str, table: pd.DataFrame, input_kinds: dict[str, tuple[str, ...]]) -> pd.Series:
    """:data:`EXAMPLE` or :data:`PUBLIC` for each row of table ``name`` (:func:`row_kinds`)."""
    return row_kinds(name, table, input_kinds).map(lambda k: EXAMPLE if EXAMPLE in k.split(",") else PUBLIC)


def topics() -> dict[str, list[str]]:
    """Topic module (``inputs``, ``analysis``, …) → the nodes it defines (builders' dicts left out)."""
    out: dict[str, list[str]] = {}
    for v in driver().list_available_variables():
        if v.name == "scenario" or v.name.endswith("_results"):
            continue
        out.setdefault(v.tags.get("module", "").rsplit(".", 1)[-1], []).append(v.name)
    return out


def topic_edges() -> set[tuple[str, str]]:
    """(from topic, to topic) wherever a node of one is computed from a node of the other."""
    topic_of = {n: t for t, names in topics().items() for n in names}
    builders = {v.name: v.tags.get("module", "").rsplit(".", 1)[-1] for v in driver().list_available_variables()}
    edges = set()
    for name, deps in _dependencies().items():
        for dep in deps:
            a, b = topic_of.get(dep, builders.get(dep)), topic_of.get(name, builders.get(name))
            if a and b and a != b and dep != "scenario":
                edges.add((a, b))
    return edges
