"""The result graph: every table and key figure of a scenario as a node, computed once, with its lineage.

Nodes are the functions of the topic modules (:data:`.lineage.NODE_MODULES`), wired by Apache Hamilton from their
parameter names; the one outside input is the loaded ``scenario``. From JupyterLab, one call::

    from ejournal_lib.results import result
    result("key_figures")                                                      # the default scenario
    result("cba_summary", "config/ssd2020.yaml", {"cba.frame.discount_rate": 0.03})

A node's data status follows from its lineage (:mod:`.lineage`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from ejournal_lib.results import lineage
from ejournal_lib.scenario import Scenario, load_scenario
from ejournal_lib.scenario.model import example_inputs

__all__ = ["ResultGraph", "result_graph", "result"]


class ResultGraph:
    """One scenario's results: :meth:`get` computes a node and what it needs, once, and keeps it."""

    def __init__(self, scenario: Scenario):
        self.scenario = scenario
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
            known = dict(self._values)
            self._values.update(lineage.driver().execute(missing, inputs={"scenario": self.scenario}, overrides=known))
        return self._values[names[0]] if len(names) == 1 else {n: self._values[n] for n in names}

    def upstream(self, name: str) -> set[str]:
        """Every node ``name`` is computed from (itself excluded)."""
        return lineage.upstream(name)

    def synthetic_inputs(self, name: str) -> set[str]:
        """The synthetic example inputs ``name`` rests on (empty: it rests on none)."""
        return set(example_inputs(self.scenario, lineage.data_inputs(name)))

    def data_status(self, name: str) -> str:
        """``example`` when ``name`` rests on any synthetic example input, else ``public``."""
        return lineage.status(name, set(example_inputs(self.scenario)))

    def row_data_status(self, name: str) -> pd.Series:
        """The data status of each row of table ``name`` (see :func:`.lineage.row_status`)."""
        return lineage.row_status(name, self.get(name), set(example_inputs(self.scenario)))


def result_graph(scenario: Scenario | str | Path = "config/ssd2020.yaml", overrides: dict | None = None) -> ResultGraph:
    """The result graph of ``scenario`` (a loaded scenario or its file, with ``overrides`` by dotted path)."""
    if not isinstance(scenario, Scenario) or overrides:
        path = scenario.path if isinstance(scenario, Scenario) else scenario
        scenario = load_scenario(path, overrides=overrides)
    return ResultGraph(scenario)


def result(name: str, scenario: Scenario | str | Path = "config/ssd2020.yaml", overrides: dict | None = None):
    """One node of one scenario, in one call (for JupyterLab)."""
    return result_graph(scenario, overrides).get(name)
