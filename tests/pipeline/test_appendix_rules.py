"""The rules a KS2 reviewer checks, read from the generated appendices, factsheets and workbook: conclusions
first, no code tokens before "Sporbarhet", nothing past the page margin, synthetic data marked where it is used
(and public facts not), the public aggregate stated, and a workbook and executed notebooks fit to attach."""

import json
import re

import openpyxl
import pdfplumber
import pytest
from bs4 import BeautifulSoup
from pypdf import PdfReader

from ejournal_lib.common.tables_io import read_table, read_table_meta

from .helpers import workbook_sheets

pytestmark = pytest.mark.e2e  # reads the real pipeline's outputs
APPENDICES = ("baseline", "cba", "participation", "governance")
#: What must not reach a reader before the closing section: snake_case codes, Python values, model terms,
#: years printed as floats, file names.
CODE_TOKEN = re.compile(
    r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b|\b(?:True|False|nan|NaN|None)\b|\bC\(|\[T\.|\b(?:19|20)\d\d\.0\b"
    r"|\b\w+\.(?:csv|ya?ml|ipynb|json)\b"
    r"|\b(?:statsmodels|MixedLM|REML|OLS|NLS|scipy|pandas|scenariofil\w*)\b"  # tools, not words of the analysis
)
MM = 72 / 25.4
#: One-word codes of the label catalogue that are also bokmål words (or names) a reader may see.
BOKMAL_HOMOGRAPHS = {"all", "beta", "data", "gamma", "illustrative", "lognormal", "plausible", "start", "total"}


def one_word_codes() -> set[str]:
    """Every one-word code in the label catalogue (``baseline``, ``ols``, ``gps``, …) that is not bokmål."""
    from ejournal_lib.common.labels import catalogue

    codes = {str(k) for entries in catalogue()["domains"].values() for k in entries}
    return {c for c in codes if re.fullmatch(r"[a-z]+", c)} - BOKMAL_HOMOGRAPHS


def pdf_text(path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def split_at_traceability(path) -> tuple[str, str]:
    """The text before the closing section (which starts on a page of its own) and the section itself."""
    pages = [page.extract_text() for page in PdfReader(path).pages]
    start = next((i for i, t in enumerate(pages) if "Sporbarhet" in t.splitlines()), None)
    assert start is not None, "the closing section is missing"
    return "\n".join(pages[:start]), "\n".join(pages[start:])


@pytest.mark.parametrize("name", APPENDICES)
def test_summary_first_and_traceability_last(pipeline_run, name):
    paths, _ = pipeline_run
    soup = BeautifulSoup((paths.appendices / f"{name}.html").read_text(encoding="utf-8"), "html.parser")
    headings = [h.get_text(strip=True) for h in soup.select("main h2")]
    assert headings[0] == "Sammendrag", headings[:3]
    assert len(soup.select("main ul.ej-summary li")) >= 4
    assert soup.select("section.ej-traceability h2")[0].get_text(strip=True) == "Sporbarhet"
    first_page = PdfReader(paths.appendices / f"{name}.pdf").pages[0].extract_text()
    assert "Sammendrag" in first_page and "Kjørt" in first_page
    assert "Inndata (sha256)" not in first_page  # the full provenance is in the closing section
    before, closing = split_at_traceability(paths.appendices / f"{name}.pdf")
    assert "Inndata (sha256)" in closing and "Inndata (sha256)" not in before


@pytest.mark.parametrize("name", APPENDICES)
def test_no_code_tokens_before_traceability(pipeline_run, name):
    paths, _ = pipeline_run
    before = split_at_traceability(paths.appendices / f"{name}.pdf")[0]
    assert sorted(set(CODE_TOKEN.findall(before))) == []
    assert sorted(set(re.findall(r"\b[a-zæøå]+\b", before)) & one_word_codes()) == []


@pytest.mark.parametrize("name", APPENDICES)
def test_every_figure_has_a_numbered_caption(pipeline_run, name):
    paths, _ = pipeline_run
    soup = BeautifulSoup((paths.appendices / f"{name}.html").read_text(encoding="utf-8"), "html.parser")
    captions = [f.find("figcaption") for f in soup.select("main figure")]
    assert captions and all(c is not None for c in captions)
    assert [c.get_text().split(".")[0] for c in captions] == [f"Figur {i}" for i in range(1, len(captions) + 1)]


@pytest.mark.parametrize("name", APPENDICES)
def test_no_word_or_image_past_the_margin(pipeline_run, name):
    paths, _ = pipeline_run
    with pdfplumber.open(paths.appendices / f"{name}.pdf") as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            left, right, body_end = 16 * MM - 2, page.width - 16 * MM + 2, page.height - 20 * MM
            outside = [
                w["text"] for w in page.extract_words() if w["top"] < body_end and (w["x0"] < left or w["x1"] > right)
            ]
            images = [i for i in page.images if i["x0"] < left or i["x1"] > right]
            assert not outside and not images, (name, number, outside[:5])


def captions(paths, name) -> dict[str, str]:
    """Every table shown in an appendix: its file (table name) → its caption."""
    soup = BeautifulSoup((paths.appendices / f"{name}.html").read_text(encoding="utf-8"), "html.parser")
    return {
        w["data-source"].removesuffix(".csv"): w.find("caption").get_text(" ", strip=True)
        for w in soup.select("div.ej-table-wrap[data-source]")
    }


#: Tables built from the synthetic inputs (written out here by hand, from what each table is computed from).
SYNTHETIC = {
    "baseline": {
        "timeuse_precision",
        "timeuse_measured_municipalities",
        "timeuse_addressable_by_role",
        "timeuse_variance_components",
        "timeuse_sample_size",
        "timeuse_work_sampling",
        "timeuse_addressable_by_service",
        "timeuse_vs_assumption",
        "timeuse_national",
    },
    "participation": {
        "example_commitment_key_figures",
        "participation_coverage",
        "adoption_series",
        "bass_fit",
        "logistic_fit",
        "commitment_forecast",
        "participation_forecast_municipal",
        "gp_survey_model",
        "gp_survey_estimates",
        "participation_consequences",
    },
    "cba": {"benefit_followup"},
}
#: Tables whose rows rest on different data (by lineage): the survey's GP assumption in some rows only.
MIXED = {"cba": {"break_even", "cba_sensitivity"}}
#: Tables of public facts that must not be marked.
REAL = {
    "participation": {
        "public_commitment_key_figures",
        "public_commitment_named",
        "largest_not_known_signed",
        "coverage_key_figures",
        "fewest_to_half",
        "crosswalk_check",
    },
    # participation_scenarios: fixed grids of shares, no survey (it was once marked synthetic by hand)
    "cba": {
        "cba_reconciliation",
        "cba_effects_by_actor",
        "actor_views",
        "uncertainty_summary",
        "participation_scenarios",
    },
    "baseline": {"timeuse_work_sampling_sample_size"},
}


@pytest.mark.parametrize("name", ["baseline", "participation", "cba"])
def test_synthetic_tables_are_marked_and_public_ones_are_not(pipeline_run, name):
    paths, _ = pipeline_run
    shown = captions(paths, name)
    for table in SYNTHETIC[name]:
        assert shown[table].endswith("(eksempeldata)"), (table, shown[table])
        assert read_table_meta(paths.processed, table)["synthetic"] is True
    for table in REAL[name]:
        assert "eksempeldata" not in shown[table], (table, shown[table])
    for table in MIXED.get(name, ()):
        assert shown[table].endswith("(delvis eksempeldata, se kolonnen «Datagrunnlag»)"), (table, shown[table])
        rows = read_table(paths.processed / f"{table}.csv")["data_basis"].str.split(",")
        assert {"example" in kinds for kinds in rows} == {True, False}


def test_synthetic_figures_and_statements_are_marked(pipeline_run):
    paths, _ = pipeline_run
    soup = BeautifulSoup((paths.appendices / "baseline.html").read_text(encoding="utf-8"), "html.parser")
    figures = soup.select("main figure.ej-figure")
    assert figures and all("(eksempeldata)" in f.find("figcaption").get_text() for f in figures)
    summary = soup.select("main ul.ej-summary li")
    assert summary and all(li.get_text().startswith("Eksempeldata:") for li in summary)
    part = BeautifulSoup((paths.appendices / "participation.html").read_text(encoding="utf-8"), "html.parser")
    points = [li.get_text() for li in part.select("main ul.ej-summary li")]
    assert not points[0].startswith("Eksempeldata") and points[3].startswith("Eksempeldata:")


def flat(text: str) -> str:
    """Text with words hyphenated at a line end joined again (the PDF hyphenates with U+2010) and line breaks
    and (thin, non-breaking) spaces as single spaces."""
    return re.sub(r"[\s\u00a0\u2009\u202f]+", " ", re.sub(r"\u2010\s+", "", text))


def test_public_aggregate_is_stated_with_its_source(pipeline_run):
    paths, _ = pipeline_run
    text = flat(pdf_text(paths.appendices / "participation.pdf"))
    assert "183 av 291 kommuner" in text and "65 % av befolkningen (KS)" in text and "1. juli 2020" in text
    assert "status ukjent" in text and "ks.no" in text
    governance = flat(pdf_text(paths.appendices / "governance.pdf"))
    assert "Befolkningsandelen i kommuner som har signert intensjonserklæringen (KS" in governance


def test_baseline_states_its_precision(pipeline_run):
    paths, _ = pipeline_run
    first = flat(PdfReader(paths.appendices / "baseline.pdf").pages[0].extract_text())
    assert "Presisjonen er for svak til å verifisere besparelsen" in first
    assert re.search(r"trenger \d+–\d+ kommuner per tjeneste; her er \d+ målt", first)


def test_workbook_fit_to_attach(pipeline_run):
    paths, _ = pipeline_run
    book = openpyxl.load_workbook(paths.reports / "tabeller.xlsx")
    assert book.sheetnames[0] == "Les meg" and book.sheetnames[-1] == "Dataordbok"
    readme = book["Les meg"]
    rows = list(readme.iter_rows(values_only=True))
    header = rows.index(("Ark", "Tittel", "Vedlegg", "Datagrunnlag", "Rader", "Fil"))
    listed = {r[0]: r for r in rows[header + 1 :] if r[0]}
    assert set(listed) == set(book.sheetnames[1:-1])
    facts = {r[0]: r[1] for r in rows[:header] if r[0]}
    assert facts["Scenario"] == "ssd2020" and facts["Git-commit"] and facts["Kjørt"]
    for sheet_name, (_, title, _, basis, n_rows, file) in listed.items():
        table = file.removeprefix("data/processed/ssd2020/").removesuffix(".csv")
        ws = book[sheet_name]
        assert ws.freeze_panes == "A2", sheet_name
        headers = [c.value for c in ws[1]]
        assert not [h for h in headers if CODE_TOKEN.search(str(h))], (sheet_name, headers)
        meta = read_table_meta(paths.processed, table)
        assert title == meta["caption"] and basis.startswith("Eksempeldata") == meta["synthetic"]
        assert basis and not re.search(r"\b[a-z]+_[a-z0-9_]+\b|\bexample\b", basis), basis  # words, not codes
        # orange: every row, or some rows (then the column «Datagrunnlag» says which), rest on synthetic data
        assert (ws.sheet_properties.tabColor is not None) == (meta.get("data_status") in ("example", "mixed"))
        assert (meta.get("data_status") == "mixed") == (basis.startswith("Delvis eksempeldata"))
        assert ws.max_row - 1 == n_rows
    # numbers stay numbers, with a number format; suppressed cells are empty with their flag
    ws = book[workbook_sheets(paths.reports / "tabeller.xlsx")["timeuse_addressable_by_service"]]
    headers = [c.value for c in ws[1]]
    minutes = headers.index("Påvirkbar tid (min. per dag)") + 1
    flag = headers.index("Prikket") + 1
    for row in range(2, ws.max_row + 1):
        value = ws.cell(row=row, column=minutes)
        if ws.cell(row=row, column=flag).value == "Ja":
            assert value.value is None
        else:
            assert isinstance(value.value, float) and value.number_format == "#,##0.0"


def test_executed_notebooks_carry_provenance_and_no_absolute_paths(pipeline_run, root):
    paths, _ = pipeline_run
    for name in APPENDICES:
        text = (paths.executed / f"{name}.ipynb").read_text(encoding="utf-8")
        assert str(root) not in text and str(paths.out) not in text and ".staging-" not in text
        run = json.loads(text)["metadata"]["ejournal"]["run"]
        assert run["scenario"]["name"] == "ssd2020" and "data/raw/population_municipality_2020.csv" in run["inputs"]
        assert "commit" in run["git"]
        html = (paths.appendices / f"{name}.html").read_text(encoding="utf-8")
        assert f"reports/ssd2020/executed/{name}.ipynb" in html
