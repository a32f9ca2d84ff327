"""Built-in formats glotip and mse-lists: the real UNODC GLOTIP table and the MSE list tables.

Counts and figures come from the datasets' SOURCE.md (../shared/data/trafficking/*/SOURCE.md).
"""

from __future__ import annotations

import numpy as np
import pytest

from conftest import shared_data
from cybertnoc.errors import ImportRejected, InvalidValue
from cybertnoc.ingest.formats import import_format
from cybertnoc.store import Workspace
from cybertnoc.store.queries import entity_frame, list_sources

VICTIMS = "Detected trafficking victims"


def _stats(ws) -> None:
    """A temp table ``st``: one row per Statistic, one column per property (first value)."""
    ws.con.execute(
        """
        CREATE OR REPLACE TEMP TABLE st AS
        PIVOT (SELECT entity_id, prop, value FROM statements WHERE schema = 'Statistic')
        ON prop USING first(value) GROUP BY entity_id
        """
    )


def _unchanged(before: dict[str, int], after: dict[str, int]) -> bool:
    return {k: v for k, v in before.items() if k != "audit_log"} == {
        k: v for k, v in after.items() if k != "audit_log"
    }


# -- GLOTIP -------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def glotip(tmp_path_factory):
    folder = shared_data("trafficking/unodc_glotip")
    ws = Workspace.create(tmp_path_factory.mktemp("glotip") / "ws")
    results = import_format(ws, folder, "glotip")  # the directory: its CSV is imported
    _stats(ws)
    yield ws, results
    ws.close()


def test_glotip_directory_imports_the_csv_once_and_says_so(glotip):
    ws, results = glotip
    (r,) = results
    assert r.file.endswith("data_glotip.csv")
    (source,) = list_sources(ws)
    note = "data_glotip.xlsx in the same directory holds the same table and was not imported"
    assert note in source["provenance"]
    assert source["format_name"] == "glotip" and source["dataset"] == "unodc_glotip"
    assert source["publisher"].startswith("United Nations Office on Drugs and Crime")


def test_glotip_counts(glotip):
    ws, (r,) = glotip
    q = ws.con.execute
    assert (r.rows, r.entities, r.relationships) == (58_769, 58_769, 0)
    by_indicator = dict(q("SELECT indicator, count(*) FROM st GROUP BY 1").fetchall())
    assert by_indicator == {
        VICTIMS: 39_485,
        "Persons convicted": 8_431,
        "Persons prosecuted": 4_973,
        "Persons brought into formal contact": 4_547,
        "Offences of trafficking in persons": 1_333,
    }
    assert q("SELECT count(DISTINCT country), min(year), max(year) FROM st").fetchall() == [
        (199, "2003", "2022")
    ]
    # "<5" is kept as suppressed: no value (never 0 or 5), the threshold and the cell as published
    suppressed = q(
        "SELECT count(*), count(value), min(suppressedBelow), min(reported), max(reported) "
        "FROM st WHERE suppressed = 'true'"
    ).fetchall()
    assert suppressed == [(29_558, 0, "5", "<5", "<5")]
    # thousands separators: "1,192" is 1192, the original kept with the statement
    assert q(
        "SELECT count(*) FROM statements WHERE prop = 'value' AND original_value = '1,192' "
        "AND value = '1192'"
    ).fetchall() == [(4,)]
    # corrupt values (above 1e6, mangled dates such as 61,212,020): flagged, kept without value
    corrupt = q(
        "SELECT count(*), count(value), count(*) FILTER (WHERE reported = '61,212,020') FROM st "
        "WHERE try_cast(replace(reported, ',', '') AS BIGINT) > 1000000"
    ).fetchall()
    assert corrupt == [(128, 0, 2)]
    flagged = q(
        "SELECT count(*) FILTER (WHERE problems LIKE '%mangled date%'), "
        "count(*) FILTER (WHERE problems LIKE '%has no category%'), "
        "count(*) FILTER (WHERE problems LIKE '%questionnaire cell%'), "
        "count(*) FILTER (WHERE problems LIKE '%one row per indicator%') "
        "FROM records WHERE flagged"
    ).fetchall()
    assert flagged == [(128, 120, 120, 1_008)]
    assert r.flagged_rows == 1_256
    # every row keeps its line: the header is line 1
    assert q("SELECT min(line), max(line) FROM records").fetchall() == [(2, 58_770)]


