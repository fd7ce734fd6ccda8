"""The committed example files are exactly what ``ejournal example-data`` generates (seeded)."""

import filecmp


def test_example_data_is_reproducible(root, tmp_path):
    from ejournal_lib.pipeline.example_data import write_example_data

    for path in write_example_data(root, tmp_path):
        committed = root / "data" / "raw" / "example" / path.relative_to(tmp_path)
        assert filecmp.cmp(path, committed, shallow=False), f"{path.name} differs from the generator's output"
