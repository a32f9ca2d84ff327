"""Formats `agora` and `hansa`: real crawls imported, counts and figures of their SOURCE.md."""

from __future__ import annotations

import json

import pytest

from conftest import shared_data
from cybertnoc.errors import ImportRejected
from cybertnoc.ingest.formats import get_format, import_format
from cybertnoc.store import Workspace
from cybertnoc.store.queries import list_sources

AGORA = "darknet/agora_gwern_crawls_2014-01"
HANSA = "darknet/hansa_listings_dec2016/hansa-marketplace-listings-december-2016.csv"

# One row per Listing: its category, vendor, crawl date, and ships-from / ships-to codes.
LISTINGS = """
    CREATE OR REPLACE TEMP TABLE listing AS
    SELECT e.id, e.dataset,
           max(s.value) FILTER (WHERE s.prop = 'category') AS category,
           max(s.value) FILTER (WHERE s.prop = 'subcategory') AS subcategory,
           max(s.value) FILTER (WHERE s.prop = 'vendor') AS vendor,
           max(s.value) FILTER (WHERE s.prop = 'observedAt') AS observed,
           coalesce(list(s.value) FILTER (WHERE s.prop = 'shipsFrom'), []) AS ships_from,
           coalesce(list(s.original_value) FILTER (WHERE s.prop = 'shipsFrom'), []) AS from_text,
           coalesce(list(s.value) FILTER (WHERE s.prop = 'shipsTo'), []) AS ships_to
    FROM entities e LEFT JOIN statements s ON s.entity_id = e.id
    WHERE e.schema = 'Listing'
    GROUP BY e.id, e.dataset
"""


@pytest.fixture(scope="module")
def markets(tmp_path_factory):
    """One workspace with the Agora folder and the Hansa file imported (about 5 s)."""
    agora, hansa = shared_data(AGORA), shared_data(HANSA)
    ws = Workspace.create(tmp_path_factory.mktemp("darknet") / "ws")
    results = {
        "agora": import_format(ws, agora, "agora"),
        "hansa": import_format(ws, hansa, "hansa"),
    }
    ws.con.execute(LISTINGS)
    yield ws, results
    ws.close()


def _one(ws, sql, *params):
    return ws.con.execute(sql, list(params)).fetchall()[0]


def _share(part: int, whole: int) -> float:
    return round(100 * part / whole, 1)


# -- Agora ----------------------------------------------------------------------------------------


def test_agora_counts(markets):
    ws, results = markets
    (r,) = results["agora"]  # the folder's products file; crawl-distribution.csv has no listings
    assert (r.rows, r.entities, r.relationships) == (7986, 7986 + 261, 0)
    assert _one(
        ws, "SELECT count(*), count(DISTINCT vendor) FROM listing WHERE dataset = 'agora'"
    ) == (7986, 261)
    per_crawl = ws.con.execute(
        "SELECT observed, count(*), count(DISTINCT vendor) FROM listing WHERE dataset = 'agora' "
        "GROUP BY 1 ORDER BY 1"
    ).fetchall()
    assert per_crawl == [
        ("2014-01-01", 1054, 119),  # 119 vendors = crawl-distribution.csv's count that day
        ("2014-01-09", 1495, 144),
        ("2014-01-16", 2271, 179),
        ("2014-01-26", 3166, 251),
    ]
    (source,) = [s for s in list_sources(ws) if s["dataset"] == "agora"]
    assert source["kind"] == "online" and source["format_name"] == "agora"
    assert "Branwen" in source["citation"] and "e1d471ef" in source["provenance"]


def test_agora_category_and_origin_figures(markets):
    ws, _ = markets
    total, drugs, information = _one(
        ws,
        "SELECT count(*), count(*) FILTER (WHERE category = 'Drugs'), "
        "count(*) FILTER (WHERE category = 'Information') FROM listing WHERE dataset = 'agora'",
    )
    assert (_share(drugs, total), _share(information, total)) == (71.9, 16.8)
    cannabis = _one(
        ws,
        "SELECT count(*) FROM listing WHERE dataset = 'agora' AND category = 'Drugs' "
        "AND subcategory = 'Cannabis'",
    )[0]
    assert _share(cannabis, drugs) == 26.1
    # SOURCE.md counts the text "USA" exactly: 27.3 % of drug listings. Cleaned to codes, US also
    # takes "United States", "usa" and "The United Snakes of Captivity": 28.4 %.
    usa_text, us, unknown, none = _one(
        ws,
        "SELECT count(*) FILTER (WHERE list_contains(from_text, 'USA')), "
        "count(*) FILTER (WHERE list_contains(ships_from, 'US')), "
        "count(*) FILTER (WHERE list_contains(ships_from, 'XX')), "
        "count(*) FILTER (WHERE len(ships_from) = 0) "
        "FROM listing WHERE dataset = 'agora' AND category = 'Drugs'",
    )
    assert (_share(usa_text, drugs), _share(us, drugs)) == (27.3, 28.4)
    # Unknown origin is reported, not dropped: "Torland", "Undeclared;)" (XX) or nothing stated.
    assert (unknown, none, _share(unknown + none, drugs)) == (347, 148, 8.6)
    china = _one(
        ws,
        "SELECT count(*) FROM listing WHERE dataset='agora' AND category='Drugs' "
        "AND list_contains(ships_from, 'CN')",
    )[0]
    assert _share(china, drugs) == 11.4


