"""Where a run writes: processed tables, reports and the runner's state, below an output folder."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from ejournal_lib.common.project import project_root

__all__ = ["ProjectPaths"]


@dataclass(frozen=True)
class ProjectPaths:
    """Inputs come from ``root``; disposable outputs go below ``out`` (default: ``root``), in a folder of their
    own per scenario (``data/processed/<scenario>/``, ``reports/<scenario>/``) once ``scenario`` is set, so
    that a run of one scenario never touches another's outputs."""

    root: Path
    out: Path
    scenario: str | None = None

    @classmethod
    def at(cls, root: Path | None = None, out: Path | None = None) -> ProjectPaths:
        root = Path(root).resolve() if root else project_root()
        return cls(root=root, out=Path(out).resolve() if out else root)

    def for_scenario(self, name: str) -> ProjectPaths:
        """The same project with the output folders of scenario ``name``."""
        return replace(self, scenario=name)

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
        base = self.out / "data" / "processed"
        return base / self.scenario if self.scenario else base

    @property
    def reports(self) -> Path:
        base = self.out / "reports"
        return base / self.scenario if self.scenario else base

    @property
    def appendices(self) -> Path:
        return self.reports / "appendices"

    @property
    def executed(self) -> Path:
        return self.reports / "executed"

    @property
    def state(self) -> Path:
        return self.reports / ".state"
