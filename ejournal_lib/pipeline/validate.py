"""``ejournal validate``: check raw input files against the schemas the topics register, every problem at once."""

from __future__ import annotations

import importlib
import inspect
import logging
import re
from collections.abc import Iterable
from pathlib import Path

from ejournal_lib.common.errors import InputError, InputProblem
from ejournal_lib.common.validation import SCHEMAS, TableSchema, read_raw_table

__all__ = ["validate_paths", "schema_for"]

log = logging.getLogger(__name__)

#: Topic modules that register schemas for raw files.
_SCHEMA_MODULES = (
    "ejournal_lib.common.municipalities",
    "ejournal_lib.cba.benefit_realisation",
    "ejournal_lib.participation.register",
    "ejournal_lib.participation.gp_uptake",
    "ejournal_lib.timeuse.data",
)


def schema_for(path: Path, scenario) -> TableSchema | None:
    """The registered schema whose file-name pattern matches ``path`` (None if none does)."""
    for module in _SCHEMA_MODULES:
        importlib.import_module(module)
    for pattern, factory in SCHEMAS.items():
        if re.fullmatch(pattern, path.name):
            return factory(scenario) if inspect.signature(factory).parameters else factory()
    return None


def validate_paths(paths: Iterable[Path], scenario, checked: list | None = None) -> list[InputProblem]:
    """Validate files (folders: every CSV/Excel file inside) against their registered schemas.

    ``checked``, if given, receives ``(file, schema name or None)`` for every file looked at."""
    files: list[Path] = []
    problems: list[InputProblem] = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            files.extend(sorted(f for f in p.rglob("*") if f.suffix.lower() in (".csv", ".xlsx")))
        elif p.is_file():
            files.append(p)
        else:
            problems.append(InputProblem(str(p), None, None, "file or folder not found"))
    for f in files:
        schema = schema_for(f, scenario)
        if checked is not None:
            checked.append((f, schema.name if schema else None))
        if schema is None:
            log.info("no schema for %s; skipped", f)
            continue
        try:
            read_raw_table(f, schema)
        except InputError as exc:
            problems.extend(exc.problems)
    return problems
