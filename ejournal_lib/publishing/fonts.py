"""The PDFs' fonts: DejaVu Sans (shipped with matplotlib, so every machine has the same files), reduced once
per machine to the characters the reports use and declared with ``@font-face`` under a name of their own (:data:`FAMILY`).

WeasyPrint subsets every embedded font for every PDF; on the full DejaVu fonts (6 000 glyphs and large layout
tables) that took about 45 % of a factsheet's PDF time. On the reduced fonts it is cheap. Characters outside
the kept ranges still render: the page falls back to the system's fonts for them.
"""

from __future__ import annotations

import functools
import hashlib
import os
from pathlib import Path

from ejournal_lib.common.project import user_cache_dir

__all__ = ["font_face_css", "FAMILY", "KEPT_UNICODE_RANGES"]

#: Unicode ranges kept: Basic Latin, Latin-1, Latin Extended-A, general punctuation, superscripts,
#: currency, letterlike symbols, arrows and mathematical operators.
KEPT_UNICODE_RANGES = (
    (0x0020, 0x007E),
    (0x00A0, 0x017F),
    (0x2000, 0x206F),
    (0x2070, 0x209F),
    (0x20A0, 0x20CF),
    (0x2100, 0x214F),
    (0x2190, 0x21FF),
    (0x2200, 0x22FF),
)

#: The reduced fonts' family name: first in the page's font list, so the PDF uses them; a browser, which does
#: not know it, takes the next one (DejaVu Sans). Under its own name, the system's DejaVu Sans cannot win.
FAMILY = "ejournal DejaVu Sans"

#: (CSS family, weight, style, matplotlib file name)
_FACES = (
    (FAMILY, "normal", "normal", "DejaVuSans.ttf"),
    (FAMILY, "bold", "normal", "DejaVuSans-Bold.ttf"),
    (FAMILY, "normal", "italic", "DejaVuSans-Oblique.ttf"),
    (FAMILY, "bold", "italic", "DejaVuSans-BoldOblique.ttf"),
)


def _reduced(source: Path, folder: Path) -> Path:
    """``source`` reduced to :data:`KEPT_UNICODE_RANGES` (layout features kept), written once, atomically."""
    from fontTools import subset, version

    key = hashlib.sha256(source.read_bytes() + repr((KEPT_UNICODE_RANGES, version)).encode()).hexdigest()[:16]
    target = folder / f"{source.stem}-{key}.ttf"
    if target.is_file():
        return target
    options = subset.Options(layout_features=["*"], name_IDs=["*"], notdef_outline=True, hinting=False)
    font = subset.load_font(str(source), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[u for lo, hi in KEPT_UNICODE_RANGES for u in range(lo, hi + 1)])
    subsetter.subset(font)
    tmp = target.with_suffix(f".{os.getpid()}.tmp")
    subset.save_font(font, str(tmp), options)
    tmp.replace(target)
    for old in folder.glob(f"{source.stem}-*.ttf"):  # reductions by an earlier fontTools or range list
        if old != target and old.stem.count("-") == target.stem.count("-"):
            old.unlink(missing_ok=True)
    return target


@functools.lru_cache(maxsize=1)
def font_face_css() -> str:
    """``@font-face`` rules for the reduced DejaVu fonts (empty if matplotlib's fonts are not found)."""
    import matplotlib

    source_dir = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    folder = user_cache_dir("fonts")
    rules = []
    for family, weight, style, name in _FACES:
        source = source_dir / name
        if not source.is_file():
            return ""
        path = _reduced(source, folder)
        rules.append(
            f'@font-face {{ font-family: "{family}"; font-weight: {weight}; font-style: {style}; '
            f'src: url("{path.as_uri()}"); }}'
        )
    return "\n".join(rules)