def test_glotip_figures_of_source_md(glotip):
    ws, _ = glotip
    q = ws.con.execute
    totals = q(
        f"""
        SELECT year, sum(CAST(value AS DOUBLE)),
               count(DISTINCT country) FILTER (WHERE value IS NOT NULL),
               count(*) FILTER (WHERE suppressed = 'true')
        FROM st WHERE indicator = '{VICTIMS}' AND dimension = 'Total' AND category = 'Total'
          AND sex = 'Total' AND age = 'Total' AND year >= '2019'
        GROUP BY year ORDER BY year
        """
    ).fetchall()
    # naive sums over reporting countries; suppressed cells are counted apart, never summed
    assert totals == [
        ("2019", 82_291, 116, 18),
        ("2020", 68_426, 117, 26),
        ("2021", 75_754, 110, 15),
        ("2022", 75_128, 100, 12),
    ]
    top = q(
        f"""
        SELECT country, CAST(value AS INT) FROM st
        WHERE indicator = '{VICTIMS}' AND dimension = 'Total' AND category = 'Total'
          AND sex = 'Total' AND age = 'Total' AND year = '2022' AND value IS NOT NULL
        ORDER BY CAST(value AS DOUBLE) DESC LIMIT 6
        """
    ).fetchall()
    assert top == [
        ("PK", 26_539),
        ("US", 16_390),
        ("IN", 6_693),
        ("NG", 2_883),
        ("IT", 2_146),
        ("UG", 2_099),
    ]
    split = dict(
        q(
            f"""
            SELECT sex || ' ' || age, sum(CAST(value AS DOUBLE)) FROM st
            WHERE indicator = '{VICTIMS}' AND dimension = 'Total' AND category = 'Total'
              AND year = '2022' AND sex IN ('Female', 'Male')
              AND age IN ('18 years or over', '0 to 17 years')
            GROUP BY 1
            """
        ).fetchall()
    )
    n = sum(split.values())
    assert n == 74_354
    shares = {k: round(100 * v / n, 1) for k, v in split.items()}
    assert shares == {
        "Female 18 years or over": 58.1,
        "Female 0 to 17 years": 15.0,
        "Male 18 years or over": 17.6,
        "Male 0 to 17 years": 9.4,
    }
    forms = dict(
        q(
            f"""
            SELECT category, sum(CAST(value AS DOUBLE)) FROM st
            WHERE indicator = '{VICTIMS}' AND dimension = 'by form of exploitation'
              AND sex = 'Total' AND age = 'Total' AND year = '2022' GROUP BY 1
            """
        ).fetchall()
    )
    assert forms == {
        "Sexual exploitation": 44_706,
        "Forced labour": 23_919,
        "Other forms of exploitation": 21_908,
    }


def test_glotip_citizenship_flows(glotip):
    ws, _ = glotip

    def flow(detected_in: str, category: str) -> int:
        return ws.con.execute(
            f"""
            SELECT sum(CAST(value AS DOUBLE)) FROM st
            WHERE indicator = '{VICTIMS}' AND dimension = 'by citizenship' AND sex = 'Total'
              AND age = 'Total' AND country = ? AND category = ?
            """,
            [detected_in, category],
        ).fetchall()[0][0]

    assert flow("PK", "Pakistani") == 99_859
    assert flow("GB", "United Kingdom") == 15_358
    assert flow("GB", "Albanians") == 10_576
    assert flow("US", "United States of America") == 7_838
    assert flow("US", "Mexico") == 6_952
    # the citizenship is read from the category where it names a country (demonyms too);
    # "Nationals" means the reporting country
    cit = dict(
        ws.con.execute(
            "SELECT category, min(citizenship) FROM st WHERE category IN "
            "('Pakistani', 'Albanians', 'Abroad', 'Unknown') GROUP BY 1"
        ).fetchall()
    )
    assert cit == {"Pakistani": "PK", "Albanians": "AL", "Abroad": None, "Unknown": None}
    nationals_us = ws.con.execute(
        "SELECT min(citizenship) FROM st WHERE category = 'Nationals' AND country = 'US'"
    ).fetchall()
    assert nationals_us == [("US",)]


