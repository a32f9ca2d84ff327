"""The synthetic world's people: network structure, duplicates with noise, valid selectors."""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter, defaultdict

import networkx as nx
import numpy as np
import pandas as pd
import phonenumbers
import pytest

from cybertnoc.model.types.countries import clean_country, clean_country_list
from cybertnoc.model.types.emails import clean_email
from cybertnoc.synth import generate
from cybertnoc.synth.geo import DEMONYMS, MESSY_COUNTRY, REGION_STRINGS


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    out = tmp_path_factory.mktemp("people")
    generate(out, seed=3, scale="small")
    return out


def _truth(world, name):
    return pd.read_csv(world / "truth" / name, dtype=str, keep_default_na=False)


def _offender_graph(world):
    people = _truth(world, "people.csv").set_index("person_id")
    edges = _truth(world, "network_edges.csv")
    offenders = set(people.index[people["group_id"] != ""])
    G = nx.Graph()
    G.add_nodes_from(offenders)
    G.add_edges_from(
        (a, b) for a, b in zip(edges["source"], edges["target"], strict=True)
        if a in offenders and b in offenders
    )  # fmt: skip
    return G, people


def test_degrees_are_heavy_tailed(world):
    G, _ = _offender_graph(world)
    deg = np.array([d for _, d in G.degree()])
    assert deg.max() >= 4 * np.median(deg)
    # also in the observed data: lines in the wiretap
    calls = pd.read_csv(world / "data" / "wiretap_calls.csv", dtype=str)
    ties = calls[["caller_phone", "callee_phone"]].drop_duplicates()
    line_deg = pd.concat([ties["caller_phone"], ties["callee_phone"]]).value_counts()
    assert line_deg.max() >= 4 * line_deg.median()


def test_brokers_bridge_cells_and_leaders_are_shielded(world):
    G, people = _offender_graph(world)
    group = people["group_id"].to_dict()
    bc = nx.betweenness_centrality(G)
    brokers = [p for p in G if people.at[p, "role"] == "broker"]
    assert brokers
    for b in brokers:
        cells = {group[n] for n in G[b]} | {group[b]}
        assert len(cells) >= 3, b  # its own cell and at least two others
    others = [p for p in G if people.at[p, "role"] not in ("broker",)]
    assert np.mean([bc[b] for b in brokers]) > 3 * np.mean([bc[o] for o in others])
    for leader in (p for p in G if people.at[p, "role"] == "leader"):
        assert 1 <= G.degree(leader) <= 3
        assert all(group[n] == group[leader] for n in G[leader])
    ranked = sorted(bc, key=bc.get, reverse=True)
    assert not any(people.at[p, "role"] == "leader" for p in ranked[:10])


def test_people_roles_cover_all(world):
    people = _truth(world, "people.csv")
    assert set(people["role"]) - {""} == {
        "leader",
        "broker",
        "courier",
        "money_mule",
        "recruiter",
        "vendor",
        "affiliate",
    }


# -- duplicates with noise -------------------------------------------------------------------
def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c)).lower()


def _tokens(text: str) -> frozenset[str]:
    return frozenset(t for t in re.split(r"[\s,]+", _fold(text)) if t)


def _records(world) -> pd.DataFrame:
    """(source_file, record_id, name, dob) of every person record in the data."""
    data = world / "data"
    police = pd.read_csv(data / "police_records.csv", dtype=str, keep_default_na=False)
    arrests = pd.read_csv(data / "arrests.csv", dtype=str, keep_default_na=False)
    court = pd.read_csv(data / "court_cases.tsv", sep="\t", dtype=str, keep_default_na=False)
    kyc = pd.read_parquet(data / "bank_customers.parquet")
    kyc = kyc[kyc["customer_type"] == "individual"]

    def dmy(v):
        return pd.to_datetime(v, format="%d/%m/%Y", errors="coerce")

    frames = [
        pd.DataFrame({"source_file": "data/police_records.csv", "record_id": police["record_id"],
                      "name": police["forenames"] + " " + police["surname"],
                      "dob": police["date_of_birth"].map(dmy)}),
        pd.DataFrame({"source_file": "data/arrests.csv", "record_id": arrests["arrest_id"],
                      "name": arrests["full_name"],
                      "dob": pd.to_datetime(arrests["date_of_birth"], errors="coerce")}),
        pd.DataFrame({"source_file": "data/court_cases.tsv",
                      "record_id": court["case_number"] + "-" + court["defendant_no"],
                      "name": court["defendant"],
                      "dob": pd.to_datetime(court["date_of_birth"], format="%d %B %Y",
                                            errors="coerce")}),
        pd.DataFrame({"source_file": "data/bank_customers.parquet",
                      "record_id": kyc["customer_id"], "name": kyc["name"],
                      "dob": pd.to_datetime(kyc["date_of_birth"], errors="coerce")}),
    ]  # fmt: skip
    return pd.concat(frames, ignore_index=True)


