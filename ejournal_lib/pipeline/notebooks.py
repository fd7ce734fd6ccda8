"""The notebook catalogue: each template's parameters cell and the processed tables it reads and writes.

A template declares in its metadata (``metadata.ejournal``) a Norwegian ``title`` and the processed tables it
``writes``; the scenario data inputs its tables rest on and the tables it reads from other notebooks follow
from the result graph (a notebook outside the graph may declare ``inputs``, field names of the scenario's
``data`` section, and ``reads``). Its cell tagged ``parameters`` holds one ``name = literal  # help`` per line (the runner
fills ``scenario_path``, ``processed_dir`` and ``results_store``; everything else comes from the scenario).
"""

from __future__ import annotations

import ast
import graphlib
import hashlib
import json
from dataclasses import dataclass, field, replace
from pathlib import Path

import nbformat

from ejournal_lib.common.errors import ConfigError

__all__ = [
    "Parameter",
    "notebook_parameters_cell",
    "graph_reads",
    "graph_inputs",
    "NotebookSpec",
    "load_notebook_spec",
    "discover_notebooks",
    "execution_order",
    "RUNNER_PARAMETERS",
    "notebook_code_hash",
    "upstream",
    "downstream",
]

#: Parameters the runner fills in itself for every notebook that declares them.
RUNNER_PARAMETERS = ("scenario_path", "processed_dir", "results_store")


@dataclass(frozen=True)
class Parameter:
    name: str
    default: object
    type: str
    help: str


@dataclass(frozen=True)
class NotebookSpec:
    name: str
    path: Path
    title: str
    parameters: dict[str, Parameter]
    inputs: tuple[str, ...] = ()
    reads: tuple[str, ...] = ()
    writes: tuple[str, ...] = ()
    description: str = ""
    extra: dict = field(default_factory=dict)


def notebook_parameters_cell(path: Path) -> dict[str, Parameter]:
    """The parameters of the template's one cell tagged ``parameters``, read by papermill's Python translator:
    name, literal default, its type and the help after ``#``. A default that is not a literal is an error."""
    from papermill.translators import PythonTranslator

    cells = [
        c for c in nbformat.read(path, as_version=4).cells if "parameters" in c.get("metadata", {}).get("tags", [])
    ]
    if len(cells) != 1:
        raise ConfigError(f"{path}: needs exactly one cell tagged 'parameters' (found {len(cells)})")
    params: dict[str, Parameter] = {}
    for p in PythonTranslator.inspect(cells[0]):
        try:
            default = ast.literal_eval(p.default)
        except (ValueError, SyntaxError) as exc:
            raise ConfigError(f"{path}: parameter '{p.name}' must have a literal default, not {p.default!r}") from exc
        params[p.name] = Parameter(p.name, default, type(default).__name__, p.help)
    return params


def load_notebook_spec(path: Path) -> NotebookSpec:
    """Read one template's catalogue entry."""
    meta = nbformat.read(path, as_version=4).metadata.get("ejournal", {})
    if "title" not in meta:
        raise ConfigError(f"{path}: metadata.ejournal.title is missing")
    return NotebookSpec(
        name=path.stem,
        path=path,
        title=meta["title"],
        parameters=notebook_parameters_cell(path),
        inputs=tuple(meta.get("inputs", ())),
        reads=tuple(meta.get("reads", ())),
        writes=tuple(meta.get("writes", ())),
        description=meta.get("description", ""),
        extra={k: v for k, v in meta.items() if k not in {"title", "inputs", "reads", "writes", "description"}},
    )


def discover_notebooks(folder: Path) -> dict[str, NotebookSpec]:
    """All templates in ``folder`` (``*.ipynb``, checkpoints excluded), by name, each with the tables it reads
    from other notebooks and the scenario inputs it rests on, by the result graph (:func:`graph_reads`,
    :func:`graph_inputs`), besides any its metadata declares."""
    paths = sorted(p for p in Path(folder).glob("*.ipynb") if not p.name.startswith("."))
    specs = {p.stem: load_notebook_spec(p) for p in paths}
    reads, inputs = graph_reads(specs), graph_inputs(specs)
    return {
        n: replace(s, reads=tuple(sorted(set(s.reads) | reads[n])), inputs=_merged(s.inputs, inputs[n]))
        for n, s in specs.items()
    }


