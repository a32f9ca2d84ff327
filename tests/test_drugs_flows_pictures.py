"""Drug-flow pictures: trends and emerging routes from frames with known sums, the map's data,
and the interactive HTML pages (tooltips, self-containment) built from them."""

from __future__ import annotations

import base64
import hashlib
import html
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pandas as pd
import pytest

from cybertnoc.domains.drugs import flows
from cybertnoc.errors import InvalidValue
from cybertnoc.report import charts, flowmap, self_containment_problems

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def records():
    seizures = pd.DataFrame(
        {
            "drug": ["Cocaine", "Cocaine", "Cocaine", "Heroin", "Heroin", "Cocaine"],
            "quantity": [10, 30, 5, 2, 500, 99],
            "unit": ["kg", "kg", "kg", "kg", "g", "kg"],
            "country": ["ES", "ES", "NL", "TR", "TR", "ES"],
            "origin": ["CO", "CO", "EC", "AF", "AF", "CO"],
            "destination": ["ES", "ES", "NL", "TR", "TR", "ES"],
            "date": ["2015-03-01", "2016-05-02", "2016-07-01", "2015", "2016", None],
            "startDate": [None, None, None, None, None, "2011"],
            "endDate": [None, None, None, None, None, "2015"],
        }
    )
    listings = pd.DataFrame(
        {
            "category": ["Drugs"] * 5,
            "subcategory": ["Cannabis", "Cannabis", "Stimulants/Cocaine", "Cannabis", "Cannabis"],
            "ships_from": ["NL", "NL", "DE", "NL", "US"],
            "ships_to": ["GB", "GB", "FR", "Worldwide", "US"],
            "vendor": ["a", "b", "c", "a", "d"],
            "observed": ["2014-01-09", "2014-02-01", "2014-02-03", "2014-02-05", None],
        }
    )
    off = flows.seizure_records(seizures)
    on = flows.listing_records(listings)
    return pd.concat([off, on], ignore_index=True)


def test_trends_sum_kg_per_year_and_listings_per_month(records):
    t = flows.trends(records)
    off = t[t["kind"] == "offline"].set_index(["drug", "period"])
    assert off["kg"].to_dict() == {
        ("cocaine", "2015"): 10.0,
        ("cocaine", "2016"): 35.0,
        ("opioids", "2015"): 2.0,
        ("opioids", "2016"): 0.5,
    }
    assert set(off["freq"]) == {"year"} and off.loc[("cocaine", "2016"), "seizures"] == 2
    # the listings cover one year: month steps; the undated listing and the 2011-2015 seizure
    # make no point and are counted
    on = t[t["kind"] == "online"].set_index(["drug", "period"])
    assert on["listings"].to_dict() == {
        ("cannabis", "2014-01"): 1,
        ("cannabis", "2014-02"): 2,
        ("cocaine", "2014-02"): 1,
    }
    assert on["kg"].isna().all() and set(on["freq"]) == {"month"}
    assert t.attrs["undated"] == {"offline": 1, "online": 1}
    by_year = flows.trends(records, source="online", freq="year")
    assert by_year[["drug", "period", "listings"]].values.tolist() == [
        ["cannabis", "2014", 3],
        ["cocaine", "2014", 1],
    ]
    with pytest.raises(InvalidValue, match="year or month"):
        flows.trends(records, freq="week")


def test_emerging_routes_compare_the_two_latest_years(records):
    e = flows.emerging_routes(records)
    # offline 2015 -> 2016: EC -> NL is new; CO -> ES and AF -> TR were there before. Online
    # has a single year: nothing to compare.
    assert e[["kind", "origin", "destination", "drug", "weight", "before", "after", "value",
              "routes"]].values.tolist() == [
        ["offline", "EC", "NL", "cocaine", "seizures", "2015", "2016", 1.0, 1]
    ]  # fmt: skip


def test_flow_map_data_per_kind(records):
    off = flows.flow_map_data(records)
    assert off["kind"] == "offline" and off["country_measure"] == "kg"
    assert off["countries"] == {"ES": 139.0, "NL": 5.0, "TR": 2.5}
    # international routes, summed over drugs, heaviest first
    assert off["flows"] == [("CO", "ES", 3.0), ("AF", "TR", 2.0), ("EC", "NL", 1.0)]
    assert off["routes"][0] == {"origin": "CO", "destination": "ES", "seizures": 3, "kg": 139.0}
    on = flows.flow_map_data(records, source="online", period="2014-02")
    assert on["countries"] == {"DE": 1.0, "NL": 2.0}
    # the Worldwide listing has a region end: no route on a map
    assert on["flows"] == [("DE", "FR", 1.0), ("NL", "GB", 1.0)]
    with pytest.raises(InvalidValue, match="one kind"):
        flows.flow_map_data(records, source="offline,online")


