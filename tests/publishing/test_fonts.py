"""The PDFs' reduced fonts: they hold what the reports write, and the PDF embeds them."""

from __future__ import annotations

import re
from pathlib import Path

from fontTools.ttLib import TTFont
from pypdf import PdfReader

from ejournal_lib.publishing.appendix import write_pdf
from ejournal_lib.publishing.fonts import FAMILY, font_face_css


def _font_files(css: str) -> list[Path]:
    return [Path(m.removeprefix("file://")) for m in re.findall(r'url\("([^"]+)"\)', css)]


def test_reduced_fonts_hold_the_reports_characters_and_are_smaller(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    font_face_css.cache_clear()
    try:
        css = font_face_css()
    finally:
        font_face_css.cache_clear()
    files = _font_files(css)
    assert len(files) == 4 and all(f.is_relative_to(tmp_path) for f in files)
    assert css.count(f'font-family: "{FAMILY}"') == 4
    for path in files:
        font = TTFont(path)
        cmap = font.getBestCmap()
        for ch in "AZaz09æøåÆØÅé«»–−→≤…\u202f×€":
            assert ord(ch) in cmap, (path.name, ch)
        assert ord("\u2588") not in cmap  # a block element: outside the kept ranges
        assert len(font.getGlyphOrder()) < 1500  # the full DejaVu Sans has more than 5 000 glyphs


def test_pdf_embeds_the_reduced_font(tmp_path):
    page = (
        '<html><head><style>html { font-family: "ejournal DejaVu Sans", "DejaVu Sans"; }</style></head>'
        "<body><p>Nåverdi − 2 934 mill. kr → «forsvarlig»</p><p><b>Fet</b></p></body></html>"
    )
    pdf = tmp_path / "x.pdf"
    write_pdf(page, pdf, tmp_path)
    fonts = PdfReader(pdf).pages[0]["/Resources"]["/Font"]
    names = sorted(str(f.get_object()["/BaseFont"]).split("+", 1)[1] for f in fonts.values())
    # a subset font is named "<tag>+<family>"; the system's own font would be "DejaVuSans…"
    assert names == ["ejournal-DejaVu-Sans", "ejournal-DejaVu-Sans-Bold"]
    assert not (tmp_path / "x.pdf.tmp").exists()