def _merged(declared: tuple[str, ...], derived: set[str]) -> tuple[str, ...]:
    return (*declared, *sorted(derived - set(declared)))


def graph_inputs(specs: dict[str, NotebookSpec]) -> dict[str, set[str]]:
    """Per notebook, the scenario data inputs (``data`` fields) its tables rest on, by the result graph."""
    from ejournal_lib.results import lineage
    from ejournal_lib.scenario.model import DataPaths

    nodes = {v.name for v in lineage.driver().list_available_variables()}
    fields = set(DataPaths.model_fields)
    return {
        n: fields & set().union(set(), *(lineage.data_inputs(t) for t in s.writes if t in nodes))
        for n, s in specs.items()
    }


def graph_reads(specs: dict[str, NotebookSpec]) -> dict[str, set[str]]:
    """Per notebook, the tables other notebooks publish that its own tables are computed from, by the result
    graph's lineage, where the dependency runs one way only: a notebook then runs after the one it reads from
    and takes their shared values from the run's store. Two notebooks that each read the other's tables run
    side by side (every value is the graph's, whichever notebook computes it first)."""
    from ejournal_lib.results import lineage

    nodes = {v.name for v in lineage.driver().list_available_variables()}
    writer = {t: s.name for s in specs.values() for t in s.writes}
    needs = {n: set().union(set(), *(lineage.upstream(t) for t in s.writes if t in nodes)) for n, s in specs.items()}
    reads: dict[str, set[str]] = {n: set() for n in specs}
    for name, needed in needs.items():
        for table in needed:
            other = writer.get(table)
            if other is not None and other != name and not any(writer.get(t) == name for t in needs[other]):
                reads[name].add(table)
    return reads


def execution_order(specs: dict[str, NotebookSpec]) -> list[list[str]]:
    """Group notebooks into waves (``graphlib``): each wave only reads tables written by earlier waves.

    Raises ConfigError on a table written by two notebooks or a dependency cycle.
    """
    writer: dict[str, str] = {}
    for spec in specs.values():
        for table in spec.writes:
            if table in writer:
                raise ConfigError(f"table '{table}' is written by both '{writer[table]}' and '{spec.name}'")
            writer[table] = spec.name
    sorter = graphlib.TopologicalSorter({n: upstream(specs, n) for n in specs})
    try:
        sorter.prepare()
    except graphlib.CycleError as exc:
        raise ConfigError(f"dependency cycle among notebooks: {sorted(set(exc.args[1]))}") from None
    waves: list[list[str]] = []
    while sorter.is_active():
        ready = sorted(sorter.get_ready())
        waves.append(ready)
        sorter.done(*ready)
    return waves


def upstream(specs: dict[str, NotebookSpec], name: str) -> set[str]:
    """Names of the notebooks whose tables ``name`` reads (directly)."""
    writer = {t: s.name for s in specs.values() for t in s.writes}
    return {writer[t] for t in specs[name].reads if t in writer and writer[t] != name}


def downstream(specs: dict[str, NotebookSpec], name: str) -> set[str]:
    """Names of the notebooks that read ``name``'s tables (directly)."""
    return {n for n in specs if name in upstream(specs, n)}


def notebook_code_hash(path: Path) -> str:
    """Hash of a template's cells (source, type and tags), ignoring outputs and execution counts."""
    nb = nbformat.read(path, as_version=4)
    payload = [(c.cell_type, c.source, sorted(c.get("metadata", {}).get("tags", []))) for c in nb.cells]
    payload.append(nb.metadata.get("ejournal", {}))
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()
