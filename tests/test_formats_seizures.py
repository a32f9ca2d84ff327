"""Formats `unodc-seizures` and `unodc-routes`: real UNODC tables, counts and published figures."""

from __future__ import annotations

import pytest

from conftest import shared_data
from cybertnoc.errors import ImportRejected
from cybertnoc.ingest.formats import import_format
from cybertnoc.store import Workspace
from cybertnoc.store.queries import list_sources

ANNUAL = "seizures/unodc_annual_drug_seizures/seizuresdata2.csv"
ROUTES = "seizures/unodc_ids_2011_2015_routes"

# One row per Seizure with the properties the figures need.
SEIZURES = """
    CREATE OR REPLACE TEMP TABLE seizure AS
    SELECT e.id, e.dataset, e.source_id,
           max(s.value) FILTER (WHERE s.prop = 'drug') AS drug,
           max(s.value) FILTER (WHERE s.prop = 'drugGroup') AS drug_group,
           max(s.value) FILTER (WHERE s.prop = 'country') AS country,
           max(s.value) FILTER (WHERE s.prop = 'date') AS year,
           max(s.value) FILTER (WHERE s.prop = 'origin') AS origin,
           max(s.value) FILTER (WHERE s.prop = 'destination') AS destination,
           max(s.value) FILTER (WHERE s.prop = 'keywords') AS region,
           max(s.value) FILTER (WHERE s.prop = 'unit') AS unit,
           sum(TRY_CAST(s.value AS DOUBLE)) FILTER (WHERE s.prop = 'quantity') AS kg
    FROM entities e JOIN statements s ON s.entity_id = e.id
    WHERE e.schema = 'Seizure'
    GROUP BY e.id, e.dataset, e.source_id
"""


@pytest.fixture(scope="module")
def unodc(tmp_path_factory):
    """One workspace with the annual table and the IDS route folder imported (about 3 s)."""
    annual, routes = shared_data(ANNUAL), shared_data(ROUTES)
    ws = Workspace.create(tmp_path_factory.mktemp("seizures") / "ws")
    results = {
        "annual": import_format(ws, annual, "unodc-seizures"),
        "routes": import_format(ws, routes, "unodc-routes"),
    }
    ws.con.execute(SEIZURES)
    yield ws, results
    ws.close()


def _rows(ws, sql, *params):
    return ws.con.execute(sql, list(params)).fetchall()


# -- annual seizures ------------------------------------------------------------------------------


def test_annual_counts(unodc):
    ws, results = unodc
    (r,) = results["annual"]
    assert (r.rows, r.entities, r.relationships) == (9442, 9442, 0)
    per_year = _rows(
        ws,
        "SELECT year, count(*), count(DISTINCT country) FROM seizure "
        "WHERE dataset = 'unodc_seizures' GROUP BY 1 ORDER BY 1",
    )
    assert per_year == [
        ("2012", 1797, 140),
        ("2013", 1774, 139),
        ("2014", 1902, 141),
        ("2015", 1980, 131),
        ("2016", 1989, 128),
    ]
    assert _rows(
        ws, "SELECT count(DISTINCT country) FROM seizure WHERE dataset = 'unodc_seizures'"
    ) == [(156,)]
    groups = dict(
        _rows(
            ws,
            "SELECT drug_group, count(*) FROM seizure WHERE dataset = 'unodc_seizures' GROUP BY 1",
        )
    )
    assert len(groups) == 11 and (groups["Cannabis-type"], groups["Opioids"]) == (2084, 2017)
    (source,) = [s for s in list_sources(ws) if s["dataset"] == "unodc_seizures"]
    assert source["kind"] == "offline" and "World Drug Report 2018" in source["citation"]


def test_annual_flags_missing_quantities_and_unodc_codes(unodc):
    ws, results = unodc
    (r,) = results["annual"]
    missing = [p for p in r.problems if p.column == "KgEquivalent"]
    kosovo = [p for p in r.problems if p.value == "KKK"]
    assert (len(missing), len(kosovo), r.flagged_rows) == (4, 27, 31)
    assert "read as 'XK'" in kosovo[0].hint
    assert _rows(
        ws,
        "SELECT count(*) FROM seizure WHERE dataset = 'unodc_seizures' AND kg IS NULL "
        "AND unit IS NULL",
    ) == [(4,)]