def test_agora_ships_texts_keep_their_original_value(markets):
    ws, _ = markets
    pairs = set(
        ws.con.execute(
            "SELECT value, original_value FROM statements WHERE dataset = 'agora' "
            "AND prop = 'shipsTo'"
        ).fetchall()
    )
    assert {
        ("ZZ", "everywhere but Australia"),
        ("XN", "North America"),  # from "EU, North America": one statement per place
        ("EU", None),
        ("GB", "UK (Free!)"),
        ("ZZ", "We do not ship to USA / Canada / New zealand / Australia /Scandinavia"),
    } <= pairs
    assert ("XX", "Undeclared;)") in set(
        ws.con.execute(
            "SELECT value, original_value FROM statements WHERE prop = 'shipsFrom'"
        ).fetchall()
    )
    prices = dict(
        ws.con.execute(
            "SELECT prop, value FROM statements s JOIN entities e ON e.id = s.entity_id "
            "WHERE e.dataset = 'agora' AND s.row_number = 1 AND prop IN ('amount', 'currency', "
            "'keywords', 'subcategory')"
        ).fetchall()
    )
    assert prices == {
        "amount": "0.00266844",
        "currency": "BTC",
        "keywords": "Information/Guides",
        "subcategory": "Guides",
    }


def test_agora_flags_places_that_are_not_places(markets):
    _, results = markets
    (r,) = results["agora"]
    assert r.flagged_rows == 3
    assert sorted(p.value for p in r.problems) == [
        "Cancada",  # "EU, USA, Cancada": EU and US are kept
        "The home of the Body Bags",
        "The home of the Body Bags, shotty, and mag",
    ]


def test_agora_lines_are_physical_lines(markets):
    ws, results = markets
    (r,) = results["agora"]
    path = shared_data(AGORA) / "products-2014-01-01.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    rows = ws.con.execute(
        "SELECT line FROM records WHERE source_id = ? AND row_number IN (1, 2, 7986) "
        "ORDER BY row_number",
        [r.source_id],
    ).fetchall()
    assert rows[0][0] == 2 and rows[1][0] == 9  # feedback spans lines 2-8
    for (line,) in rows:
        assert lines[line - 1].startswith('"2014-01-')


# -- Hansa ----------------------------------------------------------------------------------------


def test_hansa_counts_and_truncated_rows(markets):
    ws, results = markets
    (r,) = results["hansa"]
    assert r.rows == 14773
    # 14,507 listings (266 ids crawled twice) and 507 vendors: SOURCE.md's 510 read the shifted
    # and truncated lines by position, which puts prices ("USD 23.00") in the vendor slot.
    listings, vendors = _one(
        ws, "SELECT count(*), count(DISTINCT vendor) FROM listing WHERE dataset = 'hansa'"
    )
    assert (listings, vendors, r.entities) == (14507, 507, 14507 + 507)
    flagged = ws.con.execute(
        "SELECT line, problems FROM records WHERE source_id = ? AND flagged ORDER BY line",
        [r.source_id],
    ).fetchall()
    truncated = [line for line, p in flagged if "Truncated in the source" in p]
    assert len(truncated) == 17 and truncated[:2] == [1185, 2321]
    shifted = [line for line, p in flagged if "title is missing" in p]
    assert shifted == [4690] and r.flagged_rows == 18


def test_hansa_realigns_decodes_and_cleans(markets):
    ws, _ = markets
    row = dict(
        ws.con.execute(
            "SELECT s.prop, s.value FROM statements s JOIN records r "
            "ON r.source_id = s.source_id AND r.row_number = s.row_number "
            "WHERE s.dataset = 'hansa' AND r.line = 4690 AND s.schema = 'Listing'"
        ).fetchall()
    )
    assert (row["amount"], row["currency"], row["category"], row["shipsFrom"]) == (
        "5.28",
        "USD",
        "Drugs",
        "XE",  # "Europe (EU)"
    )
    names = [
        v
        for (v,) in ws.con.execute(
            "SELECT value FROM statements WHERE dataset = 'hansa' AND prop = 'name'"
        ).fetchall()
    ]
    assert not any("&amp;" in n or "&#039;" in n for n in names)
    assert "12g OG Kush TOP SHELF Golden Pull & Snap!" in names
    assert _one(
        ws,
        "SELECT value, original_value FROM statements WHERE dataset = 'hansa' "
        "AND prop = 'observedAt' AND original_value LIKE '2016-12-11 20:13:54.65%'",
    ) == ("2016-12-12T01:13:54", "2016-12-11 20:13:54.654635085 -0500 EST")


