"""Darknet markets, vendors and their listings, seen over several crawls.

Built to look like the Agora 2014 crawls and the Hansa 2016 scrape
(``darknet/*/SOURCE.md``): four markets with their own listing-id styles and price currencies
(two quote BTC, two USD with thousands separators), category paths such as
``Drugs`` + ``Cannabis/Weed``, ships-from / ships-to typed by vendors ("USA", "Holland",
"Worldwide", "EU, North America", "Torland", "Undeclared;)"), heavy-tailed listings per vendor,
listings re-seen on later crawls with drifting prices, a market that closes (exit scam) and one
that opens, with vendors migrating.

A true vendor may run one to three handles on different markets: the same handle, a variant
("DrWhite", "dr_white", "DrWhite2", "DrWhite_NL"), mostly with the same PGP key (40 hex digits)
and often cross-listing the same products. Some vendors are members of the organised groups.
``truth/vendor_identities.csv`` maps every (market, handle) to its true vendor.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from cybertnoc.synth._context import Context
from cybertnoc.synth.geo import messy_country
from cybertnoc.synth.routes import DRUGS, shares
from cybertnoc.synth.writers import write_jsonl

__all__ = ["MARKETS", "btc_usd", "write_listings"]

#: (name, currency, id style, first day, last day) — days from 2023-01-01.
MARKETS = (
    ("Nightjar Market", "BTC", "hex", 0, 300),
    ("Velvet Road", "USD", "num", 0, 729),
    ("Obsidian Bazaar", "BTC", "hex", 150, 729),
    ("Tortuga", "USD", "num", 365, 729),
)
_DAY0 = dt.date(2023, 1, 1)

# fmt: off
_PREFIX = ("Dr", "Mr", "Big", "Dutch", "Euro", "Green", "White", "Royal", "Top", "Happy",
           "Magic", "Silent", "Crypto", "Frosty", "Candy", "Golden", "Lucky", "Dark", "Pure",
           "Uncle", "Captain", "Lord", "King", "Saint", "Old", "Red", "Blue", "Mega", "Super")
_CORE = ("White", "Green", "Kush", "Snow", "Pharma", "Lab", "Chem", "Tiger", "Fox", "Panda",
         "Dragon", "Wolf", "Rabbit", "Mushroom", "Cookie", "Bear", "Shark", "Candy", "Plug",
         "Supply", "Connect", "Express", "Store", "Shop", "Factory", "Garden", "Farm", "Chemist",
         "Rocket", "Diamond", "Crystal", "Cloud", "Ghost", "Ninja", "Pirate", "Monkey", "Owl",
         "Viking", "Tulip", "Windmill")
# fmt: on

# fmt: off
_TITLES = {
    "Cannabis/Weed": ("{q}g {x} {t}", ("Amnesia Haze", "White Widow", "OG Kush",
                      "Gorilla Glue #4", "Gelato", "Lemon Haze", "Super Silver Haze",
                      "Northern Lights", "AK-47"), (1, 3.5, 5, 7, 10, 14, 28, 56, 100)),
    "Cannabis/Hash": ("{q}g {x} {t}", ("Moroccan Gold Hash", "Charas", "Afghan Black",
                      "Dry Sift", "Lebanese Red"), (1, 5, 10, 25, 50, 100)),
    "Stimulants/Cocaine": ("{q}g {x} {t}", ("Colombian Cocaine 90% pure", "Peruvian Flake",
                           "Bolivian Cocaine", "Cocaine Fishscale"), (0.5, 1, 2, 3.5, 7, 14, 28)),
    "Stimulants/Speed": ("{q}g {x} {t}", ("Amphetamine Paste", "Speed 60%", "Amphetamine Sulphate"),
                         (5, 10, 25, 50, 100)),
    "Stimulants/Meth": ("{q}g {x} {t}", ("Crystal Meth Shards", "Methamphetamine 95%"),
                        (0.5, 1, 3.5, 7, 14)),
    "Ecstasy/Pills": ("{q}x {x} {t}", ("Tesla 250mg MDMA pills", "Blue Punisher 280mg",
                      "Red Bull 220mg XTC", "Rolex 200mg pills"), (10, 25, 50, 100, 500, 1000)),
    "Ecstasy/MDMA": ("{q}g {x} {t}", ("MDMA crystal 84%", "Champagne MDMA", "MDMA rocks"),
                     (1, 5, 10, 25, 50)),
    "Opioids/Heroin": ("{q}g {x} {t}", ("Heroin No.4", "Brown heroin", "Afghan heroin"),
                       (0.5, 1, 3.5, 7, 14)),
    "Opioids/Oxycodone": ("{q}x {x} {t}", ("Oxycodone 30mg", "Oxycodone 80mg"),
                          (10, 20, 50, 100)),
    "Dissociatives/Ketamine": ("{q}g {x} {t}", ("Ketamine needles", "Ketamine crystal"),
                               (1, 5, 10, 25, 50)),
    "Psychedelics/LSD": ("{q}x {x} {t}", ("LSD blotter 150ug", "LSD blotter 200ug"),
                         (10, 25, 50, 100)),
    "Psychedelics/Mushrooms": ("{q}g {x} {t}", ("Magic Mushrooms Golden Teacher",
                               "Psilocybe Cubensis"), (10, 25, 50, 100)),
    "Benzos/Alprazolam": ("{q}x {x} {t}", ("Alprazolam 2mg bars", "Xanax 1mg"),
                          (20, 50, 100, 500)),
}
_TAGS = ("| Top Shelf", "Indoor", "** FREE SHIPPING **", "Stealth", "", "", "AAA+", "- Bulk",
         "[NEW]", "Escrow", "FE only")
_UNIT_USD = {
    "Cannabis/Weed": 9, "Cannabis/Hash": 8, "Stimulants/Cocaine": 75, "Stimulants/Speed": 12,
    "Stimulants/Meth": 60, "Ecstasy/Pills": 6, "Ecstasy/MDMA": 30, "Opioids/Heroin": 90,
    "Opioids/Oxycodone": 25, "Dissociatives/Ketamine": 35, "Psychedelics/LSD": 7,
    "Psychedelics/Mushrooms": 8, "Benzos/Alprazolam": 2,
}
_OTHER = (
    ("Information", "Guides", "{x}", ("Stealth shipping guide", "OPSEC guide 2024",
     "Bitcoin anonymity guide", "Vendor starter guide"), 12.0),
    ("Data", "Accounts", "{q}x {x}", ("streaming account logins", "VPN account logins",
     "gaming account logins"), 6.0),
    ("Counterfeits", "Money", "{q}x {x}", ("50 EUR notes (counterfeit)",
     "20 GBP notes (counterfeit)"), 18.0),
    ("Services", "Other", "{x}", ("Custom stealth packaging", "Drop address service"), 40.0),
)
# fmt: on


def btc_usd(rng: np.random.Generator, days: int = 730) -> np.ndarray:
    """A daily BTC/USD rate: geometric Brownian motion from about 16,600 to about 95,000."""
    drift = np.log(95_000 / 16_600) / days
    steps = rng.normal(drift, 0.028, days)
    path = 16_600 * np.exp(
        np.cumsum(steps) - np.linspace(0, 1, days) * (steps.sum() - drift * days)
    )
    return np.round(path, 2)


def _camel(*parts: str) -> str:
    return "".join(p[:1].upper() + p[1:] for p in parts)


def _handle_variant(rng: np.random.Generator, base: tuple[str, str], home: str) -> str:
    a, b = base
    style = int(rng.choice(9, p=[0.35, 0.12, 0.12, 0.1, 0.08, 0.07, 0.06, 0.05, 0.05]))
    if style == 0:
        return _camel(a, b)
    if style == 1:
        return f"{a.lower()}_{b.lower()}"
    if style == 2:
        return f"{_camel(a, b)}{int(rng.integers(1, 10))}"
    if style == 3:
        return f"{_camel(a, b)}_{home}"
    if style == 4:
        return f"The{_camel(a, b)}"
    if style == 5:
        return f"{a}-{b}"
    if style == 6:
        return f"{a}{b}".lower()
    if style == 7:
        return _camel(a, b).replace("e", "3").replace("i", "1").replace("o", "0")
    return f"{_camel(a, b)}Official"


def _onion(rng: np.random.Generator) -> str:
    alphabet = "abcdefghijklmnopqrstuvwxyz234567"
    return "".join(alphabet[int(i)] for i in rng.integers(0, 32, 56)) + ".onion"


def write_listings(ctx: Context) -> int:
    """Write market_listings.jsonl; keep the vendor truth in ``ctx.extra``."""
    rng = ctx.rng("darknet")
    scale = ctx.scale
    rate = btc_usd(rng)
    online = shares("online")
    origins: dict[str, float] = {}
    for r, w in online:
        origins[r.origin] = origins.get(r.origin, 0.0) + w
    origin_codes = sorted(origins)
    origin_w = np.array([origins[c] for c in origin_codes])
    # crawl dates per market
    crawls: list[list[int]] = []
    for _, _, _, first, last in MARKETS:
        days = np.linspace(first + 5, last - 3, scale.crawls)
        jitter = rng.integers(-3, 4, scale.crawls)
        crawls.append(sorted({int(d) for d in np.clip(days + jitter, first, last)}))
    market_onions = [_onion(rng) for _ in MARKETS]
    # vendors
    group_vendors = [p for p in ctx.people if p.role == "vendor"]
    vendors = []
    used_handles: set[tuple[int, str]] = set()
    for v in range(scale.vendors):
        person = group_vendors[v] if v < len(group_vendors) else None
        if person is not None and person.country in origins:
            home = person.country
        else:
            home = origin_codes[int(rng.choice(len(origin_codes), p=origin_w / origin_w.sum()))]
        base = (
            _PREFIX[int(rng.integers(len(_PREFIX)))],
            _CORE[int(rng.integers(len(_CORE)))],
        )
        n_markets = int(rng.choice([1, 2, 3], p=[0.55, 0.3, 0.15]))
        mw = np.array([1.0, 2.0, 1.5, 1.2])
        markets = sorted(
            int(m) for m in rng.choice(4, size=n_markets, replace=False, p=mw / mw.sum())
        )
        if markets == [0]:  # the market closes: its vendors migrate
            markets = [0, int(rng.choice([2, 3]))]
        key = "".join(f"{int(b):02X}" for b in rng.integers(0, 256, 20))
        handles = {}
        keys = {}
        for m in markets:
            for _ in range(50):
                h = _handle_variant(rng, base, home)
                if (m, h.lower()) not in used_handles:
                    break
                h = f"{h}{int(rng.integers(10, 99))}"
                if (m, h.lower()) not in used_handles:
                    break
            used_handles.add((m, h.lower()))
            handles[m] = h
            if rng.random() < 0.1:
                keys[m] = None
            elif len(markets) > 1 and rng.random() < 0.15:
                keys[m] = "".join(f"{int(b):02X}" for b in rng.integers(0, 256, 20))
            else:
                keys[m] = key
        # drug routes from the vendor's home (else the vendor's nearest by weight)
        own = [(r, w) for r, w in online if r.origin == home]
        n_products = int(min(60, 1 + rng.pareto(1.3) * 2.5))
        products = []
        for _ in range(n_products):
            if rng.random() < 0.2 or not own:
                cat, sub, pattern, items, usd = _OTHER[int(rng.integers(len(_OTHER)))]
                x = items[int(rng.integers(len(items)))]
                q = int(rng.choice([1, 5, 10, 25]))
                title = pattern.format(q=q, x=x).strip()
                price = usd * (q if "{q}" in pattern else 1) ** 0.8
                products.append((cat, sub, title, price, None))
                continue
            ws = np.array([w for _, w in own])
            route = own[int(rng.choice(len(own), p=ws / ws.sum()))][0]
            paths = DRUGS[route.drug_group][1]
            sub = paths[int(rng.integers(len(paths)))]
            pattern, names, qs = _TITLES[sub]
            q = qs[int(rng.integers(len(qs)))]
            qtxt = f"{q:g}"
            title = pattern.format(
                q=qtxt,
                x=names[int(rng.integers(len(names)))],
                t=_TAGS[int(rng.integers(len(_TAGS)))],
            ).strip()
            price = _UNIT_USD[sub] * q**0.85 * rng.lognormal(0, 0.15)
            products.append(("Drugs", sub, title, price, route))
        vendors.append(
            {
                "vid": f"V{v + 1:05d}",
                "person": person.pid if person else "",
                "group": ctx.groups[person.group].gid if person else "",
                "home": home,
                "handles": handles,
                "keys": keys,
                "products": products,
                "rating": round(float(rng.uniform(4.2, 5.0)), 2),
            }
        )
    # listings and their sightings
    records = []
    listing_no = 0
    for vendor in vendors:
        for m, handle in vendor["handles"].items():
            name, currency, idstyle, first, last = MARKETS[m]
            for cat, sub, title, usd, route in vendor["products"]:
                if len(vendor["handles"]) > 1 and rng.random() < 0.3:
                    continue  # not every product is cross-listed
                listing_no += 1
                lid = (
                    "".join("0123456789abcdef"[int(i)] for i in rng.integers(0, 16, 10))
                    if idstyle == "hex"
                    else str(100_000 + listing_no * 7 + int(rng.integers(0, 7)))
                )
                mc = crawls[m]
                a = int(rng.integers(0, len(mc)))
                b = min(len(mc), a + 1 + int(rng.geometric(0.35)))
                if route is not None:
                    sf_code = route.origin
                    dest = route.destination
                    u = rng.random()
                    if u < 0.12:
                        st = messy_country(rng, "ZZ")
                    elif u < 0.22 and dest in ("DE", "FR", "BE", "AT", "IE", "NL", "ES", "PT"):
                        st = ("EU", "Europe", "EU")[int(rng.integers(3))]
                    elif u < 0.27:
                        extra = ("EU", "North America", "Europe")[int(rng.integers(3))]
                        st = f"{messy_country(rng, dest)}, {extra}"
                    else:
                        st = messy_country(rng, dest)
                    sf = messy_country(rng, sf_code) if rng.random() > 0.03 else "Undeclared;)"
                else:
                    sf = ("Torland", "Undeclared", "Worldwide", messy_country(rng, vendor["home"]))[
                        int(rng.integers(4))
                    ]
                    st = messy_country(rng, "ZZ")
                for k in range(a, b):
                    if rng.random() > 0.85:
                        continue  # the crawl missed the page
                    day = mc[k]
                    p_usd = usd * rng.lognormal(0, 0.05)
                    if rng.random() < 0.004:
                        price = "999.00000000" if currency == "BTC" else "99,999.00"
                    elif currency == "BTC":
                        price = f"{p_usd / rate[day]:.8f}"
                    else:
                        price = f"{p_usd:,.2f}"
                    records.append(
                        (
                            day,
                            m,
                            lid,
                            {
                                "market": name,
                                "listing_id": lid,
                                "crawled_at": (_DAY0 + dt.timedelta(days=day)).isoformat(),
                                "vendor": handle,
                                "vendor_pgp": vendor["keys"][m],
                                "title": title,
                                "category": cat,
                                "subcategory": sub,
                                "price": price,
                                "currency": currency,
                                "ships_from": sf,
                                "ships_to": st,
                                "vendor_rating": vendor["rating"],
                                "url": f"http://{market_onions[m]}/listing/{lid}",
                            },
                        )
                    )
    records.sort(key=lambda r: (r[0], r[1], r[2]))
    ctx.extra["vendors"] = vendors
    ctx.extra["btc_usd"] = rate
    return write_jsonl(ctx.data_dir / "market_listings.jsonl", (r[3] for r in records))


def vendor_truth_rows(ctx: Context) -> list[tuple[str, ...]]:
    rows = []
    for v in ctx.extra.get("vendors", []):
        for m, handle in v["handles"].items():
            rows.append(
                (
                    MARKETS[m][0],
                    handle,
                    v["vid"],
                    v["keys"][m] or "",
                    v["home"],
                    v["person"],
                    v["group"],
                    v.get("wallet", ""),
                )
            )
    return sorted(rows)


VENDOR_TRUTH_COLUMNS = (
    "market",
    "handle",
    "vendor_id",
    "pgp_fingerprint",
    "home_country",
    "person_id",
    "group_id",
    "payout_address",
)
__all__ += ["VENDOR_TRUTH_COLUMNS", "vendor_truth_rows"]
