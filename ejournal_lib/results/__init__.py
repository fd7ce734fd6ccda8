"""The result graph: every published table and key figure of a scenario, computed once, with its lineage.

``result("key_figures")`` from JupyterLab; :class:`ResultGraph` for several nodes of one scenario."""

from ejournal_lib.results.graph import ResultGraph, result, result_graph

__all__ = ["ResultGraph", "result", "result_graph"]
