"""Where the project lives: its root folder, found from the working folder or this package."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["project_root", "use_project_root", "user_cache_dir", "DEFAULT_SCENARIO"]

DEFAULT_SCENARIO = "config/ssd2020.yaml"


def project_root(start: Path | None = None) -> Path:
    """Return the folder holding ``pyproject.toml`` and ``notebooks/``.

    ``EJOURNAL_ROOT`` overrides the search; otherwise the search walks up from ``start`` (default: the
    current directory), then from this package's location.
    """
    env = os.environ.get("EJOURNAL_ROOT")
    if env:
        return Path(env).resolve()
    candidates = [Path(start or Path.cwd()).resolve(), Path(__file__).resolve().parent]
    for base in candidates:
        for folder in [base, *base.parents]:
            if (folder / "pyproject.toml").is_file() and (folder / "notebooks").is_dir():
                return folder
    raise FileNotFoundError("could not find the ejournal project root (a folder with pyproject.toml and notebooks/)")


def use_project_root() -> Path:
    """Make the project root the working folder, so that a notebook opened in JupyterLab (whose kernel
    starts in ``notebooks/``) finds ``config/`` and ``data/`` like a pipeline run does. Returns the root."""
    root = project_root()
    if Path.cwd().resolve() != root:
        os.chdir(root)
    return root


def user_cache_dir(name: str) -> Path:
    """``~/.cache/ejournal/<name>`` (or under ``$XDG_CACHE_HOME``), created private to the user; a per-user
    temporary folder when the home folder is read-only."""
    import os
    import tempfile

    base = os.environ.get("XDG_CACHE_HOME") or (Path.home() / ".cache")
    for folder in (Path(base) / "ejournal" / name, Path(tempfile.gettempdir()) / f"ejournal-{os.getuid()}" / name):
        try:
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            return folder
        except OSError:
            continue
    raise OSError(f"no writable cache folder for {name}")


def secret_key(path: Path) -> bytes:
    """The 32 random bytes kept in ``path``, made on first use and readable by the user only (written whole
    or not at all)."""
    import secrets

    if not path.is_file():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(secrets.token_bytes(32))
        tmp.replace(path)
    return path.read_bytes()