class _Elements(HTMLParser):
    """The elements with a class, their attributes and the text of their <title> child."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.items: list[dict] = []
        self._stack: list[dict | None] = []
        self._title: dict | None = None
        self.scripts: list[str] = []
        self._script = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "title" and self._stack and self._stack[-1] is not None:
            self._title = self._stack[-1]
            return
        if tag == "script":
            self._script = True
            self.scripts.append("")
        item = {"tag": tag, **a, "title": None} if "class" in a else None
        if item is not None:
            self.items.append(item)
        self._stack.append(item)

    def handle_endtag(self, tag):
        if tag == "title" and self._title is not None:
            self._title = None
            return
        if tag == "script":
            self._script = False
        if self._stack:
            self._stack.pop()

    def handle_data(self, data):
        if self._title is not None:
            self._title["title"] = (self._title["title"] or "") + data
        if self._script:
            self.scripts[-1] += data


def _parse(page: str) -> _Elements:
    p = _Elements()
    p.feed(page)
    return p


def test_flow_map_html_has_one_tooltip_per_route_and_country():
    countries = {"ES": 139.0, "NL": 5.0, "CO": 0.0}
    routes = [("CO", "ES", 3), ("EC", "NL", 1), ("CO", "ZZ", 9), ("AF", "TR", 2)]
    detail = [{"origin": "CO", "destination": "ES", "seizures": 3, "kg": 139.0}]
    page = flowmap.flow_map_html(countries, routes, routes=detail, top=3, title="Test map")
    assert self_containment_problems(page) == []
    items = _parse(page).items
    drawn = [i for i in items if i["class"] == "route"]
    # top 3 by value: CO->ZZ (a region: not drawn, said), CO->ES, AF->TR
    assert [(r["data-o"], r["data-d"]) for r in drawn] == [("CO", "ES"), ("AF", "TR")]
    assert all(r["title"] == r["data-tip"] == r["aria-label"] for r in drawn)
    assert drawn[0]["title"] == "Colombia → Spain: 3 seizures · 139 kg"
    assert "1 of the top 3 routes have an end without an outline" in page
    shapes = [i for i in items if i["class"] == "country"]
    assert len(shapes) == len(charts.world_geometry())
    es = next(s for s in shapes if s["data-code"] == "ES")
    assert es["title"] == "Spain: 139 kg" and es["fill"] == charts.map_colour(139.0, 139.0)
    co = next(s for s in shapes if s["data-code"] == "CO")
    assert co["title"] == "Colombia: no records" and co["fill"] == "#EEF1F4"


def test_html_pages_allow_only_their_own_inline_script():
    page = flowmap.sankey_html([("CO", "ES", 5), ("CO", "NL", 3), ("EC", "NL", 2)])
    parsed = _parse(page)
    (script,) = parsed.scripts
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', page).group(1)
    csp = html.unescape(csp)
    assert f"script-src 'sha256-{digest}'" in csp and "default-src 'none'" in csp
    bands = [i for i in parsed.items if i["class"] == "band route"]
    nodes = [i for i in parsed.items if i["class"] == "node"]
    assert len(bands) == 3 and all(b["title"] == b["data-tip"] for b in bands)
    assert {(n["data-code"], n["data-side"]) for n in nodes} == {
        ("CO", "o"), ("EC", "o"), ("ES", "d"), ("NL", "d")
    }  # fmt: skip
    assert self_containment_problems(page) == []


def test_save_chart_writes_each_format_by_suffix(tmp_path, records):
    data = flows.flow_map_data(records)
    out = {}
    for suffix in flowmap.FORMATS:
        out[suffix] = flowmap.write_flow_map(
            tmp_path / f"map{suffix}", data["countries"], data["flows"], routes=data["routes"]
        )
    assert out[".png"].read_bytes()[:8] == PNG_MAGIC
    root = ET.parse(out[".svg"]).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert self_containment_problems(out[".html"].read_text(encoding="utf-8")) == []
    sankey = flowmap.write_sankey(tmp_path / "s.PNG", data["flows"])
    assert sankey.read_bytes()[:8] == PNG_MAGIC
    with pytest.raises(InvalidValue, match=r"\.svg, \.png or \.html"):
        flowmap.write_sankey(tmp_path / "s.pdf", data["flows"])


def test_trend_chart_draws_the_largest_drugs(records):
    t = flows.trends(records)
    fig = flowmap.trend_chart(t, "offline")
    assert "cocaine" in fig.svg and "opioids" in fig.svg and "2016" in fig.svg
    assert fig.alt.startswith("cocaine leads with 45 kg seized")
    assert "per month" in flowmap.trend_chart(t, "online").caption
    with pytest.raises(InvalidValue):
        flowmap.trend_chart(t[t["kind"] == "offline"], "online")
