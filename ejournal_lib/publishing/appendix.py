"""Turning an executed notebook into a KS2 appendix: self-contained HTML and an A4 PDF, code hidden.

Page 1 holds the title, the scenario, one line of provenance (run date, commit) and the data status (which
inputs, if any, are synthetic example data); then the notebook, which opens with its summary ("Sammendrag").
Tables and figures are numbered. The appendix ends with "Sporbarhet", the only place for file names,
parameter names and codes: the full provenance, every table with its file, the executed notebook to attach,
and the notebook's own cells tagged ``sporbarhet``. Nothing is fetched from the internet (WeasyPrint renders
the PDF from the same HTML).
"""

from __future__ import annotations

import copy
import functools
import logging
import re
from pathlib import Path

import nbformat
from bs4 import BeautifulSoup
from nbconvert import HTMLExporter
from nbconvert.preprocessors import TagRemovePreprocessor

from ejournal_lib.common.formatting import fmt_date
from ejournal_lib.common.labels import label
from ejournal_lib.common.project import DEFAULT_SCENARIO
from ejournal_lib.publishing.data_status import EXAMPLE_DATA_LABEL, data_status_text
from ejournal_lib.publishing.render import render_template

__all__ = [
    "render_appendix",
    "notebook_body_html",
    "page_html",
    "provenance_rows",
    "provenance_line",
    "run_line",
    "write_pdf",
    "TRACEABILITY_TAG",
]

#: Cells with this tag are shown in the closing "Sporbarhet" section, not where they stand.
TRACEABILITY_TAG = "sporbarhet"

log = logging.getLogger(__name__)

_ANCHOR_LINK = re.compile(r'<a class="anchor-link"[^>]*>.*?</a>', re.S)
_CSS = (Path(__file__).parent / "templates" / "appendix.css").read_text(encoding="utf-8")
_FILTER_JS = """
document.querySelectorAll('table.ej-filterable').forEach(function (t) {
  var box = document.createElement('input');
  box.className = 'ej-filter'; box.placeholder = 'Filtrer tabellen …';
  box.addEventListener('input', function () {
    var q = box.value.toLowerCase();
    t.querySelectorAll('tbody tr').forEach(function (r) {
      r.style.display = r.textContent.toLowerCase().indexOf(q) >= 0 ? '' : 'none'; });
  });
  t.parentNode.insertBefore(box, t);
});
"""


def _strip_for_report(nb, traceability: bool = False):
    """Drop cells tagged remove-cell, inputs tagged remove-input/hide-input (all inputs are hidden anyway)
    and stderr streams (warnings are for the log, not the appendix); keep only the cells tagged
    ``sporbarhet`` (``traceability``) or only the others."""
    nb = copy.deepcopy(nb)
    nb.cells = [c for c in nb.cells if (TRACEABILITY_TAG in c.get("metadata", {}).get("tags", [])) == traceability]
    pre = TagRemovePreprocessor(
        remove_cell_tags={"remove-cell"}, remove_input_tags={"remove-input", "hide-input"}, enabled=True
    )
    nb, _ = pre.preprocess(nb, {})
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = [
                o
                for o in cell.get("outputs", [])
                if not (o.get("output_type") == "stream" and o.get("name") == "stderr")
            ]
    return nb


@functools.cache
def _exporter() -> HTMLExporter:
    """One exporter per process: building one compiles its templates (about 0.3 s)."""
    return HTMLExporter(
        template_name="basic",
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        anchor_link_text="",
    )


def notebook_body_html(nb, traceability: bool = False) -> str:
    """The notebook's markdown and outputs as an HTML fragment, without code."""
    body, _ = _exporter().from_notebook_node(_strip_for_report(nb, traceability))
    return _ANCHOR_LINK.sub("", body)


def provenance_rows(prov: dict) -> list[tuple[str, list[str]]]:
    """What produced the appendix, as (term, lines) pairs: scenario, commit, versions, settings, inputs, time."""
    git = prov.get("git", {})
    commit = (git.get("commit") or "ukjent (ikke en git-sjekkut)") + (
        " (med ulagrede endringer)" if git.get("dirty") else ""
    )
    versions = ", ".join(f"{k} {v}" for k, v in prov.get("versions", {}).items() if v)
    return [
        (
            "Scenario",
            [
                f"{prov.get('scenario_name')} ({prov.get('scenario_path')}, sha256 "
                f"{str(prov.get('scenario_sha256'))[:16]}…)"
            ],
        ),
        ("Git-commit", [commit]),
        ("Versjoner", [versions]),
        ("Inndata (sha256)", [f"{k}: {v[:16]}…{_status(prov, k)}" for k, v in sorted(prov.get("inputs", {}).items())]),
        ("Kjørt (UTC)", [prov.get("started_utc", "")]),
    ]


def _status(prov: dict, path: str) -> str:
    """`` (ikke versjonert)`` etc. for an input that is not as committed."""
    status = prov.get("input_status", {}).get(path, "committed")
    return "" if status == "committed" else f" ({label('input_status', status)})"


def provenance_line(prov: dict) -> str:
    """The provenance in one line (the closing section of short documents): scenario and its hash, commit,
    version, time; the input hashes are in the scenario's manifest."""
    git = prov.get("git", {})
    commit = (git.get("commit") or "ukjent")[:12] + (" (ulagrede endringer)" if git.get("dirty") else "")
    return (
        f"Laget med ejournal {prov.get('versions', {}).get('ejournal', '')} fra scenario "
        f"{prov.get('scenario_name')} ({prov.get('scenario_path')}, sha256 {str(prov.get('scenario_sha256'))[:12]}…), "
        f"git {commit}, {prov.get('started_utc', '')} UTC. Inndata og deres sha256: "
        f"reports/{prov.get('scenario_name')}/manifest.json."
    )