def test_annual_2016_totals_match_the_world_drug_report(unodc):
    ws, _ = unodc
    # WDR 2018: 1,129 t of cocaine (all cocaine-type drugs except coca leaf and coca bush),
    # 91 t of heroin, 658 t of opium seized in 2016.
    cocaine, heroin, opium, coca_leaf = _rows(
        ws,
        "SELECT sum(kg) FILTER (WHERE drug_group = 'Cocaine-type' "
        "                       AND drug NOT IN ('Coca leaf', 'Coca bush')), "
        "sum(kg) FILTER (WHERE drug = 'Heroin'), sum(kg) FILTER (WHERE drug = 'Opium'), "
        "sum(kg) FILTER (WHERE drug = 'Coca leaf') "
        "FROM seizure WHERE dataset = 'unodc_seizures' AND year = '2016' AND unit = 'kg'",
    )[0]
    assert round(cocaine / 1000, 1) == 1128.8 and round(cocaine / 1000) == 1129
    assert (round(heroin / 1000, 1), round(opium / 1000, 1)) == (90.8, 658.0)
    assert round(coca_leaf / 1000, 1) == 1227.8
    top = _rows(
        ws,
        "SELECT country, round(sum(kg) / 1000, 1) FROM seizure WHERE dataset = 'unodc_seizures' "
        "AND year = '2016' AND drug_group = 'Cocaine-type' "
        "AND drug NOT IN ('Coca leaf', 'Coca bush') GROUP BY 1 ORDER BY 2 DESC LIMIT 3",
    )
    assert top == [("CO", 407.7), ("US", 200.7), ("EC", 97.8)]
    meth = _rows(
        ws,
        "SELECT year, round(sum(kg) / 1000, 1) FROM seizure WHERE dataset = 'unodc_seizures' "
        "AND drug = 'Methamphetamine' AND year IN ('2012', '2016') GROUP BY 1 ORDER BY 1",
    )
    assert meth == [("2012", 120.5), ("2016", 158.5)]


def test_annual_reads_decimal_commas_and_keeps_lookalike_rows(workspace, tmp_path):
    path = tmp_path / "seizuresdata2.csv"
    header = "Region;SubRegion;Country;CountryCode;Year;DrugGroup;Drug;SpecificDrugName;"
    path.write_bytes(
        (
            "\ufeff" + header + "KgEquivalent;Comment\n"
            "Europe;Western and Central Europe;Spain;ESP;2016;Cocaine-type;Cocaine salts;;1,234;\n"
            "Europe;Western and Central Europe;Spain;ESP;2016;Cocaine-type;Cocaine salts;;1,234;\n"
            "Europe;Western and Central Europe;Spain;ESP;2016;Opioids;Heroin;;1.234,5;x\n"
        ).encode()
    )
    (r,) = import_format(workspace, path, "unodc-seizures")
    assert (r.rows, r.entities, r.flagged_rows) == (3, 3, 0)  # alike rows: two seizures
    quantities = _rows(
        workspace,
        "SELECT value, original_value FROM statements WHERE prop = 'quantity' ORDER BY row_number",
    )
    assert quantities == [("1.234", None), ("1.234", None), ("1234.5", None)]


def test_annual_refuses_the_comma_separated_vintage(workspace, tmp_path):
    path = tmp_path / "seizuresdata2.csv"
    path.write_text(
        "Region,SubRegion,Country,CountryCode,Year,DrugGroup,Drug,SpecificDrugName,KgEquivalent\n"
        "Asia,South-West Asia,Afghanistan,AFG,2013,Opioids,Heroin,,7157\n",
        encoding="utf-8",
    )
    before = workspace.table_counts()
    with pytest.raises(ImportRejected) as info:
        import_format(workspace, path, "unodc-seizures")
    (problem,) = info.value.problems
    assert problem.expected.startswith("UNODC's annual seizure table, semicolon-separated")
    assert "comma-separated" in problem.hint and problem.line == 1
    after = workspace.table_counts()
    assert {k: v for k, v in after.items() if k != "audit_log"} == {
        k: v for k, v in before.items() if k != "audit_log"
    }