def test_hansa_category_and_origin_figures(markets):
    ws, _ = markets
    total, drugs, drug_vendors = _one(
        ws,
        "SELECT count(*), count(*) FILTER (WHERE category = 'Drugs'), "
        "count(DISTINCT vendor) FILTER (WHERE category = 'Drugs') "
        "FROM listing WHERE dataset = 'hansa'",
    )
    # 8,514 as SOURCE.md reads it, plus the 15 truncated lines that hold only "Drugs" and the
    # realigned line 4690.
    assert (drugs, drug_vendors, _share(drugs, total)) == (8530, 387, 58.8)
    us, nl, none = _one(
        ws,
        "SELECT count(*) FILTER (WHERE list_contains(ships_from, 'US')), "
        "count(*) FILTER (WHERE list_contains(ships_from, 'NL')), "
        "count(*) FILTER (WHERE len(ships_from) = 0) "
        "FROM listing WHERE dataset = 'hansa' AND category = 'Drugs'",
    )
    stated = drugs - none  # shares of drug listings that state a ships-from, as in SOURCE.md
    assert (_share(us, stated), _share(nl, stated)) == (21.4, 14.7)
    assert (none, _share(none, drugs)) == (63, 0.7)  # unknown origin, reported
    top = ws.con.execute(
        "SELECT u.value, count(*) FROM listing l JOIN statements u ON u.entity_id = l.vendor "
        "AND u.prop = 'username' WHERE l.dataset = 'hansa' GROUP BY 1 ORDER BY 2 DESC LIMIT 2"
    ).fetchall()
    assert top == [("pckabml", 514), ("color", 417)]


# -- layouts that are refused ---------------------------------------------------------------------


def _unchanged(before, after):
    drop = ("audit_log",)
    return {k: v for k, v in before.items() if k not in drop} == {
        k: v for k, v in after.items() if k not in drop
    }


def test_agora_refuses_a_file_that_is_not_a_products_file(workspace):
    before = workspace.table_counts()
    path = shared_data(AGORA) / "crawl-distribution.csv"
    with pytest.raises(ImportRejected) as info:
        import_format(workspace, path, "agora")
    (problem,) = info.value.problems
    assert "Agora products CSV with the header list, date, vendor" in problem.expected
    assert "not crawl-distribution.csv" in problem.hint and problem.line == 1
    assert _unchanged(before, workspace.table_counts())


def test_agora_refuses_a_folder_without_products(workspace, tmp_path):
    (tmp_path / "notes.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(ImportRejected, match="products-"):
        import_format(workspace, tmp_path, "agora")
    assert workspace.table_counts()["sources"] == 0


def test_hansa_refuses_a_file_with_another_layout(workspace, tmp_path):
    path = tmp_path / "hansa.csv"
    path.write_text("vendor,title,price\nx,y,USD 1.00\n", encoding="utf-8")
    before = workspace.table_counts()
    with pytest.raises(ImportRejected) as info:
        import_format(workspace, path, "hansa")
    (problem,) = info.value.problems
    assert problem.expected.startswith("a Hansa listings CSV without header")
    assert problem.line == 1 and "crawl time" in problem.hint
    assert _unchanged(before, workspace.table_counts())


def test_hansa_small_layouts(workspace, tmp_path):
    """A record of each kind the real file has, and one with a field too many."""
    t = '"2016-12-11 20:13:54.654635085 -0500 EST"'
    path = tmp_path / "hansa.csv"
    path.write_text(
        f'{t}, "1", "Tom &amp; Jerry&#039;s", "v1", "USD 1,320.31", "Drugs", "United States"\n'
        f'{t}, "2", "E-book", "v2", "USD 2.00", "Guides & Tutorials"\n'
        f'{t}, "3", "v3", "USD 3.00", "Drugs", "Europe (EU)"\n'
        f'{t}, "4", "Drugs"\n'
        f'{t}, "5", "POL1 item", "POL1", "USD 5.00", "Drugs", "Poland", "extra"\n',
        encoding="utf-8",
    )
    (r,) = import_format(workspace, path, "hansa")
    assert (r.rows, r.flagged_rows) == (5, 3)
    records = json.loads(
        workspace.con.execute("SELECT problems FROM records WHERE row_number = 5").fetchall()[0][0]
    )
    assert records[0]["value"] == "extra"
    names = workspace.con.execute(
        "SELECT value FROM statements WHERE prop IN ('name', 'amount') ORDER BY row_number, prop"
    ).fetchall()
    assert [v for (v,) in names][:2] == ["1320.31", "Tom & Jerry's"]


def test_formats_are_registered_with_their_dataset():
    assert (get_format("agora").dataset, get_format("hansa").dataset) == ("agora", "hansa")
    assert get_format("agora").kind == get_format("hansa").kind == "online"