def run_line(prov: dict) -> str:
    """Page 1's provenance in words: when the run was made and from which commit (no file names)."""
    git = prov.get("git", {})
    commit = (git.get("commit") or "")[:12]
    when = fmt_date(str(prov.get("started_utc", ""))[:10]) if prov.get("started_utc") else "ukjent dato"
    source = f"fra git-commit {commit}" if commit else "utenfor versjonskontroll"
    dirty = " med endringer som ikke er lagret i versjonskontrollen" if git.get("dirty") else ""
    return f"Kjørt {when} {source}{dirty}. Full sporbarhet står bakerst."


def _number(body: str) -> tuple[str, list[dict]]:
    """Number the tables and captioned figures of ``body`` ("Tabell 3. …", "Figur 2. …"); return the body
    and the tables (number, caption, file) for the closing section."""
    soup = BeautifulSoup(body, "html.parser")
    tables = []
    for n, wrap in enumerate(soup.select("div.ej-table-wrap"), start=1):
        caption = wrap.find("caption")
        text = caption.get_text(" ", strip=True) if caption else ""
        if caption is not None:
            caption.string = f"Tabell {n}. {text}"
        tables.append({"number": n, "caption": text, "source": wrap.get("data-source")})
    for n, cap in enumerate(soup.select("figure.ej-figure figcaption"), start=1):
        cap.string = f"Figur {n}. {cap.get_text(' ', strip=True)}"
    for marker in soup.select("div.ej-workbook-only"):
        tables.append({"number": None, "caption": marker.get("data-caption", ""), "source": marker.get("data-source")})
        marker.decompose()
    return str(soup), tables


def page_html(
    title: str,
    scenario_title: str,
    body: str,
    prov: dict,
    example_inputs: list[str] | bool,
    compact: bool = False,
    traceability: str = "",
    executed: str | None = None,
    files_in: str | None = None,
) -> str:
    """A complete, self-contained HTML page (CSS inline, no external resources). ``example_inputs`` names the
    synthetic inputs the page is built from; ``compact`` gives the short form (factsheets);
    ``traceability`` is the notebook's own part of the closing section; ``executed`` the executed notebook
    to attach; ``files_in`` the folder the tables' files are in (default ``data/processed/<scenario>``)."""
    synthetic = list(example_inputs) if not isinstance(example_inputs, bool) else []
    banner = data_status_text(synthetic) if synthetic else (EXAMPLE_DATA_LABEL if example_inputs is True else "")
    body, tables = _number(body)
    return render_template(
        "page.html.j2",
        title=title,
        scenario_title=scenario_title,
        banner=banner,
        data_status="" if banner else data_status_text([]),
        compact=compact,
        run_line=run_line(prov),
        provenance_line=provenance_line(prov),
        provenance_rows=provenance_rows(prov),
        tables=tables,
        differences=prov.get("differences", []),
        default_scenario=DEFAULT_SCENARIO,
        scenario=prov.get("scenario_name", ""),
        files_in=files_in or f"data/processed/{prov.get('scenario_name', '')}",
        executed=executed,
        traceability=traceability,
        body=body,
        css=_CSS,
        filter_js=_FILTER_JS,
    )


@functools.lru_cache(maxsize=1)
def _pdf_fonts():
    """One font configuration and the reduced fonts' stylesheet per process (see :mod:`.fonts`)."""
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    from ejournal_lib.publishing.fonts import font_face_css

    config = FontConfiguration()
    return config, [weasyprint.CSS(string=font_face_css(), font_config=config)]


def write_pdf(page: str, pdf_path: Path, base_url: Path) -> None:
    """The page as an A4 PDF, written atomically."""
    import weasyprint

    for name in ("weasyprint", "fontTools"):
        logging.getLogger(name).setLevel(logging.ERROR)
    config, stylesheets = _pdf_fonts()
    tmp = pdf_path.with_suffix(".pdf.tmp")
    weasyprint.HTML(string=page, base_url=str(base_url)).write_pdf(
        str(tmp), stylesheets=stylesheets, font_config=config
    )
    tmp.replace(pdf_path)


def render_appendix(
    executed_path: Path,
    out_dir: Path,
    name: str,
    title: str,
    scenario_title: str,
    prov: dict,
    example_inputs: list[str],
) -> tuple[Path, Path]:
    """Write ``<out_dir>/<name>.html`` and ``<name>.pdf`` from an executed notebook; return both paths."""
    nb = nbformat.read(executed_path, as_version=4)
    page = page_html(
        title,
        scenario_title,
        notebook_body_html(nb),
        prov,
        example_inputs,
        traceability=notebook_body_html(nb, traceability=True),
        executed=f"reports/{prov.get('scenario_name')}/executed/{name}.ipynb",
    )
    out_dir.mkdir(parents=True, exist_ok=True)
    html_path, pdf_path = out_dir / f"{name}.html", out_dir / f"{name}.pdf"
    tmp = html_path.with_suffix(".html.tmp")
    tmp.write_text(page, encoding="utf-8")
    tmp.replace(html_path)
    write_pdf(page, pdf_path, out_dir)
    log.info("appendix %s written", html_path)
    return html_path, pdf_path
