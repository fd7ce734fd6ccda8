"""What every publication of the project has shown from the time-use registrations, for disclosure control
across publications (``docs/disclosure.md``).

The registry lives in the project's ``.disclosure/`` folder (never committed, readable by the user only): a
secret key, and one record per publication. A record holds, per service, the staff-days the publication
counted and, for each cell it published, the staff-days inside it; each staff-day as a keyed hash of its whole
registration (:meth:`DisclosureRegistry.unit_ids`), never an id, a date or a value. Records are written before
the publication they describe is published, so a run killed in between leaves a record too many (more
suppression later), never a publication without its record.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ejournal_lib.common.disclosure import Block
from ejournal_lib.common.project import secret_key

__all__ = ["REGISTRY", "HOME_VARIABLE", "DisclosureRegistry", "registry_folder"]

#: The registry's folder below the project root.
REGISTRY = ".disclosure"
#: An environment variable naming a folder that holds the registries instead (one subfolder per project
#: root); the test suite sets it, so that a developer's own registry never changes what the tests see.
HOME_VARIABLE = "EJOURNAL_DISCLOSURE_HOME"


def registry_folder(root: Path) -> Path:
    """Where the registry of the project at ``root`` is kept."""
    home = os.environ.get(HOME_VARIABLE)
    if not home:
        return Path(root) / REGISTRY
    return Path(home) / hashlib.sha256(str(Path(root).resolve()).encode()).hexdigest()[:16]


@dataclass(frozen=True)
class DisclosureRegistry:
    """The project's registry as it stood when read: its key and the blocks every earlier publication showed."""

    folder: Path
    key: bytes
    blocks: tuple[Block, ...]

    def __getstate__(self) -> dict:  # a stored copy (the run's result store) never holds the key
        return {"folder": self.folder, "blocks": self.blocks}

    def __setstate__(self, state: dict) -> None:
        for name, value in {**state, "key": secret_key(state["folder"] / "key")}.items():
            object.__setattr__(self, name, value)

    @classmethod
    def read(cls, root: Path) -> DisclosureRegistry:
        """The registry of the project at ``root`` (a key is made on first use)."""
        folder = registry_folder(root)
        return cls(folder, secret_key(folder / "key"), tuple(b for path in _records(folder) for b in _blocks(path)))

    def unit_ids(self, units: pd.DataFrame) -> pd.Series:
        """A keyed hash of each row's whole content (a staff-day's registration): the same registration gives
        the same id in every publication, a changed one a new id."""
        text = units.astype(str).agg("\x1f".join, axis=1)
        return text.map(lambda t: hmac.new(self.key, t.encode("utf-8"), hashlib.sha256).hexdigest()[:24])

    def record(self, scenario: str, out: Path, blocks: list[Block]) -> Path | None:
        """Keep what a publication shows (before it is published); the same content is kept once."""
        if not blocks:
            return None
        body = {
            "scenario": scenario,
            "out": str(Path(out).resolve()),
            "blocks": [_body(b) for b in blocks],
        }
        text = json.dumps(body, sort_keys=True)
        path = self.folder / "publications" / f"{hashlib.sha256(text.encode()).hexdigest()[:32]}.json"
        if not path.is_file():
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(text, encoding="utf-8")
            tmp.replace(path)
        return path

    def forget(self, out: Path) -> int:
        """Remove the records of the publications in output folder ``out`` (when its outputs are removed);
        returns how many were removed."""
        target, removed = str(Path(out).resolve()), 0
        for path in _records(self.folder):
            if json.loads(path.read_text(encoding="utf-8")).get("out") == target:
                path.unlink()
                removed += 1
        return removed


def _records(folder: Path) -> list[Path]:
    return sorted((folder / "publications").glob("*.json"))


def _body(block: Block) -> dict:
    units = sorted(block.units)
    index = {u: i for i, u in enumerate(units)}
    return {"units": units, "published": sorted(sorted(index[u] for u in cell) for cell in block.published)}


def _blocks(path: Path) -> list[Block]:
    body = json.loads(path.read_text(encoding="utf-8"))
    blocks = []
    for b in body["blocks"]:
        units = b["units"]
        blocks.append(Block(frozenset(units), frozenset(frozenset(units[i] for i in cell) for cell in b["published"])))
    return blocks
