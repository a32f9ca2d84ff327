"""Brief sections from domain findings: words, tables and charts around numbers computed below.

Each function takes the findings object of one domain (or the network measures) and lays it out
as a :class:`~cybertnoc.report.Section`. Nothing here computes a finding: sorting, picking the
top rows and formatting are all it does.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import pandas as pd

from cybertnoc.domains.drugs.analysis import DrugFindings
from cybertnoc.domains.laundering.analysis import LaunderingFindings
from cybertnoc.domains.malware.analysis import MalwareFindings
from cybertnoc.domains.slavery.analysis import SlaveryFindings
from cybertnoc.model.types import country_label
from cybertnoc.network.analysis import NetworkFindings
from cybertnoc.report import charts
from cybertnoc.report._brief import (
    Block,
    Callout,
    KeyFigure,
    MethodNote,
    Paragraph,
    Section,
    Table,
)
from cybertnoc.report.flowmap import trend_chart

__all__ = [
    "METHODS",
    "drugs_section",
    "laundering_section",
    "malware_section",
    "network_section",
    "slavery_section",
]

TYPOLOGY_LABELS = {
    "fan_out": "Fan-out",
    "fan_in": "Fan-in",
    "gather_scatter": "Gather-scatter",
    "scatter_gather": "Scatter-gather",
    "cycle": "Cycle",
    "structuring": "Structuring",
    "bipartite": "Bipartite",
    "stack": "Stack",
    "random": "Random layering",
    "chain": "Chain layering",
}

#: The methods a workspace brief uses, with their references.
METHODS: dict[str, MethodNote] = {
    "network": MethodNote(
        "Social network analysis of the co-offending network",
        "People and phone lines are nodes; calls, associations and other ties recorded in the "
        "sources are edges, weighted by the number of ties. Degree, betweenness (Brandes' "
        "algorithm, normalised as networkx does), closeness, eigenvector centrality, Burt's "
        "constraint and clustering are computed per actor (igraph, equal to networkx's "
        "definitions); communities by the Leiden algorithm with a fixed seed; key players by "
        "Borgatti's KPP-Neg (greedy plus swaps, fragmentation objective); resilience by "
        "removing actors one at a time by betweenness, degree or at random, recomputing after "
        "each removal; missing ties by resource allocation, checked by hiding 10% of the ties "
        "(AUC).",
        "Freeman (1977) Sociometry 40:35-41; Brandes (2001) J. Math. Sociol. 25:163-177; "
        "Burt (1992) Structural Holes; Traag, Waltman & van Eck (2019) Sci. Rep. 9:5233; "
        "Borgatti (2006) Comput. Math. Organ. Theory 12:21-34; Duijn, Kashirin & Sloot (2014) "
        "Sci. Rep. 4:4238; Lü & Zhou (2011) Physica A 390:1150-1170",
    ),
    "drugs": MethodNote(
        "Trafficking routes offline and online",
        "Seizure records give origin → destination routes (transit legs split); darknet "
        "listings give ships-from → ships-to routes, one per pair of places a listing names. "
        "Messy place names are cleaned to ISO 3166 codes; regions and unknown places are kept "
        "apart. The two rankings are compared by Spearman rank correlation over the union of "
        "their top routes. Drug names and market categories map onto one taxonomy of UNODC "
        "drug groups; quantities are kilogram equivalents. Indicators per drug and country "
        "follow Europol's threat assessments: volume, trend between the two latest years, "
        "online share (of listings) and emerging routes.",
        "Dittus, Wright & Graham (2018) Platform criminalism, WWW '18; UNODC World Drug Report "
        "2018; Europol SOCTA 2021 and IOCTA 2020",
    ),
    "laundering": MethodNote(
        "Laundering typology rules, a classifier and crypto clustering",
        "Transparent rules on the payment graph: fan-in and fan-out (one account with many "
        "counterparties within a window), gather-scatter and scatter-gather, time-respecting "
        "cycles of bounded length, bipartite and stacked transfers, random and chain layering, "
        "and structuring (repeated deposits just below a reporting threshold). Alerts that "
        "involve very high-volume accounts (merchants, payroll) are counted and set aside. "
        "Every alert names its accounts, transactions and rule. Where ground truth exists, a "
        "LightGBM classifier on graph features is trained on the earlier payments and scored "
        "on the later ones (temporal split). Crypto addresses are clustered by common-input "
        "ownership.",
        "Altman et al. (2023) Realistic synthetic financial transactions for anti-money "
        "laundering models, NeurIPS Datasets and Benchmarks; Blanuša et al. (2024) Graph "
        "Feature Preprocessor; Ke et al. (2017) LightGBM, NeurIPS; Meiklejohn et al. (2013) "
        "A fistful of bitcoins, IMC; FATF (2018) Professional Money Laundering",
    ),
    "slavery": MethodNote(
        "Advert groups by shared contact",
        "Adverts that share a contact selector (phone, e-mail, handle; pseudonymised at ingest) "
        "are linked, and groups are the connected components of these links (union-find). "
        "Contacts shared by very many adverts are not used. Groups are compared with case "
        "records that name a linked advert.",
        "Ibanez & Suthers (2014) HICSS; Keskin et al. (2021) Cracking sex trafficking, KDD",
    ),
    "malware": MethodNote(
        "Infection curve and random constant spread model",
        "Infections are counted per hour; the cumulative curve is fitted with the logistic "
        "model I(t) = N / (1 + exp(-K (t - t0))) by weighted logit regression refined by "
        "non-linear least squares. The doubling time early in the outbreak is ln 2 / K.",
        "Staniford, Paxson & Weaver (2002) How to 0wn the Internet in your spare time, "
        "USENIX Security",
    ),
}


def _n(value: float | int) -> str:
    return f"{value:,.0f}"


def _pct(part: float, whole: float) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "n/a"


def _place(code: object) -> str:
    text = str(code)
    try:
        label = country_label(text)
    except Exception:  # an unknown code is shown as it is
        return text
    return label or text


def _route(source: object, target: object) -> str:
    return f"{_place(source)} → {_place(target)}"


def _routes(pairs: list[str]) -> str:
    """``["DE->FR", ...]`` as place names."""
    names = [_route(*p.split("->", 1)) if "->" in p else p for p in pairs]
    return ", ".join(names) or "none"


_LONG_ID = re.compile(r"\b([0-9a-f]{8})[0-9a-f]{32}\b")


def _short_ids(text: str) -> str:
    """Entity ids (40 hex digits) shortened to their first 8 for reading."""
    return _LONG_ID.sub(r"\1…", text)


def _top(counts: Mapping[str, int], k: int = 3) -> str:
    items = list(counts.items())[:k]
    return ", ".join(f"{name} ({value:,})" for name, value in items)


# -- network --------------------------------------------------------------------------------------
def network_section(net: NetworkFindings, *, seed: int = 0) -> Section:
    """The co-offending network: size, cohesion, brokers, communities, key players, resilience
    and ties likely missing."""
    s = net.summary
    if not s.get("nodes"):
        return Section(
            "network",
            "Organised groups: the co-offending network",
            "No ties between people were found in the workspace.",
            [Paragraph("Import call records or other ties between people to see the network.")],
        )
    table = net.table
    top = table.head(10)
    n_comm = len(set(net.communities.values()))
    label = net.labels
    lead = (
        f"The network links **{_n(s['nodes'])} actors** by **{_n(s['edges'])} ties**; "
        f"{n_comm} communities stand out, and a handful of brokers hold it together."
    )
    blocks: list[Block] = [
        KeyFigure(
            "Actors",
            _n(s["nodes"]),
            note="people and phone lines",
            provenance="relationships table",
        ),
        KeyFigure("Ties", _n(s["edges"])),
        KeyFigure("Density", f"{s['density']:.4f}", note="share of possible ties present"),
        KeyFigure(
            "Largest component",
            _pct(s["largest_component_share"], 1),
            note=f"of actors, in {s['components']} component(s)",
        ),
        Paragraph(
            f"The average actor has {s['mean_degree']:.1f} contacts (median "
            f"{s['median_degree']:.0f}, maximum {s['max_degree']}): a few people are tied to "
            "many, as is typical of criminal networks. Clustering is "
            f"{s['average_clustering']:.3f} and degree assortativity "
            + (
                f"{s['degree_assortativity']:.2f}"
                if s.get("degree_assortativity") is not None
                else "undefined"
            )
            + f". Leiden communities reach a modularity of {net.modularity:.2f}."
        ),
    ]
    sizes = dict(zip(table["node"], table["betweenness_centrality"], strict=True))
    groups = {n: f"community {c + 1}" for n, c in net.communities.items()}
    first = top.iloc[0]
    blocks.append(
        charts.network_chart(
            net.edges,
            groups=groups,
            sizes=sizes,
            labels=label,
            caption="The co-offending network, coloured by Leiden community, node size by "
            "betweenness. Labels are pseudonyms.",
            alt=f"{s['nodes']} actors in {n_comm} communities; {label.get(first['node'])} has "
            f"the highest betweenness ({first['betweenness_centrality']:.3f}).",
            seed=seed,
            group_title="Community",
        )
    )
    players = set(net.key_players.nodes) if net.key_players else set()
    shown = pd.DataFrame(
        {
            "actor (pseudonym)": [label.get(n, str(n)) for n in top["node"]],
            "community": [net.communities.get(n, -1) + 1 for n in top["node"]],
            "degree": top["degree"].astype(int),
            "betweenness": top["betweenness_centrality"].round(3),
            "closeness": top["closeness_centrality"].round(3),
            "constraint": top["constraint"].round(3),
            "key player": ["yes" if n in players else "" for n in top["node"]],
        }
    )
    blocks.append(
        Table.from_dataframe(
            shown,
            "Brokers: the ten actors with the highest betweenness. Low constraint means the "
            "actor spans structural holes between otherwise unconnected contacts.",
        )
    )
    blocks.extend(_key_player_blocks(net))
    blocks.extend(_disruption_blocks(net))
    blocks.extend(_missing_tie_blocks(net))
    blocks.append(
        Callout(
            "Wiretap and arrest data show who police watched: missing ties are likely, so "
            "centrality ranks are estimates, not facts.",
            "warning",
        )
    )
    return Section("network", "Organised groups: the co-offending network", lead, blocks)


def _key_player_blocks(net: NetworkFindings) -> list[Block]:
    if net.key_players is None or not net.fragmentation:
        return []
    f = net.fragmentation
    k = len(net.key_players.nodes)
    names = ", ".join(net.labels.get(n, str(n)) for n in net.key_players.nodes)
    return [
        KeyFigure(
            f"Pairs cut off by {k} key players",
            _pct(f["key_players"], 1),
            note=f"fragmentation after removing {names} (KPP-Neg)",
        ),
        Paragraph(
            f"Which {k} arrests would split the network most? Borgatti's key-player search "
            f"(KPP-Neg) picks {names}: without them, {_pct(f['key_players'], 1)} of the pairs "
            f"of actors can no longer reach each other (fragmentation "
            f"{f['key_players']:.3f}, against {f['before']:.3f} now). Removing the {k} actors "
            f"with the highest betweenness instead cuts off {_pct(f['top_betweenness'], 1)}: "
            + (
                "the top brokers are partly redundant, they hold the same part of the network."
                if f["key_players"] > f["top_betweenness"] + 1e-9
                else "here the top brokers are the key players too."
            )
        ),
    ]


_STRATEGY_LABELS = {"betweenness": "Betweenness", "degree": "Degree", "random": "Random"}


def _disruption_blocks(net: NetworkFindings) -> list[Block]:
    if not net.disruption:
        return []
    curves = net.disruption
    x = curves[next(iter(curves))]["removed"].tolist()
    series = {
        _STRATEGY_LABELS.get(name, name): [
            100 * v for v in curve["lcc_fraction"].reindex(range(len(x))).tolist()
        ]
        for name, curve in curves.items()
    }
    last = {name: curve["lcc_fraction"].iloc[-1] for name, curve in curves.items()}
    removed = x[-1]
    best = min(last, key=lambda name: last[name])
    return [
        charts.line_chart(
            x,
            series,
            title="Resilience: the largest component as actors are removed",
            xlabel="actors removed (one at a time, recomputed after each)",
            ylabel="largest component (% of its size at the start)",
            caption="Disruption curves (Duijn, Kashirin & Sloot 2014): the largest connected "
            "component as the top actor by each strategy is removed, recomputing the scores "
            "after each removal; random removals with the brief's seed.",
            alt=f"After removing {removed} actors the largest component keeps "
            + ", ".join(
                f"{100 * v:.0f}% ({_STRATEGY_LABELS.get(n, n).lower()})" for n, v in last.items()
            )
            + f"; {_STRATEGY_LABELS.get(best, best).lower()} removal disrupts most.",
        )
    ]


def _missing_tie_blocks(net: NetworkFindings) -> list[Block]:
    ev, sug = net.link_evaluation, net.suggested_links
    if ev.empty or sug.empty:
        return []
    ra = ev.set_index("method").loc["resource_allocation"]
    shown = pd.DataFrame(
        {
            "actor A": [net.labels.get(u, str(u)) for u in sug["u"]],
            "actor B": [net.labels.get(v, str(v)) for v in sug["v"]],
            "shared contacts": sug["common_neighbours"].astype(int),
            "score": sug["score"].round(3),
        }
    )
    best = ev.sort_values("auc", ascending=False).iloc[0]
    return [
        Paragraph(
            "Ties police never recorded can be suggested from structure: two actors with many "
            "shared contacts but no recorded tie. Hiding 10% of the recorded ties (seed "
            f"{int(ra['seed'])}) and asking the method to find them gives an AUC of "
            f"{ra['auc']:.2f} for resource allocation (0.5 is chance; best here: "
            f"{best['method'].replace('_', ' ')}, {best['auc']:.2f})."
        ),
        Table.from_dataframe(
            shown,
            "Ties most likely missing (resource allocation): hypotheses to check in the case "
            "files, not evidence of a tie.",
        ),
    ]


# -- drugs ----------------------------------------------------------------------------------------
def drugs_section(f: DrugFindings) -> Section:
    """Offline seizure routes and online listing routes, side by side."""
    blocks: list[Block] = [
        KeyFigure("Seizures", _n(f.seizures), provenance="Seizure entities"),
        KeyFigure("Darknet listings", _n(f.listings), provenance="Listing entities"),
        KeyFigure("Vendors", _n(f.vendors)),
        KeyFigure("Markets", _n(len(f.markets))),
    ]
    lead_parts = []
    views = (
        (f.seizure_routes, "Offline: seizure routes", "seizures", "the seizure routes",
         "The ten largest routes in the seizure records (origin → destination)."),
        (f.listing_routes, "Online: darknet listing routes", "listings", "online",
         "The ten largest ships-from → ships-to routes of darknet listings."),
    )  # fmt: skip
    for routes, title, unit, where, caption in views:
        if routes.empty:
            continue
        first = routes.iloc[0]
        name = _route(first["source"], first["target"])
        lead_parts.append(f"**{name}** leads {where} ({_n(first['count'])} {unit})")
        blocks.append(
            charts.flow_chart(
                [
                    (_place(r.source), _place(r.target), float(r.count))
                    for r in routes.head(10).itertuples()
                ],
                title=title,
                xlabel=unit,
                caption=caption,
                alt=f"{name} leads with {first['count']} {unit}.",
            )
        )
    c = f.comparison
    if c:
        blocks.append(
            Paragraph(
                f"Of the top {c['top']} routes, **{c['overlap']}** appear in both views "
                f"(Spearman rank correlation {c['spearman']:.2f} over {c['n_routes']} routes). "
                f"Only online: {_routes(c['only_online'][:5])}. "
                f"Only offline: {_routes(c['only_offline'][:5])}."
            )
        )
        rows = pd.DataFrame(c["routes"])
        rows = pd.DataFrame(
            {
                "route": [_route(r["source"], r["target"]) for r in c["routes"]],
                "listings": rows["online"].astype(int),
                "seizures": rows["offline"].astype(int),
                "rank online": [f"{v:g}" for v in rows["online_rank"]],
                "rank offline": [f"{v:g}" for v in rows["offline_rank"]],
            }
        )
        blocks.append(
            Table.from_dataframe(
                rows,
                "Top routes online and offline, with their ranks (tied routes share the mean "
                "rank).",
                numeric={1, 2, 3, 4},
            )
        )
    blocks.extend(_drug_pictures_and_indicators(f))
    blocks.extend(_drug_trends_and_growth(f))
    if f.markets:
        blocks.append(
            charts.bar_chart(
                list(f.markets),
                list(f.markets.values()),
                title="Listings by market",
                xlabel="listings",
                caption="Distinct listings per darknet market.",
                alt=f"{next(iter(f.markets))} has the most listings.",
            )
        )
    blocks.append(
        Callout(
            "Seizures show where enforcement looks, and listings what vendors claim: neither "
            "measures the size of the trade.",
            "warning",
        )
    )
    lead = "; ".join(lead_parts) + "." if lead_parts else "No seizures or listings were found."
    return Section("drugs", "Drug trafficking: seizures and darknet markets", lead, blocks, "drugs")


def _drug_pictures_and_indicators(f: DrugFindings) -> list[Block]:
    """The flow map, the Sankey of seizure routes, the unknown-origin note and the indicators."""
    blocks: list[Block] = []
    if f.country_kg or f.map_flows:
        lead = f.map_flows[0] if f.map_flows else None
        blocks.append(
            charts.flow_map(
                f.country_kg,
                f.map_flows,
                title="Seizures by country and the main seizure routes",
                legend="kg seized (square-root scale)",
                flow_legend="routes, width by seizures",
                caption="Countries shaded by kilograms seized (kg equivalents); lines are the "
                "largest origin → destination routes of the seizure records, drawn as great "
                "circles. Country outlines: Natural Earth 1:110m (public domain).",
                alt=(
                    f"The main seizure route is {_route(lead[0], lead[1])}."
                    if lead
                    else "Kilograms seized by country."
                ),
            )
        )
    if len(f.map_flows) >= 2:
        blocks.append(
            charts.sankey_chart(
                f.map_flows,
                title="Seizure routes: origin → destination",
                caption="Seizures per origin → destination route (international routes, "
                "transit countries not shown).",
                alt=f"{_place(f.map_flows[0][0])} is the largest origin of the top routes.",
            )
        )
    shares = {k: v for k, v in f.unknown_origin.items() if v is not None}
    if shares:
        blocks.append(
            Paragraph(
                "Records with an unknown origin are kept and counted, not dropped: "
                + "; ".join(
                    f"{'seizures' if k == 'offline' else 'drug listings'} "
                    f"{100 * v:.1f}% unknown origin"
                    for k, v in shares.items()
                )
                + "."
            )
        )
    ind = f.indicators
    if ind is not None and len(ind):
        rows = pd.DataFrame(
            {
                "drug": ind["drug"],
                "country": [_place(c) for c in ind["country"]],
                "kg seized": ["-" if pd.isna(v) else f"{v:,.1f}" for v in ind["kg"]],
                "share of kg": ["-" if pd.isna(v) else f"{100 * v:.1f}%" for v in ind["kg_share"]],
                "listings": ind["listings"].astype(int),
                "online share": [
                    "-" if pd.isna(v) else f"{100 * v:.1f}%" for v in ind["online_share"]
                ],
                "trend": ind["trend_label"],
                "new routes": ind["new_routes"].astype(int),
            }
        )
        blocks.append(
            Table.from_dataframe(
                rows,
                "Threat-assessment indicators by drug and country (Europol SOCTA/IOCTA style): "
                "volume seized, share of the drug's kg seized and of its darknet listings "
                "(online share), trend between the two latest years (up/down at ±25%) and "
                "routes new in the latest year. Top five countries per drug.",
                numeric={2, 3, 4, 5, 7},
            )
        )
    return blocks


def _drug_trends_and_growth(f: DrugFindings) -> list[Block]:
    """kg seized and listings over time (where records have dates), and the emerging routes."""
    blocks: list[Block] = []
    t = f.trends
    for kind in ("offline", "online"):
        if t is None or not len(t) or t.loc[t["kind"] == kind, "period"].nunique() < 2:
            continue
        blocks.append(trend_chart(t, kind))
    e = f.emerging_routes
    if e is not None and len(e):
        rows = pd.DataFrame(
            {
                "view": ["seizures" if k == "offline" else "listings" for k in e["kind"]],
                "route": [_route(o, d) for o, d in zip(e["origin"], e["destination"], strict=True)],
                "drug": e["drug"],
                "latest year": [
                    f"{v:,.0f} {w}" for v, w in zip(e["value"], e["weight"], strict=True)
                ],
                "years": [f"{a} → {b}" for a, b in zip(e["before"], e["after"], strict=True)],
            }
        )
        counts = e.drop_duplicates("kind")
        blocks.append(
            Table.from_dataframe(
                rows,
                "Emerging routes: none in the year before, present in the latest year of the "
                "data (seizures offline, listings online); the largest five per view of "
                + " and ".join(
                    f"{int(n)} {'seizure' if k == 'offline' else 'listing'} routes"
                    for k, n in zip(counts["kind"], counts["routes"], strict=True)
                )
                + ". A new route may be new reporting rather than new trafficking.",
                numeric={3},
            )
        )
    return blocks


# -- laundering -----------------------------------------------------------------------------------
def laundering_section(f: LaunderingFindings) -> Section:
    """Typology alerts on bank and crypto payments."""
    blocks: list[Block] = []
    total_tx = sum(f.transactions.values())
    alerts = {rail: sum(c.values()) for rail, c in f.counts.items()}
    for rail in f.transactions:
        name = "Bank" if rail == "bank" else "Crypto"
        blocks.append(
            KeyFigure(
                f"{name} payments screened",
                _n(f.transactions[rail]),
                note=f"{_n(f.accounts.get(rail, 0))} accounts",
                provenance="Payment entities",
            )
        )
        blocks.append(
            KeyFigure(
                f"{name} alerts",
                _n(alerts.get(rail, 0)),
                note=f"{_pct(f.transactions_flagged.get(rail, 0), f.transactions[rail])} "
                "of payments in an alert",
            )
        )
    if f.counts:
        rails = list(f.counts)
        blocks.append(
            charts.stacked_bar_chart(
                [TYPOLOGY_LABELS.get(t, t) for t in TYPOLOGY_LABELS],
                {r: [f.counts[r].get(t, 0) for t in TYPOLOGY_LABELS] for r in rails},
                title="Alerts by typology",
                ylabel="alerts",
                caption="Alerts raised by each typology rule, bank and crypto payments.",
                alt="Alerts per typology: "
                + ", ".join(
                    f"{TYPOLOGY_LABELS.get(t, t)} {sum(f.counts[r].get(t, 0) for r in rails)}"
                    for t in TYPOLOGY_LABELS
                )
                + ".",
            )
        )
        table = pd.DataFrame(
            {
                "typology": [TYPOLOGY_LABELS.get(t, t) for t in TYPOLOGY_LABELS],
                **{f"{r} alerts": [f.counts[r].get(t, 0) for t in TYPOLOGY_LABELS] for r in rails},
            }
        )
        blocks.append(Table.from_dataframe(table, "Alerts per typology rule."))
    if not f.matches.empty:
        sample = f.matches.sort_values(["amount_total"], ascending=False).head(5)
        blocks.append(
            Table(
                ["typology", "rail", "accounts", "payments", "amount", "rule that fired"],
                [
                    [
                        TYPOLOGY_LABELS.get(r.typology, r.typology),
                        r.rail,
                        len(r.accounts),
                        len(r.tx_ids),
                        f"{r.amount_total:,.2f}",
                        _short_ids(r.rule),
                    ]
                    for r in sample.itertuples()
                ],
                "The five largest alerts by amount, with the rule that fired (account ids "
                "shortened to 8 characters).",
            )
        )
    if f.classifier is not None:
        c = f.classifier
        blocks.append(
            KeyFigure(
                "Classifier F1 on later payments",
                f"{c.f1:.3f}",
                note=f"illicit class: precision {c.precision:.3f}, recall {c.recall:.3f}, "
                f"PR-AUC {c.pr_auc:.3f}",
                provenance="synthetic world's planted patterns",
            )
        )
        blocks.append(
            Paragraph(
                "A gradient-boosting classifier (LightGBM) on graph features of each payment "
                "(windowed fan-in and fan-out of both accounts, amounts, the typology patterns it "
                f"takes part in) was trained on the earlier {_n(c.train['rows'])} bank payments "
                f"({_n(c.train['illicit'])} planted laundering steps) and scored on the later "
                f"{_n(c.test['rows'])} ({_n(c.test['illicit'])} laundering): F1 {c.f1:.3f} for "
                "the laundering class. The threshold was chosen on the end of the training "
                "period, never on the test payments."
            )
        )
    if f.crypto:
        cr = f.crypto
        merged = (
            f"{_n(cr['multi_address'])} clusters hold several addresses (the largest "
            f"{_n(cr['largest'])})"
            if cr["multi_address"]
            else "no transaction spends from two addresses at once, so none are merged"
        )
        tagged = (
            f"; {_n(cr['tagged_clusters'])} clusters hold a tagged or sanctioned address"
            if cr["tagged_clusters"]
            else "; no imported TagPack or OFAC tag matches them"
        )
        blocks.append(
            Paragraph(
                f"Crypto wallets: {_n(cr['addresses'])} addresses fall into "
                f"{_n(cr['clusters'])} clusters by common-input ownership; {merged}{tagged}. "
                "Trace funds and exposure to tagged addresses with `cybertnoc crypto trace` and "
                "`cybertnoc crypto exposure`."
            )
        )
    if f.set_aside:
        blocks.append(
            Callout(
                f"{_n(sum(f.set_aside.values()))} alerts involving "
                f"{_n(sum(f.hubs.values()))} very high-volume accounts (more than "
                f"{f.params.get('max_counterparties')} counterparties: merchants, payroll) "
                "were set aside; such accounts need their own screening.",
                "info",
            )
        )
    blocks.append(
        Callout(
            "A rule alert is a lead for review, not evidence of laundering: ordinary payment "
            "patterns also fan in and out.",
            "warning",
        )
    )
    period = f" between {f.period[0]} and {f.period[1]}" if f.period else ""
    lead = f"**{_n(sum(alerts.values()))} alerts** on {_n(total_tx)} payments{period}; " + (
        f"{TYPOLOGY_LABELS.get(_largest(f.counts), '')} is the most frequent pattern."
        if f.counts
        else "no payments were found."
    )
    return Section("laundering", "Money laundering: typology alerts", lead, blocks, "laundering")


def _largest(counts: Mapping[str, Mapping[str, int]]) -> str:
    totals: dict[str, int] = {}
    for per in counts.values():
        for t, v in per.items():
            totals[t] = totals.get(t, 0) + v
    return max(sorted(totals), key=lambda t: totals[t]) if totals else ""


# -- slavery --------------------------------------------------------------------------------------
def slavery_section(f: SlaveryFindings) -> Section:
    """Advert groups by shared contacts, and trafficking cases."""
    groups = f.groups
    linked_groups = int((groups["linked_cases"] > 0).sum()) if not groups.empty else 0
    blocks: list[Block] = [
        KeyFigure("Adverts", _n(f.adverts), provenance="Advert entities"),
        KeyFigure(
            "Groups sharing a contact",
            _n(len(groups)),
            note=f"{_n(f.adverts_in_groups)} adverts ({_pct(f.adverts_in_groups, f.adverts)})",
        ),
        KeyFigure("Trafficking cases", _n(f.cases), provenance="Case entities"),
        KeyFigure(
            "Groups tied to a case",
            _n(linked_groups),
            note="contain an advert named in a case file",
        ),
    ]
    if not groups.empty:
        top = groups.head(10)
        blocks.append(
            Table(
                ["group", "adverts", "shared contacts", "linked cases"],
                [
                    [int(r.group), int(r.size), int(r.n_selectors), int(r.linked_cases)]
                    for r in top.itertuples()
                ],
                "The ten largest groups of adverts that share a phone, e-mail or handle.",
            )
        )
    if f.cases_by_type:
        blocks.append(
            charts.bar_chart(
                list(f.cases_by_type),
                list(f.cases_by_type.values()),
                title="Cases by type of exploitation",
                xlabel="cases",
                caption="Trafficking cases by type of exploitation (free text of the case "
                "files, grouped).",
                alt=f"{next(iter(f.cases_by_type))} exploitation is the most frequent type.",
            )
        )
    if f.cases_by_citizenship:
        top_c = dict(list(f.cases_by_citizenship.items())[:10])
        blocks.append(
            charts.bar_chart(
                [_place(c) for c in top_c],
                list(top_c.values()),
                title="Cases by citizenship of the victim",
                xlabel="cases",
                caption="The ten most frequent citizenships of victims in the case files.",
                alt=f"{_place(next(iter(top_c)))} is the most frequent citizenship.",
            )
        )
    if f.ignored_selectors:
        blocks.append(
            Callout(
                f"{f.ignored_selectors} contact value(s) found in more than "
                f"{f.params.get('max_adverts_per_selector')} adverts were not used to link "
                "(shared site defaults would chain unrelated adverts).",
                "info",
            )
        )
    blocks.append(
        Callout(
            "Case files count identified victims only; most victims are never identified. "
            "Shared contacts suggest one controller, they do not prove exploitation.",
            "warning",
        )
    )
    lead = (
        f"**{_n(len(groups))} groups** of adverts share a contact; {linked_groups} of them "
        f"contain an advert named in a trafficking case. Most frequent exploitation: "
        f"{_top(f.cases_by_type, 2) or 'none recorded'}."
    )
    return Section("slavery", "Modern slavery: adverts and cases", lead, blocks, "slavery")


# -- malware --------------------------------------------------------------------------------------
def malware_section(f: MalwareFindings) -> Section:
    """Infections over time, the spread model and the C2 infrastructure."""
    blocks: list[Block] = [
        KeyFigure("Infected hosts", _n(f.infections), provenance="Event entities"),
        KeyFigure("C2 servers", _n(len(f.c2)), provenance="Indicator entities"),
        KeyFigure("Malware families", _n(len(f.families))),
    ]
    if f.fit is not None:
        blocks.append(
            KeyFigure(
                "Doubling time",
                f"{f.fit.doubling_time:.1f} h",
                note=f"logistic fit, R² {f.fit.r2:.3f}",
            )
        )
    curve = f.curve
    if not curve.empty:
        series: dict[str, list[float | None]] = {
            "observed": [float(v) for v in curve["cumulative"]]
        }
        if f.fit is not None:
            series["logistic fit"] = [float(v) for v in f.fit.predict(curve["t_hours"])]
        blocks.append(
            charts.line_chart(
                list(curve["bin_start"]),
                series,
                title="Infected hosts over time",
                xlabel="time (UTC)",
                ylabel="infected hosts (cumulative)",
                caption=f"Cumulative infections per {f.freq} bin, with the random constant "
                "spread (logistic) model fitted to them.",
                alt=f"{f.infections} hosts infected"
                + (
                    f"; the curve doubles every {f.fit.doubling_time:.1f} hours early on."
                    if f.fit
                    else "."
                ),
                x_is_date=True,
            )
        )
    if f.fit is not None:
        blocks.append(
            Paragraph(
                f"The fitted growth rate K = {f.fit.K:.3f} per hour implies a doubling time of "
                f"{f.fit.doubling_time:.1f} hours early in the outbreak; the model expects "
                f"{f.fit.N:,.0f} hosts at saturation, half of them by hour {f.fit.t0:.0f}."
            )
        )
    if f.spread_known:
        blocks.append(
            Paragraph(
                f"For {_n(f.spread_known)} infections the infecting host is known; "
                f"{_n(f.first_infected)} hosts have no known infector. A host that spread the "
                f"malware infected {f.mean_offspring:.2f} others on average."
            )
        )
    if not f.c2.empty:
        c2 = (
            f.c2.groupby(["family", "country"], dropna=False)
            .size()
            .reset_index(name="servers")
            .sort_values(["servers", "family"], ascending=[False, True])
        )
        c2["country"] = c2["country"].map(lambda c: _place(c) if isinstance(c, str) else "—")
        blocks.append(
            Table.from_dataframe(c2.head(12), "C2 servers by malware family and hosting country.")
        )
    blocks.append(
        Callout(
            "Telemetry sees only the hosts that report to monitored servers; the true outbreak "
            "is larger.",
            "warning",
        )
    )
    lead = f"**{_n(f.infections)} hosts** infected by {_top(f.families, 3) or 'no family'}" + (
        f"; doubling every {f.fit.doubling_time:.1f} hours at first." if f.fit else "."
    )
    return Section("malware", "Malware: a botnet's spread", lead, blocks, "malware")