def test_every_record_maps_to_exactly_one_true_person(world):
    ids = _truth(world, "person_identities.csv")
    records = _records(world)
    assert not ids.duplicated(["source_file", "record_id"]).any()
    assert set(zip(ids["source_file"], ids["record_id"], strict=True)) == set(
        zip(records["source_file"], records["record_id"], strict=True)
    )


def test_duplicates_span_sources_and_carry_noise(world):
    ids = _truth(world, "person_identities.csv")
    people = _truth(world, "people.csv").set_index("person_id")
    records = _records(world).merge(ids, on=["source_file", "record_id"])
    sources = records.groupby("person_id")["source_file"].nunique()
    multi = sources[sources >= 2].index
    offenders = people.index[people["group_id"] != ""]
    assert len(multi) >= 0.5 * len(offenders)
    assert sources.max() >= 4
    # not exact copies: compared on folded name tokens and date of birth
    truth_dob = pd.to_datetime(people["date_of_birth"])
    truth_tokens = {p: _tokens(f"{r.given_name} {r.family_name}") for p, r in people.iterrows()}
    noisy_people = 0
    for pid, g in records[records["person_id"].isin(multi)].groupby("person_id"):
        differs = [
            _tokens(r.name) != truth_tokens[pid] or r.dob != truth_dob[pid] for r in g.itertuples()
        ]
        noisy_people += any(differs)
    assert noisy_people >= 0.5 * len(multi)
    # the noise the truth reports is really in the data
    kinds = Counter(k for n in ids["noise"] for k in n.split(";") if k)
    for kind in ("spelling_variant", "names_swapped", "dob_day_month_swapped", "dob_missing"):
        assert kinds[kind] > 0, kind
    assert any(k.startswith("typo_") for k in kinds)
    for r in records.itertuples():
        noise = r.noise.split(";")
        if any(k.startswith("typo_") for k in noise):
            assert _tokens(r.name) != truth_tokens[r.person_id]
        if "dob_missing" in noise:
            assert pd.isna(r.dob)
        if "dob_day_month_swapped" in noise and "dob_typo" not in noise:
            true = truth_dob[r.person_id]
            assert (r.dob.day, r.dob.month) == (true.month, true.day)


def test_vendor_handles_vary_across_markets(world):
    vendors = _truth(world, "vendor_identities.csv")
    listings = pd.DataFrame(
        json.loads(line) for line in (world / "data" / "market_listings.jsonl").open()
    )
    assert set(zip(listings["market"], listings["vendor"], strict=True)) <= set(
        zip(vendors["market"], vendors["handle"], strict=True)
    )
    multi = vendors.groupby("vendor_id").filter(lambda g: len(g) > 1)
    assert multi["vendor_id"].nunique() >= 10
    handles = multi.groupby("vendor_id")["handle"].nunique()
    assert (handles > 1).sum() >= 5  # the same vendor under different handles
    keys = multi[multi["pgp_fingerprint"] != ""].groupby("vendor_id")["pgp_fingerprint"]
    assert (keys.nunique() == 1).mean() > 0.6  # mostly one key across markets
    assert vendors["pgp_fingerprint"].str.fullmatch(r"([0-9A-F]{40})?").all()
    assert (vendors["person_id"] != "").any()  # some vendors are group members


