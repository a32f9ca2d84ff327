"""Drug flows on the real UNODC and darknet files: the figures of their SOURCE.md reproduced."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from conftest import shared_data
from cybertnoc.domains.drugs import flows
from cybertnoc.domains.drugs.flows import routes, totals, workspace_records
from cybertnoc.ingest.formats import import_format
from cybertnoc.store import Workspace

ANNUAL = "seizures/unodc_annual_drug_seizures/seizuresdata2.csv"
ROUTES = "seizures/unodc_ids_2011_2015_routes"
AGORA = "darknet/agora_gwern_crawls_2014-01"
HANSA = "darknet/hansa_listings_dec2016/hansa-marketplace-listings-december-2016.csv"


@pytest.fixture(scope="module")
def real(tmp_path_factory):
    """A workspace with the four real drug sources, and its flow records (about 10 s)."""
    paths = {
        "unodc-seizures": shared_data(ANNUAL),
        "unodc-routes": shared_data(ROUTES),
        "agora": shared_data(AGORA),
        "hansa": shared_data(HANSA),
    }
    ws = Workspace.create(tmp_path_factory.mktemp("flows") / "ws")
    for fmt, path in paths.items():
        import_format(ws, path, fmt)
    records = workspace_records(ws)
    yield ws, records
    ws.close()


def _tonnes(table: pd.DataFrame) -> float:
    return round(float(table["kg"].sum()) / 1000, 1)


def test_2016_seizures_match_the_world_drug_report(real):
    _, rec = real
    # WDR 2018: 1,129 t of cocaine (cocaine-type, coca leaf and bush excluded), 91 t of heroin,
    # 658 t of opium seized in 2016 (SOURCE.md: 1,128.8 t, 90.8 t, 658.0 t computed).
    by_drug = totals(rec, "drug", source="unodc_seizures", period="2016").set_index("drug")
    assert round(by_drug.loc["cocaine", "kg"] / 1000, 1) == 1128.8
    assert round(by_drug.loc["cocaine", "kg"] / 1000) == 1129
    heroin = totals(rec, "year", source="unodc_seizures", drug="Heroin", period="2016")
    opium = totals(rec, "year", source="unodc_seizures", drug="opium", period="2016")
    assert (_tonnes(heroin), _tonnes(opium)) == (90.8, 658.0)
    # coca leaf is the "plants" group, kept apart from cocaine
    assert round(by_drug.loc["plants", "kg"] / 1000) >= 1228
    top = totals(rec, "country", source="unodc_seizures", drug="cocaine", period="2016")
    top = top.sort_values("kg", ascending=False).head(3)
    assert [(c, round(k / 1000, 1)) for c, k in zip(top["country"], top["kg"], strict=True)] == [
        ("CO", 407.7),
        ("US", 200.7),
        ("EC", 97.8),
    ]
    meth = totals(rec, "year", source="unodc_seizures", drug="Methamphetamine")
    assert dict(zip(meth["year"], (meth["kg"] / 1000).round(1), strict=True)) == {
        "2012": 120.5,
        "2013": pytest.approx(meth["kg"].iloc[1] / 1000, abs=0.05),
        "2014": pytest.approx(meth["kg"].iloc[2] / 1000, abs=0.05),
        "2015": pytest.approx(meth["kg"].iloc[3] / 1000, abs=0.05),
        "2016": 158.5,
    }


def test_every_real_drug_name_and_category_is_mapped(real):
    _, rec = real
    assert rec.attrs["unmapped_drugs"] == {}
    # Hansa's two truncated lines that lost their category are reported, not guessed
    assert rec.attrs["unmapped_categories"] == {"(no category)": 2}
    # seizure totals by year: five years of the annual table, one period for the IDS tables
    years = totals(rec, "year", source="offline")
    assert list(years["year"]) == ["2011-2015", "2012", "2013", "2014", "2015", "2016"]


def test_agora_drug_listings_from_the_usa(real):
    _, rec = real
    agora = flows.filter_records(rec, source="agora")
    drugs = agora["record"].nunique()
    assert round(100 * drugs / 7986, 1) == 71.9  # drug listings: category Drugs
    # SOURCE.md counts the text "USA" exactly: 27.3 % of drug listings.
    usa_text = (agora["origin_text"] == "USA").sum()
    assert round(100 * usa_text / drugs, 1) == 27.3
    # Cleaned to codes, US also takes "United States", "usa" ...: 28.4 %.
    by_country = totals(rec, "country", source="agora").set_index("country")
    assert round(100 * by_country.loc["US", "listings"] / drugs, 1) == 28.4
    assert round(100 * by_country.loc["CN", "listings"] / drugs, 1) == 11.4
    # Unknown origin ("Torland", "Undeclared;)" or nothing) is a row, not dropped: 8.6 %.
    assert round(100 * by_country.loc["XX", "listings"] / drugs, 1) == 8.6
    assert by_country.loc["US", "vendors"] > 0 and math.isnan(by_country.loc["US", "kg"])


def test_hansa_drug_listings_from_the_us(real):
    _, rec = real
    by_country = totals(rec, "country", source="hansa").set_index("country")
    drugs = int(flows.filter_records(rec, source="hansa")["record"].nunique())
    unknown = int(by_country.loc["XX", "listings"])
    assert (drugs, unknown, round(100 * unknown / drugs, 1)) == (8530, 63, 0.7)
    stated = drugs - unknown  # SOURCE.md's shares are of listings that state a ships-from
    assert round(100 * by_country.loc["US", "listings"] / stated, 1) == 21.4
    assert round(100 * by_country.loc["NL", "listings"] / stated, 1) == 14.7
    assert int(by_country["vendors"].max()) <= 387


def test_agora_routes_with_unknown_ends_reported(real):
    _, rec = real
    table = routes(rec, source="agora", by_drug=False)
    top = [(r.origin, r.destination) for r in table.head(3).itertuples()]
    assert top[0] == ("US", "US") and ("CN", "ZZ") in top  # SOURCE.md: USA->USA, China->World
    assert set(table.columns) == {"origin", "destination", "drug", "listings", "vendors"}
    assert 0 < table.attrs["unknown_origin_share"] < 0.1
    assert table.attrs["unknown_destination"] > 0  # `to` missing in 4,380 rows


def test_ids_routes_and_roles(real):
    _, rec = real
    table = routes(rec, source="unodc_ids_routes", drug="cocaine")
    assert set(table.columns) == {"origin", "destination", "drug", "seizures", "kg"}
    # 398 cocaine routes, and 82 destination countries with kilograms but no origin: those
    # make no route and are counted as unknown origins, as is the route from "Other" (XX)
    assert (table.attrs["records"], table.attrs["unknown_origin"]) == (398 + 82, 82 + 1)
    # two more lead to "Other" (XX); a route reported from two regions counts twice
    assert table.attrs["unknown_destination"] == 2 and int(table["seizures"].sum()) == 395
    roles = flows.country_roles(rec, source="unodc_ids_routes", drug="cocaine")
    role = dict(zip(roles["country"], roles["role"], strict=True))
    # departures of the Andean and Brazilian corridors, European and West African hubs
    # both ways, and final European markets (UNODC World Drug Report's cocaine routes)
    assert {role[c] for c in ("CO", "PE", "EC", "BR")} == {"source"}
    assert (role["NL"], role["NG"]) == ("transit", "transit")
    assert {role[c] for c in ("PT", "IT", "BE")} == {"destination"}
    heroin = flows.country_roles(rec, source="unodc_ids_routes", drug="heroin")
    assert heroin.iloc[0]["country"] == "PK" and heroin.iloc[0]["role"] == "source"


def test_compare_views_and_vendor_concentration(real):
    _, rec = real
    cmp = flows.compare_views(rec, offline_weight="kg")
    assert {"US", "NL", "DE"} <= set(cmp["shared"])
    assert "CO" in cmp["only_offline"] or "CO" in cmp["shared"]
    assert cmp["spearman"] is not None and -1 <= cmp["spearman"] <= 1
    conc = flows.vendor_concentration(rec, k=5).set_index("source")
    assert set(conc.index) == {"agora", "hansa"}
    assert 0.5 < conc.loc["hansa", "gini"] < 1 and conc.loc["hansa", "vendors"] == 387
    # pckabml 514, color 417, captainkirk 335, Doug-Heffernan 311, goldendrugs 307 (all
    # categories in SOURCE.md; drug listings here): the top five hold a few per cent at most
    assert conc.loc["hansa", "top_k_share"] < 0.25


def test_cocaine_trend_ends_at_the_2016_total_and_routes_map(real):
    _, rec = real
    t = flows.trends(rec, source="unodc_seizures", drug="cocaine")
    kg = dict(zip(t["period"], t["kg"], strict=True))
    assert set(t["drug"]) == {"cocaine"} and round(kg["2016"] / 1000, 1) == 1128.8
    # the IDS route lists span 2011-2015: no single year, no trend point, counted
    assert flows.trends(rec, source="unodc_ids_routes").attrs["undated"]["offline"] > 0
    annual = flows.flow_map_data(rec, source="unodc_seizures", drug="cocaine", period="2016")
    assert annual["flows"] == [] and annual["unknown_origin_share"] == 1.0
    assert round(annual["countries"]["CO"] / 1000, 1) == 407.7
    both = flows.flow_map_data(rec, drug="cocaine", top=15)
    assert len(both["flows"]) == 15 and both["kind"] == "offline"
