"""Drug flows on the synthetic world: the planted routes, roles and growth are found."""

from __future__ import annotations

import pytest

from cybertnoc.domains.drugs import analysis, flows
from cybertnoc.domains.drugs.indicators import drug_indicators
from cybertnoc.ingest import import_file
from cybertnoc.report.sections import drugs_section
from cybertnoc.store import Workspace
from cybertnoc.synth import SCALES, generate
from cybertnoc.synth._context import Context
from cybertnoc.synth.routes import ROUTES
from cybertnoc.synth.seizures import write_seizures


def _planted(kind: str, n: int) -> set[tuple[str, str, str]]:
    ranked = sorted(ROUTES, key=lambda r: -getattr(r, kind))
    # the n-th and the (n+1)-th planted weights differ, so the planted top n is well defined
    assert getattr(ranked[n - 1], kind) > getattr(ranked[n], kind)
    return {(r.origin, r.destination, r.drug_group) for r in ranked[:n]}


def _found(table) -> set[tuple[str, str, str]]:
    return set(zip(table["origin"], table["destination"], table["drug"], strict=True))


@pytest.fixture(scope="module")
def small_ws(tmp_path_factory):
    """The small world (seed 0): its seizures and listings imported (about 4 s)."""
    root = tmp_path_factory.mktemp("synth_flows")
    manifest = generate(root / "world", seed=0, scale="small")
    ws = Workspace.create(root / "ws")
    for f in manifest.files:
        if f.mapping in ("synth/seizures", "synth/market_listings"):
            import_file(ws, root / "world" / f.path, f.mapping)
    yield ws
    ws.close()


@pytest.fixture(scope="module")
def small(small_ws):
    return flows.workspace_records(small_ws)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_top_10_planted_seizure_routes_are_the_top_10_found(tmp_path, seed):
    # The medium world's seizure file (5,000 seizures), exactly as generate() writes it: the
    # seizure part draws from its own random stream.
    ctx = Context(seed=seed, scale=SCALES["medium"], out_dir=tmp_path / "world")
    ctx.data_dir.mkdir(parents=True)
    write_seizures(ctx)
    with Workspace.create(tmp_path / "ws") as ws:
        import_file(ws, ctx.data_dir / "seizures.csv", "synth/seizures")
        records = flows.workspace_records(ws)
    found = flows.routes(records, top=10)
    assert _found(found) == _planted("offline", 10)
    assert tuple(found.iloc[0][["origin", "destination", "drug"]]) == ("NL", "GB", "cannabis")
    # report writers' "Unknown" and blanks: about one in ten, reported
    assert 0.03 < found.attrs["unknown_origin_share"] < 0.08
    assert records.attrs["unmapped_drugs"] == {} and records.attrs["unknown_units"] == {}


def test_small_world_routes_online_and_offline(small):
    offline = flows.routes(small, source="offline", top=10)
    assert _found(offline) == _planted("offline", 10)  # apportioned: exact at 500 seizures too
    online = flows.routes(small, source="online", top=10)
    assert tuple(online.iloc[0][["origin", "destination", "drug"]]) == ("NL", "GB", "cannabis")
    assert len(_found(online) & _planted("online", 6)) >= 5
    assert set(online.columns) >= {"listings", "vendors", "value", "currency"}
    # BTC markets have no rate: their prices are left out of value and counted
    assert online.attrs["value"]["no_rate"] > 0
    with_rate = flows.routes(small, source="online", top=1, rates={"BTC": 40_000.0})
    assert with_rate["value"].iloc[0] > online["value"].iloc[0]


def test_small_world_roles_and_comparison(small):
    roles = flows.country_roles(small, source="offline")
    role = dict(zip(roles["country"], roles["role"], strict=True))
    assert {role[c] for c in ("CO", "EC", "MA", "AF")} == {"source"}
    assert {role[c] for c in ("GB", "FR", "PT")} == {"destination"}
    assert role["PA"] == "transit"  # named as a transit, never an end
    cmp = flows.compare_views(small, offline_weight="seizures")
    assert "US" in cmp["only_online"]  # domestic retail only online
    assert cmp["routes"]["overlap"] >= 5


def test_small_world_growth_and_concentration(small):
    growth = flows.route_growth(small, "2023", "2024", source="offline")
    assert set(growth.columns) >= {"before", "after", "change", "growth", "emerging"}
    assert growth["before"].sum() > 0 and growth["after"].sum() > 0
    conc = flows.vendor_concentration(small, by="source", k=10)
    assert list(conc["source"]) == ["synth_market_listings"]
    assert 0.3 < conc["gini"].iloc[0] < 1  # heavy-tailed listings per vendor


def test_indicators_per_drug_and_country(small):
    table = drug_indicators(small)
    assert {"drug", "country", "kg", "online_share", "trend_label", "new_routes"} <= set(table)
    gb = table[(table["drug"] == "cannabis") & (table["country"] == "GB")].iloc[0]
    assert gb["kg"] > 0 and gb["trend_label"] in {"up", "down", "stable", "new"}
    nl = table[(table["drug"] == "cannabis") & (table["country"] == "NL")].iloc[0]
    assert nl["online_share"] > 0.2  # the planted main ships-from country of cannabis
    shares = table.groupby("drug")["online_share"].sum()
    assert (shares <= 1.0 + 1e-9).all()


def test_the_drugs_section_has_the_map_the_sankey_and_the_indicators(small_ws):
    findings = analysis.analyse(small_ws)
    section = drugs_section(findings)
    figures = [b for b in section.blocks if hasattr(b, "svg")]
    captions = " ".join(b.caption for b in figures)
    assert "Natural Earth" in captions and "Seizures per origin" in captions
    assert any("SOCTA" in getattr(b, "caption", "") for b in section.blocks)
    assert any("unknown origin" in getattr(b, "text", "") for b in section.blocks)
    # trends over the two synthetic years, both views, and the emerging routes 2023 -> 2024
    assert "Kilogram equivalents seized per year" in captions
    assert "Distinct drug listings per year" in captions
    assert len(findings.trends) and set(findings.trends["period"]) == {"2023", "2024"}
    tables = [b for b in section.blocks if "Emerging routes" in getattr(b, "caption", "")]
    assert len(tables) == 1 and set(findings.emerging_routes["after"]) == {"2024"}
    for fig in figures:
        assert "<script" not in fig.svg and "http://" not in fig.svg.replace(
            "http://www.w3.org", ""
        )