# -- selectors and places are valid -------------------------------------------------------------
def _valid(number: str, region: str | None = "GB") -> bool:
    try:
        return phonenumbers.is_valid_number(phonenumbers.parse(number, region))
    except phonenumbers.NumberParseException:
        return False


def test_every_phone_number_is_valid(world):
    data = world / "data"
    calls = pd.read_csv(data / "wiretap_calls.csv", dtype=str)
    phones = [*calls["caller_phone"], *calls["callee_phone"]]
    assert all(p.startswith("+") for p in phones)
    police = pd.read_csv(data / "police_records.csv", dtype=str)["phone"].dropna().tolist()
    kyc = pd.read_parquet(data / "bank_customers.parquet")["phone"].dropna().tolist()
    ads = [json.loads(line)["phone"] for line in (data / "adverts.jsonl").open()]
    cases = pd.read_excel(data / "trafficking_cases.xlsx", dtype=str)["linked_advert_phone"]
    every = [*phones, *police, *kyc, *(p for p in ads if p), *cases.dropna()]
    assert len(every) > 2000
    bad = [p for p in every if not _valid(p)]
    assert not bad, bad[:5]
    # many layouts of the same kind of number
    assert {"+", "0"} <= {p[0] for p in ads if p}
    assert any(p.startswith("00") and "-" in p for p in ads if p)


def test_every_variant_string_cleans_to_its_country():
    for table in (MESSY_COUNTRY, DEMONYMS, REGION_STRINGS):
        for code, variants in table.items():
            for v in variants:
                assert clean_country(v) == code, (v, code)


def test_country_columns_of_the_data_clean(world):
    data = world / "data"
    listings = [json.loads(line) for line in (data / "market_listings.jsonl").open()]
    seizures = pd.read_csv(data / "seizures.csv", sep=";", dtype=str, keep_default_na=False)
    police = pd.read_csv(data / "police_records.csv", dtype=str, keep_default_na=False)
    arrests = pd.read_csv(data / "arrests.csv", dtype=str, keep_default_na=False)
    court = pd.read_csv(data / "court_cases.tsv", sep="\t", dtype=str, keep_default_na=False)
    cases = pd.read_excel(data / "trafficking_cases.xlsx", dtype=str).fillna("")
    values = [
        *(r["ships_from"] for r in listings),
        *seizures["origin"], *seizures["transit"], *seizures["destination"],
        *seizures["seizing_country"], *police["nationality"], *arrests["nationality"],
        *arrests["arrest_country"], *court["nationality"], *cases["citizenship"],
        *cases["country_of_exploitation"],
    ]  # fmt: skip
    for v in values:
        if v:
            clean_country(v)
    ships_to = Counter(r["ships_to"] for r in listings)
    for v in ships_to:
        assert clean_country_list(v)
    messy = {"USA", "UK", "Holland", "Deutschland", "Worldwide", "EU", "Torland"}
    assert messy & set(ships_to) | messy & {r["ships_from"] for r in listings}
    assert any("," in v for v in ships_to)


def test_emails_and_c2_addresses_are_synthetic_and_valid(world):
    import ipaddress

    data = world / "data"
    kyc = pd.read_parquet(data / "bank_customers.parquet")["email"].dropna()
    ads = [json.loads(line)["email"] for line in (data / "adverts.jsonl").open()]
    for e in [*kyc, *(a for a in ads if a)]:
        assert clean_email(e).endswith(".example")
    c2 = pd.read_csv(data / "c2_indicators.csv", dtype=str)
    nets = [ipaddress.ip_network(n) for n in ("192.0.2.0/24", "198.51.100.0/24",
                                               "203.0.113.0/24", "100.64.0.0/10")]  # fmt: skip
    for ip in c2["dst_ip"]:
        assert any(ipaddress.ip_address(ip) in n for n in nets), ip
    asn = c2["as_number"].str.slice(2).astype(int)
    assert asn.between(64496, 65534).all()