def test_glotip_xlsx_gives_the_same_table(glotip, tmp_path):
    xlsx = shared_data("trafficking/unodc_glotip/data_glotip.xlsx")
    ws = Workspace.create(tmp_path / "ws")
    try:
        (r,) = import_format(ws, xlsx, "glotip")
        assert r.rows == 58_769
        _stats(ws)
        q = ws.con.execute
        assert q("SELECT count(*) FROM st WHERE suppressed = 'true'").fetchall() == [(29_558,)]
        # spreadsheet rows: two title rows, the header on row 3
        assert q("SELECT min(line), max(line) FROM records").fetchall() == [(4, 58_772)]
        # the CSV export lost 10 category labels "N/A", which pandas read as missing
        assert q("SELECT count(*) FROM st WHERE category = 'N/A'").fetchall() == [(10,)]
        assert r.flagged_rows == glotip[1][0].flagged_rows - 10
        total = q(
            f"SELECT sum(CAST(value AS DOUBLE)) FROM st WHERE indicator = '{VICTIMS}' "
            "AND dimension = 'Total' AND category = 'Total' AND sex = 'Total' AND age = 'Total' "
            "AND year = '2019'"
        ).fetchall()
        assert total == [(82_291,)]
    finally:
        ws.close()


GLOTIP_HEADER = (
    "Iso3_code,Country,Region,Subregion,Indicator,Dimension,Category,Sex,Age,Year,"
    "Unit of measurement,txtVALUE,Source\n"
)


def _glotip_row(value: str, country: str = "FRA,France", year: str = "2020") -> str:
    return (
        f"{country},Europe,Western Europe,{VICTIMS},Total,Total,Total,Total,{year},Counts,"
        f'"{value}",GLOTIP\n'
    )


def test_glotip_values_suppressed_separators_and_corrupt(workspace, tmp_path):
    path = tmp_path / "glotip.csv"
    rows = [("<5", "2010"), ("1,192", "2011"), ("61,212,020", "2012"), ("", "2013"), ("x", "2014")]
    path.write_text(
        GLOTIP_HEADER + "".join(_glotip_row(v, year=y) for v, y in rows), encoding="utf-8"
    )
    (r,) = import_format(workspace, path, "glotip")
    assert (r.rows, r.flagged_rows) == (5, 3)
    frame = entity_frame(workspace, "Statistic", ["year", "value", "suppressed", "reported"])
    frame = frame.astype(object).where(frame.notna(), None)
    got = {row.year: (row.value, row.suppressed) for row in frame.itertuples()}
    assert got == {
        "2010": (None, "true"),
        "2011": ("1192", "false"),
        "2012": (None, "false"),
        "2013": (None, "false"),
        "2014": (None, "false"),
    }
    hints = " ".join(p.hint for p in r.problems)
    assert "mangled date" in hints and "The cell is empty" in hints


def test_glotip_option_max_value(workspace, tmp_path):
    path = tmp_path / "glotip.csv"
    path.write_text(GLOTIP_HEADER + _glotip_row("1,192"), encoding="utf-8")
    (r,) = import_format(workspace, path, "glotip", options={"max-value": "1000"})
    assert r.flagged_rows == 1
    assert "up to 1,000" in r.problems[0].expected
    with pytest.raises(InvalidValue, match="max-value"):
        import_format(workspace, path, "glotip", options={"max-value": "many"})


