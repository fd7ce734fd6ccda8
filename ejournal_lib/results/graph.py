"""The result graph: every table and key figure of a scenario as a node, computed once, with its lineage.

Nodes are the functions of the topic modules (:data:`.lineage.NODE_MODULES`), wired by Apache Hamilton from their
parameter names; the one outside input is the loaded ``scenario``. From JupyterLab, one call::

    from ejournal_lib.results import result
    result("key_figures")                                                      # the default scenario
    result("cba_summary", "config/ssd2020.yaml", {"cba.frame.discount_rate": 0.03})

A node's data status follows from its lineage (:mod:`.lineage`).
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import logging
import os
import pickle
from pathlib import Path
from typing import Any

import pandas as pd

from ejournal_lib.common.project import secret_key, user_cache_dir
from ejournal_lib.results import lineage
from ejournal_lib.scenario import Scenario, load_scenario
from ejournal_lib.scenario.data_kinds import example_inputs, input_kinds

__all__ = ["ResultGraph", "result_graph", "result"]


log = logging.getLogger(__name__)


@functools.lru_cache(maxsize=1)
def _store_key() -> bytes:
    """This user's secret for signing stored values (created once, readable by the user only)."""
    return secret_key(user_cache_dir("keys") / "result-store.key")


def _signature(payload: bytes) -> bytes:
    return hmac.new(_store_key(), payload, hashlib.sha256).digest()


class ResultGraph:
    """One scenario's results: :meth:`get` computes a node and what it needs, once, and keeps it.

    With a ``store`` (a folder the pipeline gives each notebook of one run), values are also kept there, so a
    node one notebook computed is read, not recomputed, by the next one.
    """

    def __init__(self, scenario: Scenario, store: Path | None = None):
        self.scenario = scenario
        self.store = Path(store) if store else None
        self._values: dict[str, Any] = {}

    @property
    def nodes(self) -> list[str]:
        """Every node's name (the scenario, the outside input, excluded)."""
        return sorted(v.name for v in lineage.driver().list_available_variables() if v.name != "scenario")

    def get(self, *names: str):
        """The value of one node, or a dict of several; each computed at most once per graph."""
        missing = [n for n in names if n not in self._values]
        if missing:
            unknown = sorted(set(missing) - set(self.nodes))
            if unknown:
                raise KeyError(f"no result named {', '.join(unknown)}; see ResultGraph.nodes")
            self._load(missing)
            needed = [n for n in missing if n not in self._values]
            if needed:
                lineage_of = set().union(*(self.upstream(n) for n in needed))
                known = self._load(lineage_of)
                wanted = sorted(set(needed) | (lineage_of - set(known)))  # what is computed on the way is kept too
                computed = lineage.driver().execute(wanted, inputs={"scenario": self.scenario}, overrides=known)
                self._save(computed)
                self._values.update(computed)
        return self._values[names[0]] if len(names) == 1 else {n: self._values[n] for n in names}

    def conclusion(self, code: str) -> tuple[str, bool]:
        """A generated conclusion's sentence, and whether it rests on synthetic example data (for the summary).
        Only its own node ``<code>_conclusion`` is computed, not every appendix's conclusions."""
        row = self.get(f"{code}_conclusion")
        return row["sentence"], lineage.EXAMPLE in row["data_basis"].split(",")

    def _load(self, names) -> dict[str, Any]:
        """The values of ``names`` known here or in the store (the others are left out). A stored value is
        read only if its signature is this user's (:func:`_signature`): a file planted or changed by anyone
        else is never unpickled, and the value is computed instead."""
        for n in names:
            path = self.store / f"{n}.pkl" if self.store else None
            if n not in self._values and path is not None and path.is_file():
                blob = path.read_bytes()
                signature, payload = blob[:32], blob[32:]
                if hmac.compare_digest(signature, _signature(payload)):
                    self._values[n] = pickle.loads(payload)
                else:
                    log.warning("result store: %s is not signed by this user; computed again", path.name)
        return {n: self._values[n] for n in names if n in self._values}

    def _save(self, values: dict[str, Any]) -> None:
        """Keep ``values`` in the store, each file written whole or not at all."""
        if self.store is None:
            return
        self.store.mkdir(parents=True, exist_ok=True)
        for n, v in values.items():
            payload = pickle.dumps(v, protocol=pickle.HIGHEST_PROTOCOL)
            tmp = self.store / f".{n}.{os.getpid()}.tmp"
            tmp.write_bytes(_signature(payload) + payload)
            tmp.replace(self.store / f"{n}.pkl")

    def upstream(self, name: str) -> set[str]:
        """Every node ``name`` is computed from (itself excluded)."""
        return lineage.upstream(name)

    def synthetic_inputs(self, name: str) -> set[str]:
        """The synthetic example inputs ``name`` rests on (empty: it rests on none)."""
        return set(example_inputs(self.scenario, lineage.data_inputs(name)))

    def data_kinds(self, name: str) -> tuple[str, ...]:
        """The kinds of data status ``name`` rests on (public statistics, published 2020 figure, …); for a
        table, those of its rows (:meth:`row_data_kinds`)."""
        value = self.get(name)
        if not isinstance(value, pd.DataFrame):
            return lineage.kinds(name, input_kinds(self.scenario))
        return lineage.ordered(lineage.kinds_in(self.row_data_kinds(name)))

    def data_status(self, name: str) -> str:
        """``example`` when ``name`` rests on any synthetic example input (:meth:`data_kinds`), else ``public``."""
        return lineage.EXAMPLE if lineage.EXAMPLE in self.data_kinds(name) else lineage.PUBLIC

    def row_data_kinds(self, name: str) -> pd.Series:
        """The kinds each row of table ``name`` rests on, codes joined by "," (see :func:`.lineage.row_kinds`)."""
        return lineage.row_kinds(name, self.get(name), input_kinds(self.scenario))

    def row_data_status(self, name: str) -> pd.Series:
        """The data status of each row of table ``name`` (see :func:`.lineage.row_status`)."""
        return lineage.row_status(name, self.get(name), input_kinds(self.scenario))


def result_graph(
    scenario: Scenario | str | Path = "config/ssd2020.yaml", overrides: dict | None = None, store: str | Path = ""
) -> ResultGraph:
    """The result graph of ``scenario`` (a loaded scenario or its file, with ``overrides`` by dotted path);
    ``store``: the pipeline run's folder of values (empty in JupyterLab: values are kept in the kernel)."""
    if isinstance(scenario, Scenario):
        if overrides:  # the scenario's own overrides, then these
            scenario = load_scenario(scenario.file, {**scenario.overrides, **overrides}, root=scenario.root)
    else:
        scenario = load_scenario(scenario, overrides=overrides)
    return ResultGraph(scenario, Path(store) if store else None)


def result(name: str, scenario: Scenario | str | Path = "config/ssd2020.yaml", overrides: dict | None = None):
    """One node of one scenario, in one call (for JupyterLab)."""
    return result_graph(scenario, overrides).get(name)
