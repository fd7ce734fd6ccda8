"""Scenario files (``config/<scenario>.yaml``): notebook parameters and model inputs, checked before any run.

Top-level keys: ``name``, ``title``, ``description``, ``notebooks`` (notebook name → parameters) and one
section per model (e.g. ``cba``), each checked by its own module so that a misspelt key fails early.
"""

from __future__ import annotations

import hashlib
import importlib
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ejournal_lib.common.errors import ConfigError

__all__ = ["Scenario", "load_scenario", "resolve_scenario_path", "check_scenario", "read_yaml"]

_TOP_LEVEL = {"name", "title", "description", "notebooks"}
#: Model sections and the function that checks each (module:function, imported lazily).
SECTION_CHECKERS = {
    "cba": "ejournal_lib.cba.inputs:check_cba_section",
}


@dataclass(frozen=True)
class Scenario:
    name: str
    title: str
    path: Path
    sha256: str
    notebooks: dict[str, dict]
    sections: dict[str, dict] = field(default_factory=dict)
    description: str = ""


def read_yaml(path: str | Path, what: str) -> dict:
    """Read a YAML configuration or data file whose top level is a mapping; ConfigError naming ``what`` and
    the path when it is missing, unreadable or not a mapping. An empty file gives ``{}``."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"{what} not found: {path}")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{what} {path} is not readable YAML: {exc}") from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"{what} {path}: expected a mapping at the top level")
    return data


def resolve_scenario_path(value: str | Path, root: Path) -> Path:
    """Accept a path or a bare scenario name (``ssd2020`` → ``config/ssd2020.yaml``)."""
    p = Path(value)
    if not p.suffix and len(p.parts) == 1:
        p = Path("config") / f"{p}.yaml"
    return p if p.is_absolute() else (root / p)


def load_scenario(path: str | Path) -> Scenario:
    """Read and check the structure of a scenario file; raises ConfigError naming the path."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"scenario file not found: {path}")
    raw_bytes = path.read_bytes()
    try:
        data = yaml.safe_load(raw_bytes.decode("utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ConfigError(f"scenario file {path} is not readable YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"scenario file {path}: expected a mapping at the top level")
    unknown = sorted(set(data) - _TOP_LEVEL - set(SECTION_CHECKERS))
    if unknown:
        raise ConfigError(f"scenario file {path}: unknown top-level key(s) {unknown}; "
                          f"valid: {sorted(_TOP_LEVEL | set(SECTION_CHECKERS))}")
    if "name" not in data:
        raise ConfigError(f"scenario file {path}: 'name' is missing")
    notebooks = data.get("notebooks") or {}
    if not isinstance(notebooks, dict) or not all(isinstance(v, dict) for v in notebooks.values()):
        raise ConfigError(f"scenario file {path}: 'notebooks' must map notebook names to parameter mappings")
    return Scenario(
        name=str(data["name"]),
        title=str(data.get("title", data["name"])),
        path=path.resolve(),
        sha256=hashlib.sha256(raw_bytes).hexdigest(),
        notebooks=notebooks,
        sections={k: data[k] for k in SECTION_CHECKERS if k in data},
        description=str(data.get("description", "")),
    )


def check_scenario(scenario: Scenario, specs: dict) -> None:
    """Check every notebook parameter and model section; one ConfigError listing all problems."""
    problems: list[str] = []
    for nb_name, params in scenario.notebooks.items():
        if nb_name not in specs:
            problems.append(f"unknown notebook '{nb_name}'; valid: {sorted(specs)}")
            continue
        valid = specs[nb_name].user_parameters
        for key in params:
            if key not in valid:
                problems.append(f"notebooks.{nb_name}: unknown parameter '{key}'; valid: {sorted(valid)}")
    for section, target in SECTION_CHECKERS.items():
        if section in scenario.sections:
            module, func = target.split(":")
            try:
                getattr(importlib.import_module(module), func)(scenario.sections[section])
            except ConfigError as exc:
                problems.append(str(exc))
    if problems:
        raise ConfigError(f"scenario file {scenario.path}:\n" + "\n".join(f"  - {p}" for p in problems))
