"""``ejournal example-data``: write the synthetic example files (seeded, byte for byte reproducible) into
``data/raw/example``, from the generators of the participation and time-use topics."""

from __future__ import annotations

from pathlib import Path

from ejournal_lib.participation.example import example_commitment_register, example_gp_survey
from ejournal_lib.timeuse.example import example_timeuse

__all__ = ["write_example_data", "EXAMPLE_SEED"]

#: The seed the shipped example files were written with.
EXAMPLE_SEED = 20200315


def write_example_data(root: Path, out: Path | None = None, seed: int = EXAMPLE_SEED) -> list[Path]:
    """Write every example file into ``out`` (default ``data/raw/example``); returns the paths."""
    from ejournal_lib.common.municipalities import load_midt_norge, load_population, outside_midt_norge

    raw = Path(root) / "data" / "raw"
    out = Path(out) if out else raw / "example"
    out.mkdir(parents=True, exist_ok=True)
    pop = load_population(raw / "population_municipality_2020.csv")
    area = outside_midt_norge(pop, load_midt_norge(raw / "midt_norge_municipalities_2020.csv")["municipality_code"])
    area = area.sort_values("municipality_code").reset_index(drop=True)
    files = {
        "commitment_register.csv": example_commitment_register(area, seed),
        "gp_survey.csv": example_gp_survey(area, seed=seed),
        **{f"timeuse/{name}": df for name, df in example_timeuse(seed).items()},
    }
    paths = []
    for name, df in files.items():
        path = out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        df.to_csv(tmp, index=False, lineterminator="\n")
        tmp.replace(path)
        paths.append(path)
    return paths