def test_glotip_option_prefer_xlsx(workspace, tmp_path):
    import openpyxl

    folder = tmp_path / "glotip"
    folder.mkdir()
    (folder / "data_glotip.csv").write_text(GLOTIP_HEADER + _glotip_row("7"), encoding="utf-8")
    wb = openpyxl.Workbook()
    sheet = wb.active
    sheet.title = "data_glotip_1"
    sheet.append(["UNODC"])
    sheet.append(["14/04/2025"])
    sheet.append(GLOTIP_HEADER.strip().split(","))
    sheet.append(["FRA", "France", "Europe", "Western Europe", VICTIMS, "Total", "Total"])
    sheet["H4"], sheet["I4"], sheet["J4"], sheet["K4"] = "Total", "Total", 2020, "Counts"
    sheet["L4"], sheet["M4"] = "<5", "GLOTIP"
    wb.save(folder / "data_glotip.xlsx")
    (r,) = import_format(workspace, folder, "glotip", options={"prefer": "xlsx"})
    assert r.file.endswith(".xlsx") and r.rows == 1
    frame = entity_frame(workspace, "Statistic", ["year", "suppressed", "country"])
    assert list(frame[["year", "suppressed", "country"]].iloc[0]) == ["2020", "true", "FR"]
    assert workspace.con.execute("SELECT line FROM records").fetchall() == [(4,)]
    with pytest.raises(InvalidValue, match="prefer"):
        import_format(workspace, folder, "glotip", options={"prefer": "ods"})


def test_glotip_bad_layout_is_rejected_and_nothing_written(workspace, tmp_path):
    path = tmp_path / "other.csv"
    path.write_text("country,year,victims\nFrance,2020,12\n", encoding="utf-8")
    before = workspace.table_counts()
    with pytest.raises(ImportRejected) as info:
        import_format(workspace, path, "glotip")
    (problem,) = [p for p in info.value.problems if p.fatal]
    assert "GLOTIP table" in problem.expected and "txtVALUE" in problem.expected
    assert "data_glotip.xlsx" in problem.hint
    assert _unchanged(before, workspace.table_counts())
    missing = tmp_path / "short.csv"
    missing.write_text("Iso3_code,Country,txtVALUE\nFRA,France,3\n", encoding="utf-8")
    with pytest.raises(ImportRejected) as info:
        import_format(workspace, missing, "glotip")
    assert "The header lacks Region, Subregion" in info.value.problems[0].hint
    with pytest.raises(ImportRejected, match="neither"):
        import_format(workspace, _write(tmp_path / "t.txt", "x"), "glotip")
    assert _unchanged(before, workspace.table_counts())


def _write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


# -- MSE list tables ----------------------------------------------------------------------------
MSE_TABLES = {
    # table: (rows, observed cases, main-effects Poisson estimate of the total, SOURCE.md)
    "UKdat": (25, 2_744, 11_653),
    "UKdat_5": (18, 2_744, 12_914),
    "Ned": (24, 8_234, 48_863),
    "Ned_5": (17, 8_234, 49_915),
    "NewOrl": (19, 185, 598),
    "NewOrl_5": (14, 185, 802),
    "Western": (13, 345, 1_356),
}


@pytest.fixture(scope="module")
def mse(tmp_path_factory):
    folder = shared_data("trafficking/mse_modern_slavery_lists")
    ws = Workspace.create(tmp_path_factory.mktemp("mse") / "ws")
    results = import_format(ws, folder, "mse-lists")
    yield ws, results
    ws.close()


def test_mse_rows_and_observed_cases(mse):
    ws, results = mse
    assert {r.file.rsplit("/", 1)[-1]: (r.rows, r.flagged_rows) for r in results} == {
        f"{t}.csv": (n, 0) for t, (n, _, _) in MSE_TABLES.items()
    }
    observed = dict(
        ws.con.execute(
            """
            SELECT t.value, sum(CAST(v.value AS INT)) FROM statements t
            JOIN statements v ON v.entity_id = t.entity_id AND v.prop = 'value'
            WHERE t.prop = 'table' GROUP BY 1
            """
        ).fetchall()
    )
    assert observed == {t: cases for t, (_, cases, _) in MSE_TABLES.items()}
    assert {s["dataset"] for s in list_sources(ws)} == {"mse_modern_slavery_lists"}


