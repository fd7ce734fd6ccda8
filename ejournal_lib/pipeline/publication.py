"""All-or-nothing publication of a run: a lock on the output folder, a staging area the notebooks write into,
and one publishing step that replaces tables, appendices, workbook and manifest together, only when every
notebook of the run succeeded. A failed or interrupted run leaves the last good publication whole.
"""

from __future__ import annotations

import fcntl
import logging
import os
import shutil
import tempfile
from pathlib import Path
from typing import IO

from ejournal_lib.common.errors import EjournalError
from ejournal_lib.pipeline.paths import ProjectPaths
from ejournal_lib.pipeline.processes import process_alive

__all__ = ["RunLockedError", "RunLock", "Staging", "remove_stale_scratch"]

log = logging.getLogger(__name__)

_STAGING_PREFIX = ".staging-"
_SCRATCH_PREFIX = "ejournal-run-"


class RunLockedError(EjournalError):
    """Another run is writing to the same output folder."""


class RunLock:
    """An exclusive lock on an output folder (``<folder>/.ejournal.lock``, the scenario's reports folder),
    released when the process ends, however it ends. A second run on the same outputs is refused with a clear
    message; runs of other scenarios are not affected."""

    def __init__(self, folder: Path):
        self.path = Path(folder) / ".ejournal.lock"
        self._fh: IO[str] | None = None

    def __enter__(self) -> RunLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fh = open(self.path, "a+")
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            fh.seek(0)
            holder = fh.read().strip() or "unknown"
            fh.close()
            raise RunLockedError(
                f"another run (process {holder}) is writing to {self.path.parent}; wait for it to finish, or "
                "write elsewhere with --out"
            ) from None
        fh.seek(0)
        fh.truncate()
        fh.write(str(os.getpid()))
        fh.flush()
        self._fh = fh
        return self

    def __exit__(self, *exc) -> None:
        if self._fh is not None:
            fcntl.flock(self._fh, fcntl.LOCK_UN)
            self._fh.close()
            self._fh = None


def remove_stale_scratch(paths: ProjectPaths) -> None:
    """Staging areas and kernel socket folders of runs whose process is gone."""
    for stale in paths.out.glob(_STAGING_PREFIX + "*"):
        pid = stale.name[len(_STAGING_PREFIX) :]
        if pid.isdigit() and not process_alive(int(pid)):
            log.info("removing the staging area of an interrupted run: %s", stale)
            shutil.rmtree(stale, ignore_errors=True)
    for folder in Path(tempfile.gettempdir()).glob(_SCRATCH_PREFIX + "*"):
        pid = folder.name[len(_SCRATCH_PREFIX) :].split("-")[0]
        if pid.isdigit() and not process_alive(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)


class Staging:
    """A private copy of the publication that a run writes into. :meth:`publish` replaces the publication's
    tables, appendices, executed notebooks, cache state, workbook and manifest by the staged ones;
    :meth:`discard` keeps only the partly executed notebooks of failed runs (in ``reports/failed``)."""

    #: What a run writes (the ProjectPaths folders, and files in its reports folder); everything else (e.g.
    #: factsheets, other scenarios) is left alone.
    FOLDERS = ("processed", "appendices", "executed", "state")
    FILES = ("tabeller.xlsx", "manifest.json")

    def __init__(self, paths: ProjectPaths):
        self.published = paths
        self.dir = paths.out / f"{_STAGING_PREFIX}{os.getpid()}"
        self.paths = ProjectPaths(root=paths.root, out=self.dir, scenario=paths.scenario)
        self.sockets = Path(tempfile.mkdtemp(prefix=f"{_SCRATCH_PREFIX}{os.getpid()}-"))

    def _pairs(self):
        """(staged, published) for every folder and file a run writes."""
        for name in self.FOLDERS:
            yield getattr(self.paths, name), getattr(self.published, name), True
        for name in self.FILES:
            yield self.paths.reports / name, self.published.reports / name, False

    def __enter__(self) -> Staging:
        shutil.rmtree(self.dir, ignore_errors=True)
        for staged, published, folder in self._pairs():
            staged.parent.mkdir(parents=True, exist_ok=True)
            if folder and published.is_dir():
                shutil.copytree(published, staged)
            elif folder:
                staged.mkdir(parents=True, exist_ok=True)
            elif published.is_file():
                shutil.copy2(published, staged)
        return self

    def __exit__(self, *exc) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)
        shutil.rmtree(self.sockets, ignore_errors=True)

    def publish(self) -> None:
        """Swap every staged folder and file into place; the manifest goes last, so that a manifest always
        describes what is published."""
        for staged, final, folder in self._pairs():
            final.parent.mkdir(parents=True, exist_ok=True)
            if not folder:
                if staged.is_file():
                    staged.replace(final)
                continue
            old = final.with_name(final.name + ".old")
            shutil.rmtree(old, ignore_errors=True)
            if final.exists():
                final.rename(old)
            staged.rename(final)
            shutil.rmtree(old, ignore_errors=True)

    def keep_failed(self, executed: list[Path]) -> list[Path]:
        """Move the partly executed notebooks of failed notebooks to ``reports/failed``; returns their paths."""
        target = self.published.reports / "failed"
        shutil.rmtree(target, ignore_errors=True)
        kept = []
        for nb in executed:
            if nb.is_file():
                target.mkdir(parents=True, exist_ok=True)
                kept.append(Path(shutil.move(str(nb), target / nb.name)))
        return kept
