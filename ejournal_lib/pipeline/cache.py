"""The runner's cache: a notebook is run again only when its code, the library, the scenario, any file it
reads or any table it reads from another notebook changed (a content hash of all of them)."""

from __future__ import annotations

import hashlib
import json

from ejournal_lib.pipeline.notebooks import notebook_code_hash
from ejournal_lib.pipeline.plan import Plan
from ejournal_lib.pipeline.provenance import sha256_file

__all__ = ["cache_key", "is_current", "record", "invalidate", "outputs_present"]


def cache_key(p: Plan, name: str, inputs: dict[str, str], lib: str) -> str:
    """Hash of everything one notebook's outputs depend on."""
    spec = p.specs[name]
    tables = {
        t: sha256_file(p.paths.processed / f"{t}.csv") if (p.paths.processed / f"{t}.csv").is_file() else None
        for t in spec.reads
    }
    payload = {
        "code": notebook_code_hash(spec.path),
        "library": lib,
        "inputs": inputs,
        "tables": tables,
        "scenario": p.scenario.sha256,
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def outputs_present(p: Plan, name: str) -> bool:
    files = [p.paths.processed / f"{t}.csv" for t in p.specs[name].writes]
    files += [
        p.paths.appendices / f"{name}.html",
        p.paths.appendices / f"{name}.pdf",
        p.paths.executed / f"{name}.ipynb",
    ]
    return all(f.is_file() for f in files)


def is_current(p: Plan, name: str, key: str) -> bool:
    """True when the notebook's recorded key equals ``key`` and all its outputs exist."""
    state = p.paths.state / f"{name}.json"
    return state.is_file() and json.loads(state.read_text()).get("key") == key and outputs_present(p, name)


def record(p: Plan, name: str, key: str) -> None:
    (p.paths.state / f"{name}.json").write_text(json.dumps({"key": key}))


def invalidate(p: Plan, name: str) -> None:
    """Make sure a failed notebook's old appendix and cache entry are not taken as current."""
    for f in (p.paths.appendices / f"{name}.html", p.paths.appendices / f"{name}.pdf", p.paths.state / f"{name}.json"):
        f.unlink(missing_ok=True)
