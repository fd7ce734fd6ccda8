"""What produced an output: git commit, package and dependency versions, input hashes, parameters."""

from __future__ import annotations

import hashlib
import platform
import subprocess
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

__all__ = [
    "sha256_file",
    "hash_tree",
    "git_state",
    "environment_versions",
    "utc_now",
    "library_hash",
    "scenario_input_hashes",
    "input_status",
]

KEY_PACKAGES = (
    "numpy",
    "pandas",
    "scipy",
    "statsmodels",
    "pydantic",
    "matplotlib",
    "papermill",
    "nbconvert",
    "nbclient",
    "weasyprint",
    "openpyxl",
    "pyyaml",
)


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def hash_tree(folder: Path, relative_to: Path) -> dict[str, str]:
    """sha256 of every file below ``folder`` (hidden files skipped), keyed by path relative to ``relative_to``."""
    folder = Path(folder)
    if not folder.exists():
        return {}
    files = (
        [folder]
        if folder.is_file()
        else sorted(
            p
            for p in folder.rglob("*")
            if p.is_file() and not any(part.startswith(".") for part in p.relative_to(folder).parts)
        )
    )
    return {str(p.relative_to(relative_to)): sha256_file(p) for p in files}


def scenario_input_hashes(scenario, keys=None) -> dict[str, str]:
    """sha256 of every file the scenario names (``keys``: only these data fields), wherever it lies; files
    in a named folder count one by one. Paths below the project root are shown relative to it."""
    out = {}
    for name, path in scenario.data.named_paths():
        if keys is not None and name.split("[")[0] not in keys:
            continue
        for file, digest in hash_tree(path, path.parent if path.is_file() else path).items():
            full = path if path.is_file() else path / file
            out[scenario.relative(full)] = digest
    return dict(sorted(out.items()))


def input_status(root: Path, files) -> dict[str, str]:
    """Per input file (path relative to ``root`` where below it): ``committed``, ``modified`` (differs from
    the commit), ``untracked``, ``outside_repository`` or ``no_git``."""
    root = Path(root).resolve()
    files = [Path(f) if Path(f).is_absolute() else root / f for f in files]
    inside = {f: str(f.resolve().relative_to(root)) for f in files if f.resolve().is_relative_to(root)}

    def git(*args) -> set[str] | None:
        try:
            r = subprocess.run(
                ["git", "-C", str(root), *args, "--", *inside.values()], capture_output=True, text=True, timeout=60
            )
        except (OSError, subprocess.SubprocessError):
            return None
        return set(r.stdout.split("\0")) - {""} if r.returncode == 0 else None

    tracked = git("ls-files", "-z") if inside else set()
    modified = git("diff", "--name-only", "-z", "HEAD") if inside else set()
    out = {}
    for f in files:
        rel = inside.get(f)
        key = rel if rel is not None else str(f)
        if rel is None:
            out[key] = "outside_repository"
        elif tracked is None or modified is None:
            out[key] = "no_git"
        else:
            out[key] = "modified" if rel in modified else ("committed" if rel in tracked else "untracked")
    return dict(sorted(out.items()))


def library_hash() -> str:
    """Hash of the ejournal_lib source code, so that a change to the library invalidates cached runs."""
    root = Path(__file__).resolve().parents[1]
    h = hashlib.sha256()
    for p in sorted(root.rglob("*")):
        if p.is_file() and "__pycache__" not in p.parts:
            h.update(str(p.relative_to(root)).encode())
            h.update(p.read_bytes())
    return h.hexdigest()


def git_state(root: Path) -> dict:
    """Commit id and whether tracked files differ from it; ``None`` values outside a git checkout."""

    def git(*args):
        return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, timeout=30)

    try:
        head = git("rev-parse", "HEAD")
        if head.returncode != 0:
            return {"commit": None, "dirty": None}
        dirty = git("status", "--porcelain", "--untracked-files=no")
        return {"commit": head.stdout.strip(), "dirty": bool(dirty.stdout.strip())}
    except (OSError, subprocess.SubprocessError):
        return {"commit": None, "dirty": None}


def environment_versions() -> dict:
    """Python and key dependency versions."""
    versions: dict[str, str | None] = {"python": platform.python_version()}
    try:
        versions["ejournal"] = metadata.version("ejournal")
    except metadata.PackageNotFoundError:
        from ejournal_lib import __version__

        versions["ejournal"] = __version__
    for name in KEY_PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def utc_now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()