def _main_effects_estimate(ws, table: str) -> float:
    """Observed + exp(intercept) of a Poisson log-linear model with main effects (IRLS)."""
    frame = entity_frame(
        ws, "ListOverlap", ["table", "lists", "listsAvailable", "value"], first_only=False
    )
    frame = frame[frame["table"].map(lambda v: v == [table])]
    lists = sorted(frame["listsAvailable"].iloc[0])
    x = np.array([[1.0] + [float(name in row) for name in lists] for row in frame["lists"]])
    y = np.array([float(v[0]) for v in frame["value"]])
    beta = np.zeros(x.shape[1])
    beta[0] = np.log(y.mean())
    for _ in range(100):
        mu = np.exp(x @ beta)
        z = x @ beta + (y - mu) / mu
        beta = np.linalg.solve(x.T @ (mu[:, None] * x), x.T @ (mu * z))
    return y.sum() + np.exp(beta[0])


@pytest.mark.parametrize("table", sorted(MSE_TABLES))
def test_mse_main_effects_estimates_of_source_md(mse, table):
    ws, _ = mse
    assert round(_main_effects_estimate(ws, table)) == MSE_TABLES[table][2]


def test_mse_cells_keep_lists_and_line(mse):
    ws, _ = mse
    frame = entity_frame(ws, "ListOverlap", ["table", "category", "value", "listCount"])
    row = frame[(frame["table"] == "UKdat") & (frame["category"] == "NG+PF")].iloc[0]
    assert (row["value"], row["listCount"]) == ("56", "2")
    line = ws.con.execute(
        "SELECT r.line FROM records r JOIN statements s ON s.source_id = r.source_id "
        "AND s.row_number = r.row_number WHERE s.entity_id = ? AND s.prop = 'category'",
        [row["id"]],
    ).fetchall()
    assert line == [(11,)]  # UKdat.csv line 11: 0,1,1,0,0,0,56


def test_mse_dirty_rows_are_kept_and_flagged(workspace, tmp_path):
    path = _write(tmp_path / "t.csv", "A,B,C,n\n1,0,0,10\n0,2,1,4\n0,0,0,7\n1,0,0,3\n0,1,0,-1\n")
    (r,) = import_format(workspace, path, "mse-lists")
    assert (r.rows, r.flagged_rows) == (5, 4)
    hints = [p.expected for p in r.problems]
    assert "1 (on the list) or 0 (not on it)" in hints
    assert "a combination of at least one list" in hints
    assert "one row per combination of lists" in hints
    assert "a whole, non-negative number of people" in hints


def test_mse_option_count(workspace, tmp_path):
    path = _write(tmp_path / "t.csv", "people,LA,NG\n12,1,0\n3,1,1\n")
    with pytest.raises(ImportRejected):  # the last column is read as the count by default
        import_format(workspace, path, "mse-lists", options={"count": "persons"})
    (r,) = import_format(workspace, path, "mse-lists", options={"count": "people"})
    assert (r.rows, r.flagged_rows) == (2, 0)
    frame = entity_frame(workspace, "ListOverlap", ["category", "value"])
    assert dict(zip(frame["category"], frame["value"], strict=True)) == {"LA": "12", "LA+NG": "3"}


def test_mse_bad_layout_is_rejected_and_nothing_written(workspace, tmp_path):
    path = _write(tmp_path / "t.csv", "1,0,5\n0,1,7\n")
    before = workspace.table_counts()
    with pytest.raises(ImportRejected) as info:
        import_format(workspace, path, "mse-lists")
    (problem,) = info.value.problems
    assert "header row naming two or more lists" in problem.expected
    assert "add the header row" in problem.hint
    assert _unchanged(before, workspace.table_counts())
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(ImportRejected, match=r"No \.csv file"):
        import_format(workspace, empty, "mse-lists")