def test_routes_online_and_offline_agree_on_the_dominant_corridors(world):
    data = world / "data"
    listings = [json.loads(line) for line in (data / "market_listings.jsonl").open()]
    online = Counter()
    for r in listings:
        if r["category"] != "Drugs":
            continue
        a = clean_country(r["ships_from"])
        bs = clean_country_list(r["ships_to"])
        for b in bs:
            if a != b and len(b) == 2 and not b.startswith("X") and b not in ("ZZ", "EU"):
                online[(a, b)] += 1
    seizures = pd.read_csv(data / "seizures.csv", sep=";", dtype=str, keep_default_na=False)
    offline = Counter()
    for o, d in zip(seizures["origin"], seizures["destination"], strict=True):
        if o and d and o.lower() != "unknown" and d.lower() != "unknown":
            offline[(clean_country(o), clean_country(d))] += 1
    top_online = [k for k, _ in online.most_common(3)]
    top_offline = {k for k, _ in offline.most_common(6)}
    assert ("NL", "GB") in top_online
    assert sum(k in top_offline for k in top_online) >= 2
    routes = _truth(world, "routes.csv")
    assert abs(routes["online_weight"].astype(float).sum() - 1) < 0.01


def test_adverts_of_one_controller_share_selectors(world):
    truth = _truth(world, "advert_controllers.csv")
    ads = pd.DataFrame(json.loads(line) for line in (world / "data" / "adverts.jsonl").open())
    ads["e164"] = [
        phonenumbers.format_number(phonenumbers.parse(p, "GB"), 0) if isinstance(p, str) else None
        for p in ads["phone"]
    ]
    merged = ads.merge(truth, on="advert_id")
    by_phone = merged.dropna(subset=["e164"]).groupby("e164")["advertiser_id"].nunique()
    assert (by_phone == 1).all()  # a phone belongs to one advertiser
    traff = merged[merged["advertiser_type"] == "trafficking"]
    per_ctrl = traff.groupby("advertiser_id")["advert_id"].count()
    assert per_ctrl.max() >= 10  # heavy-tailed: some controllers post many adverts
    layouts = traff.groupby("e164")["phone"].nunique()
    assert (layouts > 1).any()  # the same number written in several layouts
    cases = pd.read_excel(world / "data" / "trafficking_cases.xlsx", dtype=str)
    population = _truth(world, "trafficking_population.csv")
    observed = population[population["case_id"] != ""]
    assert len(cases) == len(observed) < len(population)  # there is a dark figure
    assert set(cases["case_id"]) == set(observed["case_id"])
    linked = cases["linked_advert_id"].dropna()
    assert linked.isin(ads["advert_id"]).all() and len(linked) > 0


def test_botnet_tree_is_consistent(world):
    tree = _truth(world, "botnet.csv")
    data = pd.read_csv(world / "data" / "infections.csv", dtype=str, keep_default_na=False)
    assert set(data["host_id"]) <= set(tree["host_id"])
    when = dict(zip(tree["host_id"], pd.to_datetime(tree["infected_at"]), strict=True))
    seeds = tree[tree["is_seed"] == "1"]
    assert 2 <= len(seeds) <= 12 and (seeds["infected_by"] == "").all()
    rest = tree[tree["is_seed"] == "0"]
    assert (rest["infected_by"] != "").all()
    assert all(when[b] < when[h] for h, b in zip(rest["host_id"], rest["infected_by"], strict=True))
    known = data[data["infected_by"] != ""]
    infector = dict(zip(tree["host_id"], tree["infected_by"], strict=True))
    assert all(
        infector[h] == b for h, b in zip(known["host_id"], known["infected_by"], strict=True)
    )
    # cumulative infections: slow start, fast middle, saturation (S-shaped)
    hours = pd.to_datetime(tree["infected_at"]) - pd.to_datetime(tree["infected_at"]).min()
    per_q = np.histogram(hours.dt.total_seconds(), bins=4)[0]
    assert per_q[0] < per_q[1] or per_q[0] < per_q[2]
    c2 = _truth(world, "c2_servers.csv")
    seeded = set(c2.loc[c2["seeded"] == "1", "ip"])
    assert set(data["c2_ip"]) <= seeded and len(c2) > len(seeded)  # the feed has decoys too
    groups = defaultdict(set)
    for camp, g in zip(tree["campaign"], tree["group_id"], strict=True):
        groups[camp].add(g)
    assert all(len(v) == 1 for v in groups.values())
