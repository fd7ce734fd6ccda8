"""Where a run writes: processed tables, reports and the runner's state, below an output folder."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ejournal_lib.common.project import project_root

__all__ = ["ProjectPaths"]


@dataclass(frozen=True)
class ProjectPaths:
    """Inputs come from ``root``; disposable outputs go below ``out`` (default: ``root``)."""

    root: Path
    out: Path

    @classmethod
    def at(cls, root: Path | None = None, out: Path | None = None) -> ProjectPaths:
        root = Path(root).resolve() if root else project_root()
        return cls(root=root, out=Path(out).resolve() if out else root)

    @property
    def notebooks(self) -> Path:
        return self.root / "notebooks"

    @property
    def raw(self) -> Path:
        return self.root / "data" / "raw"

    @property
    def config(self) -> Path:
        return self.root / "config"

    @property
    def processed(self) -> Path:
        return self.out / "data" / "processed"

    @property
    def reports(self) -> Path:
        return self.out / "reports"

    @property
    def appendices(self) -> Path:
        return self.reports / "appendices"

    @property
    def executed(self) -> Path:
        return self.reports / "executed"

    @property
    def state(self) -> Path:
        return self.reports / ".state"