# -- IDS routes -----------------------------------------------------------------------------------


def test_routes_counts_and_repairs(unodc):
    ws, results = unodc
    routes, kilos = results["routes"]
    assert (routes.rows, routes.entities, kilos.rows, kilos.entities) == (730, 730, 108, 176)
    table = "FROM seizure WHERE source_id = ?"
    drugs = dict(_rows(ws, f"SELECT drug, count(*) {table} GROUP BY 1", routes.source_id))
    assert drugs == {"Cocaine": 398, "Heroin": 173, "Cannabis Herb (Marijuana)": 159}
    regions = dict(_rows(ws, f"SELECT region, count(*) {table} GROUP BY 1", routes.source_id))
    assert (regions["Europe"], regions["Asia"], regions["Americas"]) == (484, 99, 94)
    # 596 pairs, 112 departure and 130 destination countries by name; by ISO code a few names
    # fall together ("United Kingdom (England and Wales)", "Kosovo under UNSCR 1244", ...).
    assert _rows(
        ws,
        f"SELECT count(DISTINCT (origin, destination)), count(DISTINCT origin), "
        f"count(DISTINCT destination) {table}",
        routes.source_id,
    ) == [(595, 110, 129)]
    assert _rows(ws, f"SELECT count(*) {table} AND origin = destination", routes.source_id) == [
        (0,)
    ]
    fixed = sorted({(p.value, p.hint.rsplit("read as ", 1)[1]) for p in routes.problems})
    assert fixed == [
        ("Boliva", "'Bolivia'"),
        ("C’‚te d'Ivoire", '"Côte d\'Ivoire"'),
        ("Kosovo under UNSCR 1244", "'Kosovo'"),
        ("Other", "'XX'"),
        ("R’©union", "'Réunion'"),
    ]
    assert routes.flagged_rows == 23


def test_routes_degrees_and_kilograms(unodc):
    ws, results = unodc
    routes, kilos = results["routes"]
    out_degree = _rows(
        ws,
        "SELECT origin, count(*) FROM seizure WHERE source_id = ? GROUP BY 1 "
        "ORDER BY 2 DESC LIMIT 3",
        routes.source_id,
    )
    assert out_degree == [("PK", 76), ("CO", 60), ("ES", 54)]
    in_degree = _rows(
        ws,
        "SELECT destination, count(*) FROM seizure WHERE source_id = ? GROUP BY 1 "
        "ORDER BY 2 DESC LIMIT 3",
        routes.source_id,
    )
    assert in_degree == [("ES", 86), ("IT", 48), ("RU", 41)]
    totals = dict(
        _rows(
            ws,
            "SELECT drug, round(sum(kg), 1) FROM seizure WHERE source_id = ? GROUP BY 1",
            kilos.source_id,
        )
    )
    assert totals == {"Cocaine": 45082.6, "Cannabis Herb (Marijuana)": 28666.2, "Heroin": 2430.0}
    top = _rows(
        ws,
        "SELECT destination, round(kg) FROM seizure WHERE source_id = ? AND drug = 'Cocaine' "
        "ORDER BY kg DESC LIMIT 2",
        kilos.source_id,
    )
    assert top == [("ES", 28493.0), ("UA", 3869.0)]


def test_routes_refuse_a_folder_without_the_route_list(workspace, tmp_path):
    (tmp_path / "importdata.csv").write_text("a,b\n", encoding="utf-8")
    with pytest.raises(ImportRejected) as info:
        import_format(workspace, tmp_path, "unodc-routes")
    (problem,) = info.value.problems
    assert "summary.data.csv" in problem.expected and "missing" in problem.hint
    assert workspace.table_counts()["sources"] == 0


def test_routes_refuse_a_file_of_another_layout(workspace):
    before = workspace.table_counts()
    with pytest.raises(ImportRejected) as info:
        import_format(workspace, shared_data(ANNUAL), "unodc-routes")
    (problem,) = info.value.problems
    assert "Destination.Country" in problem.hint and problem.line == 1
    after = workspace.table_counts()
    assert {k: v for k, v in after.items() if k != "audit_log"} == {
        k: v for k, v in before.items() if k != "audit_log"
    }
