"""Sizes of the synthetic world: ``small`` (seconds, the demo), ``medium`` (about 10x) and
``large`` (millions of bank transfers)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from types import MappingProxyType
from typing import Any

__all__ = ["SCALES", "Scale"]


@dataclass(frozen=True)
class Scale:
    """Parameters of one size of the synthetic world.

    Counts are targets: the generator draws around them (heavy-tailed parts such as listings per
    vendor make the exact totals vary with the seed), except where noted.

    Attributes
    ----------
    name : str
        ``small``, ``medium`` or ``large``.
    groups : int
        Organised groups (cells).
    offenders : int
        Members of the groups, all cells together.
    population : int
        People outside the groups who appear in the world (relatives, contacts, bank customers,
        victims); together with ``offenders`` they are the people with records.
    bank_accounts : int
        Bank accounts, including anonymous customers without person records.
    bank_transfers : int
        Normal (licit) bank transfers, approximately; laundering comes on top.
    bank_days : int
        Days covered by the bank ledger.
    patterns_per_typology : int
        Laundering instances planted per graph typology on the bank ledger (exact).
    structuring_cases : int
        Structuring (smurfing) instances on the bank ledger (exact).
    crypto_wallets : int
        Crypto addresses in normal traffic, approximately.
    crypto_transfers : int
        Normal crypto transfers, approximately.
    crypto_patterns_per_typology : int
        Laundering instances per typology on the crypto ledger (exact).
    vendors : int
        Darknet vendors (true identities, each with one to three handles).
    crawls : int
        Crawl dates per market.
    listing_products : int
        Distinct listings (before repeated sightings over crawls), approximately.
    seizures : int
        Drug seizure records (exact).
    controllers : int
        Advert controllers linked to trafficking (exact).
    independent_advertisers : int
        Advertisers not linked to trafficking (exact).
    victims : int
        Trafficking victims in the whole (partly unobserved) population (exact).
    hosts_per_person : float
        Mean number of computers per person in the malware part.
    c2_servers : int
        Command-and-control servers in the indicator feed (seeded ones and decoys).
    infection_hours : int
        Hours simulated by the infection model.
    calls_per_tie : float
        Mean intercepted calls per tie of the communication network.
    """

    name: str
    groups: int
    offenders: int
    population: int
    bank_accounts: int
    bank_transfers: int
    bank_days: int
    patterns_per_typology: int
    structuring_cases: int
    crypto_wallets: int
    crypto_transfers: int
    crypto_patterns_per_typology: int
    vendors: int
    crawls: int
    listing_products: int
    seizures: int
    controllers: int
    independent_advertisers: int
    victims: int
    hosts_per_person: float
    c2_servers: int
    infection_hours: int
    calls_per_tie: float

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


_SCALES = {
    "small": Scale(
        name="small",
        groups=6,
        offenders=120,
        population=180,
        bank_accounts=1_500,
        bank_transfers=20_000,
        bank_days=60,
        patterns_per_typology=5,
        structuring_cases=6,
        crypto_wallets=500,
        crypto_transfers=3_000,
        crypto_patterns_per_typology=2,
        vendors=120,
        crawls=6,
        listing_products=450,
        seizures=500,
        controllers=12,
        independent_advertisers=150,
        victims=700,
        hosts_per_person=2.5,
        c2_servers=24,
        infection_hours=240,
        calls_per_tie=8.0,
    ),
    "medium": Scale(
        name="medium",
        groups=20,
        offenders=1_000,
        population=2_000,
        bank_accounts=15_000,
        bank_transfers=200_000,
        bank_days=90,
        patterns_per_typology=40,
        structuring_cases=40,
        crypto_wallets=5_000,
        crypto_transfers=30_000,
        crypto_patterns_per_typology=15,
        vendors=1_200,
        crawls=10,
        listing_products=4_500,
        seizures=5_000,
        controllers=100,
        independent_advertisers=1_500,
        victims=7_000,
        hosts_per_person=2.5,
        c2_servers=120,
        infection_hours=336,
        calls_per_tie=8.0,
    ),
    "large": Scale(
        name="large",
        groups=60,
        offenders=6_000,
        population=24_000,
        bank_accounts=120_000,
        bank_transfers=3_000_000,
        bank_days=180,
        patterns_per_typology=300,
        structuring_cases=300,
        crypto_wallets=50_000,
        crypto_transfers=300_000,
        crypto_patterns_per_typology=100,
        vendors=6_000,
        crawls=12,
        listing_products=30_000,
        seizures=40_000,
        controllers=600,
        independent_advertisers=10_000,
        victims=40_000,
        hosts_per_person=2.5,
        c2_servers=400,
        infection_hours=336,
        calls_per_tie=8.0,
    ),
}

#: Scale name -> its parameters (read-only).
SCALES: MappingProxyType[str, Scale] = MappingProxyType(_SCALES)
