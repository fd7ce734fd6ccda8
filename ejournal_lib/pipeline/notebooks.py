"""The notebook catalogue: each template's parameters cell and the processed tables it reads and writes.

A template declares in its metadata (``metadata.ejournal``) a Norwegian ``title``, the scenario data paths
it reads (``inputs``, field names of the scenario's ``data`` section) and the processed tables it ``reads``
and ``writes``; its cell tagged ``parameters`` holds one ``name = literal  # help`` per line (the runner
fills ``scenario_path`` and ``processed_dir``; everything else comes from the scenario).
"""

from __future__ import annotations

import ast
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from ejournal_lib.common.errors import ConfigError

__all__ = [
    "Parameter",
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


def parse_parameters_cell(source: str, where: str) -> dict[str, Parameter]:
    """Parse ``name = literal  # help`` lines; anything else in the cell is an error."""
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        raise ConfigError(f"{where}: parameters cell is not valid Python: {exc}") from exc
    lines = source.splitlines()
    params: dict[str, Parameter] = {}
    for node in tree.body:
        if not (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)):
            raise ConfigError(f"{where}: line {node.lineno} of the parameters cell must be 'name = literal  # help'")
        name = node.targets[0].id
        try:
            default = ast.literal_eval(node.value)
        except ValueError as exc:
            raise ConfigError(f"{where}: parameter '{name}' must have a literal default") from exc
        tail = lines[(node.end_lineno or node.lineno) - 1][node.value.end_col_offset :]
        help_text = tail.split("#", 1)[1].strip() if "#" in tail else ""
        params[name] = Parameter(name, default, type(default).__name__, help_text)
    return params


def load_notebook_spec(path: Path) -> NotebookSpec:
    """Read one template's catalogue entry."""
    nb = nbformat.read(path, as_version=4)
    meta = nb.metadata.get("ejournal", {})
    cells = [c for c in nb.cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    if len(cells) != 1:
        raise ConfigError(f"{path}: needs exactly one cell tagged 'parameters' (found {len(cells)})")
    if "title" not in meta:
        raise ConfigError(f"{path}: metadata.ejournal.title is missing")
    return NotebookSpec(
        name=path.stem,
        path=path,
        title=meta["title"],
        parameters=parse_parameters_cell(cells[0].source, str(path)),
        inputs=tuple(meta.get("inputs", ())),
        reads=tuple(meta.get("reads", ())),
        writes=tuple(meta.get("writes", ())),
        description=meta.get("description", ""),
        extra={k: v for k, v in meta.items() if k not in {"title", "inputs", "reads", "writes", "description"}},
    )


def discover_notebooks(folder: Path) -> dict[str, NotebookSpec]:
    """All templates in ``folder`` (``*.ipynb``, checkpoints excluded), by name."""
    paths = sorted(p for p in Path(folder).glob("*.ipynb") if not p.name.startswith("."))
    return {p.stem: load_notebook_spec(p) for p in paths}


def execution_order(specs: dict[str, NotebookSpec]) -> list[list[str]]:
    """Group notebooks into waves: each wave only reads tables written by earlier waves.

    Raises ConfigError on a table written by two notebooks or a dependency cycle.
    """
    writer: dict[str, str] = {}
    for spec in specs.values():
        for table in spec.writes:
            if table in writer:
                raise ConfigError(f"table '{table}' is written by both '{writer[table]}' and '{spec.name}'")
            writer[table] = spec.name
    deps = {n: {writer[t] for t in s.reads if t in writer and writer[t] != n} for n, s in specs.items()}
    waves: list[list[str]] = []
    done: set[str] = set()
    while len(done) < len(specs):
        ready = sorted(n for n in specs if n not in done and deps[n] <= done)
        if not ready:
            raise ConfigError(f"dependency cycle among notebooks: {sorted(set(specs) - done)}")
        waves.append(ready)
        done.update(ready)
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
