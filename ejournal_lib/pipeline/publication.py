"""All-or-nothing publication of a run: a lock on the output folder, a staging area the notebooks write into,
and one atomic publishing step, only when every notebook of the run succeeded.

Each publication of a scenario is a version folder (``.publications/<scenario>/<version>/`` below the output
folder) holding the tables, appendices, executed notebooks, cache state, workbook and manifest; the symbolic
link ``.publications/<scenario>/current`` names the published one. The places readers use
(``data/processed/<scenario>``, ``reports/<scenario>/appendices``, ``…/tabeller.xlsx``, ``…/manifest.json``, …)
are links through ``current``. Publishing swaps ``current`` with one ``os.replace``: a reader, or a run killed
at any instant, sees the old publication whole or the new one whole, and the manifest always describes the
files beside it. Versions no longer current are removed by the next run.
"""

from __future__ import annotations

import fcntl
import logging
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import IO

from ejournal_lib.common.errors import EjournalError
from ejournal_lib.pipeline.paths import ProjectPaths
from ejournal_lib.pipeline.processes import process_alive

__all__ = ["RunLockedError", "RunLock", "Staging", "remove_stale_scratch", "repair_publication", "publications"]

log = logging.getLogger(__name__)

_STAGING_PREFIX = ".staging-"
_SCRATCH_PREFIX = "ejournal-run-"
#: The folder of publication versions below the output folder, one subfolder per scenario.
PUBLICATIONS = ".publications"
#: What a publication holds: its name in a version folder, and where readers find it (a ProjectPaths
#: attribute, or a file in the scenario's reports folder).
_ITEMS = (
    ("processed", "processed"),
    ("appendices", "appendices"),
    ("executed", "executed"),
    ("state", "state"),
    ("tabeller.xlsx", None),
    ("manifest.json", None),
)


def publications(paths: ProjectPaths) -> Path:
    """The scenario's publication versions and its ``current`` link."""
    return paths.out / PUBLICATIONS / str(paths.scenario)


def _place(paths: ProjectPaths, name: str, attribute: str | None) -> Path:
    """Where readers find item ``name`` of ``paths``' publication."""
    return getattr(paths, attribute) if attribute else paths.reports / name


def _symlink(link: Path, target: str) -> None:
    """Make ``link`` a symbolic link to ``target`` in one step (a new link renamed over the old)."""
    tmp = link.with_name(f".{link.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    os.symlink(target, tmp)
    os.replace(tmp, link)
    fd = os.open(link.parent, os.O_RDONLY)
    try:
        os.fsync(fd)  # the swap survives a power cut, not only a killed process
    finally:
        os.close(fd)


def _link_places(paths: ProjectPaths) -> None:
    """Make every reader's place a link through ``current`` (once; a folder of the layout before versions is
    replaced by its link, and removed)."""
    current = publications(paths) / "current"
    for name, attribute in _ITEMS:
        place = _place(paths, name, attribute)
        target = os.path.relpath(current / name, place.parent)
        if place.is_symlink() and os.readlink(place) == target:
            continue
        place.parent.mkdir(parents=True, exist_ok=True)
        old = place.with_name(place.name + ".old")
        if place.exists() and not place.is_symlink():
            place.rename(old)
        _symlink(place, target)
        shutil.rmtree(old, ignore_errors=True) if old.is_dir() else old.unlink(missing_ok=True)


def repair_publication(paths: ProjectPaths) -> None:
    """After a run that was killed: versions other than ``current`` (a run killed before it published) are
    removed, and the readers' links made where the kill left them missing. The publication itself is whole
    whatever the moment of the kill, so nothing is run again."""
    store = publications(paths)
    current = store / "current"
    if not current.is_symlink():
        return
    keep = os.readlink(current)
    for version in store.iterdir():
        if version.name not in (keep, "current") and not version.is_symlink():
            shutil.rmtree(version, ignore_errors=True)
        elif version.name.endswith(".tmp"):
            version.unlink(missing_ok=True)
    _link_places(paths)


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
    """A private copy of the publication that a run writes into. :meth:`publish` makes it the publication in
    one step; :meth:`discard` keeps only the partly executed notebooks of failed runs (in ``reports/failed``)."""

    def __init__(self, paths: ProjectPaths):
        self.published = paths
        self.dir = paths.out / f"{_STAGING_PREFIX}{os.getpid()}"
        self.paths = ProjectPaths(root=paths.root, out=self.dir, scenario=paths.scenario)
        self.sockets = Path(tempfile.mkdtemp(prefix=f"{_SCRATCH_PREFIX}{os.getpid()}-"))

    def _pairs(self):
        """(name in a version, staged, published) for every folder and file a run writes."""
        for name, attribute in _ITEMS:
            yield name, _place(self.paths, name, attribute), _place(self.published, name, attribute)

    def __enter__(self) -> Staging:
        try:
            shutil.rmtree(self.dir, ignore_errors=True)
            for name, staged, published in self._pairs():
                staged.parent.mkdir(parents=True, exist_ok=True)
                if published.is_dir():
                    shutil.copytree(published, staged)
                elif "." not in name:
                    staged.mkdir(parents=True, exist_ok=True)
                elif published.is_file():
                    shutil.copy2(published, staged)
        except BaseException:  # a full disk while copying, say: nothing of the run stays behind
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)
        shutil.rmtree(self.sockets, ignore_errors=True)

    def publish(self) -> None:
        """Move the staged folders and files into a new version and make it ``current`` in one step; then
        remove the versions no longer current."""
        store = publications(self.published)
        version = store / f"{time.time_ns()}-{os.getpid()}"
        version.mkdir(parents=True)
        for name, staged, _ in self._pairs():
            if staged.exists():
                staged.rename(version / name)
        _symlink(store / "current", version.name)  # the publishing step
        repair_publication(self.published)

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
