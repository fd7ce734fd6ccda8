"""Where a notebook writes and reads its tables. The pipeline passes the folder of its (staged) run; a
notebook opened in JupyterLab gets none, and then writes to a scratch folder of its scenario
(``data/scratch/<scenario>/``) that the pipeline never reads, so that exploring cannot corrupt a
publication, and reads other notebooks' tables from there or, failing that, from the scenario's published
tables. The notebook says where its outputs went."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ejournal_lib.common.tables_io import read_table, read_table_meta
from ejournal_lib.publishing.display import display_html

__all__ = ["output_folder", "published_folder", "read_processed", "read_processed_meta", "SCRATCH_DIR"]

#: Scratch outputs of interactive runs, per scenario (ignored by git and by the pipeline).
SCRATCH_DIR = Path("data") / "scratch"


def published_folder(scenario) -> Path:
    """The scenario's published tables (data/processed/<scenario>/)."""
    return scenario.root / "data" / "processed" / scenario.name


def output_folder(scenario, processed_dir: str | Path | None) -> Path:
    """The folder this run writes to: ``processed_dir`` when the pipeline gives one, else the scenario's
    scratch folder (created, and announced in the notebook)."""
    if processed_dir:
        return Path(processed_dir)
    folder = scenario.root / SCRATCH_DIR / scenario.name
    folder.mkdir(parents=True, exist_ok=True)
    display_html(
        f'<p class="ej-note"><b>Interaktiv kjøring:</b> tabellene fra denne notatboken skrives til '
        f"<code>{folder.relative_to(scenario.root)}</code>, ikke til publiseringen i "
        f"<code>{published_folder(scenario).relative_to(scenario.root)}</code>; <code>ejournal run</code> "
        "lager vedleggene.</p>"
    )
    return folder


def _where(name: str, folder: Path, scenario) -> Path | None:
    for candidate in (Path(folder), published_folder(scenario)):
        if (candidate / f"{name}.csv").is_file():
            return candidate
    return None


def read_processed(name: str, folder: Path, scenario) -> pd.DataFrame | None:
    """Another notebook's table: from ``folder`` (this run's), else from the scenario's published tables;
    None if neither has it."""
    found = _where(name, folder, scenario)
    return read_table(found / f"{name}.csv") if found else None


def read_processed_meta(name: str, folder: Path, scenario) -> dict:
    """The metadata of a table :func:`read_processed` would read."""
    found = _where(name, folder, scenario)
    return read_table_meta(found, name) if found else {}
