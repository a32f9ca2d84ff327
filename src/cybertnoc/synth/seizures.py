"""Offline drug seizures with routes, in the style of UNODC individual-seizure reports.

Each seizure draws a route by its ``offline`` weight (:mod:`cybertnoc.synth.routes`), a drug of
the route's group, a conveyance suited to the distance (parcels and vehicles inside Europe,
containers and air couriers across oceans) and a log-normal quantity for the conveyance. The
seizing country is usually the destination, sometimes a transit or the origin. Origin, transit
and destination are written as report writers write them, and one in ten reports leaves the
origin or destination unknown. The file is semicolon-separated, as UNODC's own exports are.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from cybertnoc.synth._context import Context
from cybertnoc.synth.geo import messy_country
from cybertnoc.synth.routes import DRUGS, shares
from cybertnoc.synth.writers import write_csv

__all__ = ["write_seizures"]

_EUROPE = {"NL", "GB", "DE", "BE", "FR", "ES", "PT", "AT", "IE", "PL", "BG", "TR"}
_AGENCY = {
    "GB": ("Border Force", "National Crime Agency", "Metropolitan Police Service"),
    "NL": ("Douane", "Politie", "Koninklijke Marechaussee"),
    "DE": ("Zoll", "Bundespolizei", "Landeskriminalamt"),
    "BE": ("Algemene Administratie der Douane en Accijnzen", "Federale Politie"),
    "FR": ("Douane", "OFAST", "Gendarmerie"),
    "ES": ("Guardia Civil", "Policía Nacional", "Vigilancia Aduanera"),
    "PT": ("Polícia Judiciária",),
    "IE": ("Revenue", "An Garda Síochána"),
}
# conveyance -> (median kg, sigma)
_CONVEYANCE = {
    "postal parcel": (0.25, 1.0),
    "vehicle": (12.0, 1.2),
    "air passenger": (2.5, 0.7),
    "air cargo": (40.0, 1.0),
    "maritime container": (350.0, 1.1),
}
_LOCAL = (("postal parcel", 0.35), ("vehicle", 0.5), ("air passenger", 0.15))
_LONG = (("maritime container", 0.55), ("air passenger", 0.3), ("air cargo", 0.15))


def _apportion(weights: np.ndarray, total: int) -> np.ndarray:
    """``total`` split in proportion to ``weights`` by largest remainders (Hamilton's method),
    remainders tied in favour of the larger weight."""
    exact = weights / weights.sum() * total
    counts = np.floor(exact).astype(int)
    left = total - int(counts.sum())
    order = np.lexsort((-weights, -(exact - counts)))
    counts[order[:left]] += 1
    return counts


def write_seizures(ctx: Context) -> int:
    rng = ctx.rng("seizures")
    routes = shares("offline")
    w = np.array([s for _, s in routes])
    rows = []
    start = dt.date(2023, 1, 1)
    # Each route gets its share of the seizures by largest remainders, in a random order: the
    # planted ranking of the routes is the ranking of their seizure counts, at every scale.
    draws = np.repeat(np.arange(len(routes)), _apportion(w, ctx.scale.seizures))
    rng.shuffle(draws)
    days = np.sort(rng.integers(0, 731, ctx.scale.seizures))
    for no, (r_i, day) in enumerate(zip(draws, days, strict=True), start=1):
        route = routes[int(r_i)][0]
        local = route.origin in _EUROPE and route.destination in _EUROPE
        options = _LOCAL if local else _LONG
        conv = options[int(rng.choice(len(options), p=[p for _, p in options]))][0]
        median, sigma = _CONVEYANCE[conv]
        names = DRUGS[route.drug_group][0]
        drug = names[int(rng.choice(len(names), p=_drug_p(len(names))))]
        kg = float(median * rng.lognormal(0, sigma))
        if drug.startswith("MDMA") and rng.random() < 0.6:
            quantity, unit = f"{max(10, round(kg * 3000 / 10) * 10)}", "tablets"
        elif drug == "LSD":
            quantity, unit = f"{max(5, round(kg * 2000))}", "blotters"
        elif kg < 1 and rng.random() < 0.7:
            quantity, unit = f"{kg * 1000:.1f}", "g"
        else:
            quantity, unit = f"{kg:.3f}", "kg"
        if rng.random() < 0.01:  # "not known": the report gives no weight
            quantity = "n/k"
        transit = ""
        if route.transit and rng.random() < 0.6:
            transit = route.transit[int(rng.integers(len(route.transit)))]
        u = rng.random()
        seizing = (
            route.destination
            if u < 0.7
            else (transit or route.origin)
            if u < 0.85
            else route.origin
        )
        if seizing not in _AGENCY:
            seizing = route.destination if route.destination in _AGENCY else "ES"
        agencies = _AGENCY[seizing]
        origin = messy_country(rng, route.origin, 0.6)
        destination = messy_country(rng, route.destination, 0.6)
        if rng.random() < 0.1:
            if rng.random() < 0.5:
                origin = ("Unknown", "", "unknown")[int(rng.integers(3))]
            else:
                destination = ("Unknown", "")[int(rng.integers(2))]
        date = start + dt.timedelta(days=int(day))
        rows.append(
            [
                f"SZ-{date.year}-{no:06d}",
                date.strftime("%d/%m/%Y"),
                messy_country(rng, seizing, 0.7),
                agencies[int(rng.integers(len(agencies)))],
                drug,
                route.drug_group,
                quantity,
                unit,
                origin,
                messy_country(rng, transit, 0.7) if transit else "",
                destination,
                conv,
            ]
        )
    return write_csv(
        ctx.data_dir / "seizures.csv",
        [
            "seizure_id",
            "date",
            "seizing_country",
            "agency",
            "drug",
            "drug_group",
            "quantity",
            "unit",
            "origin",
            "transit",
            "destination",
            "conveyance",
        ],
        rows,
        delimiter=";",
    )


def _drug_p(n: int) -> list[float]:
    w = 1.0 / np.arange(1, n + 1)
    return list(w / w.sum())


def route_truth_rows() -> list[tuple[str, ...]]:
    from cybertnoc.synth.routes import ROUTES

    on = sum(r.online for r in ROUTES)
    off = sum(r.offline for r in ROUTES)
    return [
        (
            r.origin,
            r.destination,
            r.drug_group,
            f"{r.online / on:.4f}",
            f"{r.offline / off:.4f}",
            ";".join(r.transit),
        )
        for r in ROUTES
    ]


ROUTE_TRUTH_COLUMNS = (
    "origin",
    "destination",
    "drug_group",
    "online_weight",
    "offline_weight",
    "transit",
)
__all__ += ["ROUTE_TRUTH_COLUMNS", "route_truth_rows"]
