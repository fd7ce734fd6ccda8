"""A publication survives a kill at any instant: readers see the old one whole or the new one whole, the
manifest describes the files beside it, and the next run keeps it without running anything again."""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import random
import signal
import time
from pathlib import Path

import pytest

from ejournal_lib.pipeline import publication
from ejournal_lib.pipeline.paths import ProjectPaths
from ejournal_lib.pipeline.publication import Staging, publications, repair_publication


class Killed(BaseException):
    """The process dies here (nothing after it runs, no cleanup)."""


def _stage(staging: Staging, mark: str) -> None:
    """What a run writes, every file saying ``mark``; the manifest holds the table's hash."""
    p = staging.paths
    for folder in (p.processed, p.appendices, p.executed, p.state):
        folder.mkdir(parents=True, exist_ok=True)
    (p.processed / "t.csv").write_text(f"value\n{mark}\n")
    (p.appendices / "a.html").write_text(mark)
    (p.executed / "a.ipynb").write_text(mark)
    (p.state / "a.json").write_text(json.dumps({"key": mark}))
    (p.reports / "tabeller.xlsx").write_text(mark)
    digest = hashlib.sha256((p.processed / "t.csv").read_bytes()).hexdigest()
    (p.reports / "manifest.json").write_text(json.dumps({"mark": mark, "t.csv": digest}))


def published_mark(paths: ProjectPaths) -> str:
    """The one publication every reader's place shows (fails on a mix, or a manifest that does not match)."""
    marks = {
        (paths.processed / "t.csv").read_text().split()[-1],
        (paths.appendices / "a.html").read_text(),
        (paths.executed / "a.ipynb").read_text(),
        json.loads((paths.state / "a.json").read_text())["key"],
        (paths.reports / "tabeller.xlsx").read_text(),
    }
    manifest = json.loads((paths.reports / "manifest.json").read_text())
    assert marks == {manifest["mark"]}, marks
    assert manifest["t.csv"] == hashlib.sha256((paths.processed / "t.csv").read_bytes()).hexdigest()
    return manifest["mark"]


def publish(paths: ProjectPaths, mark: str) -> None:
    staging = Staging(paths)
    with staging:
        _stage(staging, mark)
        staging.publish()


class _Counter:
    """File-system steps that count themselves and die at the ``n``-th."""

    def __init__(self, n: int, originals: dict):
        self.n, self.count, self.originals = n, 0, originals

    def step(self, name: str):
        def run(*args, **kwargs):
            self.count += 1
            if self.count == self.n:
                raise Killed(name)
            return self.originals[name](*args, **kwargs)

        return run


@pytest.fixture
def paths(tmp_path) -> ProjectPaths:
    paths = ProjectPaths(root=tmp_path, out=tmp_path, scenario="s")
    publish(paths, "A")
    return paths


def test_a_kill_at_every_step_of_publishing_leaves_one_whole_publication(paths, monkeypatch):
    """Each file-system step of publishing (making a folder, moving a staged item, making or swapping a link,
    removing an old version) is in turn the one the process dies at."""
    steps = ["mkdir", "rename", "symlink", "replace", "rmtree", "unlink"]
    originals = {
        "mkdir": Path.mkdir,
        "rename": Path.rename,
        "symlink": os.symlink,
        "replace": os.replace,
        "rmtree": publication.shutil.rmtree,
        "unlink": Path.unlink,
    }
    n, previous = 1, "A"
    while True:
        counter = _Counter(n, originals)
        staging = Staging(paths)
        staging.__enter__()
        mark = "B" if previous == "A" else "A"
        _stage(staging, mark)
        with monkeypatch.context() as m:
            m.setattr(Path, "mkdir", counter.step("mkdir"))
            m.setattr(Path, "rename", counter.step("rename"))
            m.setattr(publication.os, "symlink", counter.step("symlink"))
            m.setattr(publication.os, "replace", counter.step("replace"))
            m.setattr(publication.shutil, "rmtree", counter.step("rmtree"))
            m.setattr(Path, "unlink", counter.step("unlink"))
            try:
                staging.publish()
                finished = True
            except Killed:
                finished = False
        shown = published_mark(paths)  # whole, right after the kill
        assert shown in ("A", "B")
        repair_publication(paths)  # what the next run does first
        assert published_mark(paths) == shown
        kept = [v.name for v in publications(paths).iterdir() if v.name != "current"]
        assert kept == [os.readlink(publications(paths) / "current")]
        staging.__exit__(None, None, None)
        previous = shown
        if finished:
            break
        n += 1
    assert n > len(steps)  # the process died at each step before the last run went through


def test_random_kills_while_publishing_again_and_again(paths):
    """A process publishes over and over; it is killed (SIGKILL) at 20 random moments. Each time readers see
    one whole publication, and the next run's repair keeps it."""
    rng = random.Random(7)
    for _ in range(20):
        child = os.fork()
        if child == 0:  # the publisher: never returns
            try:
                for i in itertools.count():
                    publish(paths, "B" if i % 2 == 0 else "A")
            finally:
                os._exit(1)
        time.sleep(rng.uniform(0.0, 0.2))
        os.kill(child, signal.SIGKILL)
        os.waitpid(child, 0)
        shown = published_mark(paths)
        repair_publication(paths)
        assert published_mark(paths) == shown
