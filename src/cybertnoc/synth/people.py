"""Organised groups, their members and the wider population, and the network that ties them.

Network model
-------------
The co-offending / communication network is built to show the structure that studies of
criminal networks report:

- **cells** (groups) of heavy-tailed sizes (Pareto-distributed weights, at least 8 members);
- inside a cell, members join one by one and tie to one or two earlier members chosen with
  probability proportional to their degree (preferential attachment, Barabási & Albert 1999),
  which gives a heavy-tailed degree distribution with a few hubs;
- **leaders are shielded**: a leader keeps ties only to one to three lieutenants (the
  best-connected members), never to the periphery. In Project CAVIAR the principal traffickers
  were not the most central actors; brokers and lieutenants were (Morselli 2009, 2010);
- **brokers bridge cells**: each cell has one to three brokers who, besides their own cell,
  tie to members of two to four other cells, so that brokers have high betweenness by
  construction (Morselli 2010; Gould & Fernandez 1989);
- the **population** (relatives, friends, bank customers, victims) forms its own
  preferential-attachment network (two ties per newcomer), and every offender has a few ties
  into it.

References
----------
.. [1] Barabási, A.-L. & Albert, R. (1999). Emergence of scaling in random networks. Science
   286(5439), 509-512.
.. [2] Morselli, C. (2009). Inside Criminal Networks. Springer.
.. [3] Morselli, C. (2010). Assessing vulnerable and strategic positions in a criminal network.
   Journal of Contemporary Criminal Justice 26(4), 382-392.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass, field

import numpy as np

from cybertnoc.synth._context import Context
from cybertnoc.synth.geo import random_address, random_city, random_phone
from cybertnoc.synth.names import (
    DOUBLE_SURNAME,
    NameEntry,
    names_for,
)

__all__ = ["ROLES", "Group", "Person", "build_people"]

#: Roles of group members.
ROLES = ("leader", "broker", "courier", "money_mule", "recruiter", "vendor", "affiliate")

#: What each kind of group does, who is in it and where it sits.
# fmt: off
_PROFILES: tuple[tuple[str, str, dict[str, float], dict[str, float]], ...] = (
    # activity, base country, nationality mix, role mix of ordinary members
    ("drugs", "GB", {"AL": 0.6, "GB": 0.3, "IT": 0.1},
     {"courier": 0.45, "vendor": 0.15, "money_mule": 0.2, "recruiter": 0.05, "affiliate": 0.15}),
    ("drugs", "NL", {"NL": 0.5, "MA": 0.4, "TR": 0.1},
     {"courier": 0.4, "vendor": 0.2, "money_mule": 0.2, "recruiter": 0.05, "affiliate": 0.15}),
    ("cyber", "DE", {"RU": 0.45, "UA": 0.35, "DE": 0.2},
     {"affiliate": 0.55, "money_mule": 0.3, "vendor": 0.1, "courier": 0.05}),
    ("trafficking", "GB", {"RO": 0.7, "GB": 0.2, "AL": 0.1},
     {"recruiter": 0.35, "courier": 0.25, "money_mule": 0.2, "affiliate": 0.2}),
    ("drugs", "ES", {"CO": 0.6, "ES": 0.4},
     {"courier": 0.45, "vendor": 0.1, "money_mule": 0.25, "recruiter": 0.05, "affiliate": 0.15}),
    ("laundering", "GB", {"NG": 0.5, "GB": 0.35, "NL": 0.15},
     {"money_mule": 0.6, "courier": 0.1, "affiliate": 0.2, "recruiter": 0.1}),
    ("trafficking", "GB", {"VN": 0.75, "GB": 0.25},
     {"recruiter": 0.3, "courier": 0.3, "money_mule": 0.2, "affiliate": 0.2}),
    ("drugs", "DE", {"IT": 0.7, "DE": 0.3},
     {"courier": 0.4, "vendor": 0.1, "money_mule": 0.3, "recruiter": 0.05, "affiliate": 0.15}),
    ("drugs", "GB", {"GB": 0.8, "PL": 0.2},
     {"courier": 0.55, "vendor": 0.15, "money_mule": 0.15, "recruiter": 0.1, "affiliate": 0.05}),
    ("trafficking", "NL", {"PL": 0.5, "RO": 0.3, "NL": 0.2},
     {"recruiter": 0.35, "courier": 0.25, "money_mule": 0.2, "affiliate": 0.2}),
)
# fmt: on

#: Where the population lives and what nationalities it has.
# fmt: off
_POPULATION_COUNTRIES = {"GB": 0.5, "NL": 0.15, "DE": 0.12, "ES": 0.08, "BE": 0.05, "IE": 0.05,
                         "FR": 0.05}
_MIGRANT_NATIONALITIES = {"PL": 0.2, "RO": 0.2, "AL": 0.1, "MA": 0.1, "TR": 0.1, "NG": 0.1,
                          "VN": 0.05, "UA": 0.1, "IT": 0.05}
# fmt: on
_HOME_NAMES = {"GB": "GB", "NL": "NL", "DE": "DE", "ES": "ES", "BE": "NL", "IE": "GB", "FR": "ES"}
# fmt: off
_MAIL_DOMAINS = ("inbox.example", "quickpost.example", "mailhub.example", "webpost.example",
                 "securemsg.example")
# fmt: on


@dataclass
class Group:
    index: int
    gid: str
    activity: str
    base: str
    members: list[int] = field(default_factory=list)

    @property
    def leader(self) -> int:
        return self.members[0]


@dataclass
class Person:
    index: int
    pid: str
    sex: str
    nationality: str
    given: NameEntry
    family: tuple[NameEntry, ...]
    dob: dt.date
    country: str
    city: str
    street: str
    postcode: str
    phones: list[str]
    email: str | None
    group: int = -1
    role: str = ""

    @property
    def is_offender(self) -> bool:
        return self.group >= 0

    @property
    def given_name(self) -> str:
        return self.given.canonical

    @property
    def family_name(self) -> str:
        return " ".join(e.canonical for e in self.family)

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"


def _pick(rng: np.random.Generator, weights: dict[str, float]) -> str:
    keys = list(weights)
    p = np.array([weights[k] for k in keys], dtype=float)
    return keys[int(rng.choice(len(keys), p=p / p.sum()))]


def ascii_fold(text: str) -> str:
    """Latin letters without diacritics (ß → ss, ł → l); other scripts are dropped."""
    text = text.replace("ß", "ss").replace("ł", "l").replace("Ł", "L").replace("ı", "i")
    text = text.replace("đ", "d").replace("Đ", "D")
    norm = unicodedata.normalize("NFKD", text)
    return "".join(c for c in norm if ord(c) < 128 and not unicodedata.combining(c))


def _make_person(
    rng: np.random.Generator,
    index: int,
    nationality: str,
    country: str,
    age_range: tuple[int, int],
    sex: str | None = None,
) -> Person:
    lists = names_for(nationality)
    sex = sex or ("M" if rng.random() < 0.5 else "F")
    given_pool = lists["male"] if sex == "M" else lists["female"]
    fam_pool = lists["surname"] if sex == "M" else lists["surname_female"]
    given = given_pool[int(rng.integers(len(given_pool)))]
    n_fam = 2 if nationality in DOUBLE_SURNAME else 1
    fam_idx = rng.choice(len(fam_pool), size=n_fam, replace=False)
    family = tuple(fam_pool[int(i)] for i in fam_idx)
    age = int(rng.integers(age_range[0], age_range[1] + 1))
    born = dt.date(2023 - age, 1, 1) + dt.timedelta(days=int(rng.integers(0, 365)))
    city = random_city(rng, country)
    street, post = random_address(rng, country, city)
    phone_country = country if rng.random() < 0.8 else nationality
    phones = [random_phone(rng, phone_country)]
    email = None
    if rng.random() < 0.8:
        local = ascii_fold(given.canonical).lower().replace(" ", "")
        fam = ascii_fold(family[0].canonical).lower().replace(" ", "")
        style = int(rng.integers(4))
        if style == 0:
            local = f"{local}.{fam}"
        elif style == 1:
            local = f"{local[0]}{fam}{int(rng.integers(1, 99))}"
        elif style == 2:
            local = f"{fam}.{local}{born.year % 100:02d}"
        else:
            local = f"{local}{fam[:3]}{int(rng.integers(100, 999))}"
        email = f"{local}@{_MAIL_DOMAINS[int(rng.integers(len(_MAIL_DOMAINS)))]}"
    return Person(
        index=index,
        pid=f"P{index + 1:06d}",
        sex=sex,
        nationality=nationality,
        given=given,
        family=family,
        dob=born,
        country=country,
        city=city,
        street=street,
        postcode=post,
        phones=phones,
        email=email,
    )


def _group_sizes(rng: np.random.Generator, n_groups: int, total: int) -> list[int]:
    w = rng.pareto(1.6, n_groups) + 1.0
    sizes = np.maximum(8, np.floor(w / w.sum() * total)).astype(int)
    # adjust to the total, taking from / giving to the largest
    diff = total - int(sizes.sum())
    order = np.argsort(-sizes)
    i = 0
    while diff != 0:
        j = order[i % n_groups]
        if diff > 0:
            sizes[j] += 1
            diff -= 1
        elif sizes[j] > 8:
            sizes[j] -= 1
            diff += 1
        i += 1
        if i > 100 * total:  # pragma: no cover - total < 8 * groups
            break
    return [int(s) for s in sizes]


def _pref_attach(
    rng: np.random.Generator, nodes: list[int], m_choices: tuple[int, ...], p_m: tuple[float, ...]
) -> list[tuple[int, int]]:
    """Preferential attachment over ``nodes`` in the given order.

    Each newcomer ties to ``m`` distinct earlier nodes drawn with probability proportional to
    degree + 1 (the "repeated nodes" list of Batagelj & Brandes 2005, linear time).
    """
    edges: list[tuple[int, int]] = []
    if len(nodes) < 2:
        return edges
    ms = rng.choice(m_choices, size=len(nodes), p=p_m)
    repeated: list[int] = [nodes[0]]  # node k appears degree(k) + 1 times
    for k in range(1, len(nodes)):
        v = nodes[k]
        m = min(k, int(ms[k]))
        targets: set[int] = set()
        while len(targets) < m:
            targets.add(repeated[int(rng.integers(len(repeated)))])
        for u in sorted(targets):
            edges.append((u, v))
            repeated.append(u)
        repeated.extend([v] * (m + 1))
    return edges


def build_people(ctx: Context) -> None:
    """Make the groups, their members, the population and the network; store them in ``ctx``."""
    rng = ctx.rng("people")
    scale = ctx.scale
    people: list[Person] = []
    groups: list[Group] = []
    sizes = _group_sizes(rng, scale.groups, scale.offenders)
    # -- groups and members
    for g, size in enumerate(sizes):
        activity, base, nat_mix, role_mix = _PROFILES[g % len(_PROFILES)]
        group = Group(index=g, gid=f"G{g + 1:02d}", activity=activity, base=base)
        n_brokers = 1 if size < 15 else (2 if size < 40 else 3)
        roles = ["leader"] + ["broker"] * n_brokers
        rest = size - len(roles)
        keys = list(role_mix)
        p = np.array([role_mix[k] for k in keys])
        drawn = [keys[int(i)] for i in rng.choice(len(keys), size=rest, p=p / p.sum())]
        # at least two money mules per group: every group launders
        for i in range(min(2, rest)):
            if drawn.count("money_mule") < 2:
                drawn[i] = "money_mule"
        roles += drawn
        for role in roles:
            nat = _pick(rng, nat_mix)
            country = base if rng.random() < 0.85 else _pick(rng, _POPULATION_COUNTRIES)
            age = (35, 62) if role == "leader" else (19, 55)
            person = _make_person(
                rng, len(people), nat, country, age, sex="M" if rng.random() < 0.85 else "F"
            )
            person.group = g
            person.role = role
            # a third of offenders carry a second (burner) phone
            if rng.random() < 0.33:
                person.phones.append(random_phone(rng, country))
            people.append(person)
            group.members.append(person.index)
        groups.append(group)
    n_off = len(people)
    # -- population
    for _ in range(scale.population):
        country = _pick(rng, _POPULATION_COUNTRIES)
        nat = _HOME_NAMES[country] if rng.random() < 0.8 else _pick(rng, _MIGRANT_NATIONALITIES)
        people.append(_make_person(rng, len(people), nat, country, (18, 80)))

    # -- network
    edges: list[tuple[int, int, str]] = []
    for group in groups:
        members = group.members
        leader, others = members[0], members[1:]
        for u, v in _pref_attach(rng, others, (1, 2), (0.6, 0.4)):
            edges.append((u, v, "cell"))
        degree: dict[int, int] = {m: 0 for m in others}
        for u, v, _ in edges:
            if u in degree:
                degree[u] += 1
            if v in degree:
                degree[v] += 1
        ranked = sorted(others, key=lambda m: (-degree[m], m))
        for lt in ranked[: int(rng.integers(1, 4))]:
            edges.append((leader, lt, "leader"))
    # brokers bridge two to four other cells
    for group in groups:
        brokers = [m for m in group.members if people[m].role == "broker"]
        other_groups = [h for h in range(len(groups)) if h != group.index]
        for b in brokers:
            k = min(len(other_groups), int(rng.integers(2, 5)))
            if k == 0:
                continue
            for h in rng.choice(other_groups, size=k, replace=False):
                target_pool = groups[int(h)].members[1:]  # never the other leader
                other_brokers = [m for m in target_pool if people[m].role == "broker"]
                pool = other_brokers if other_brokers and rng.random() < 0.5 else target_pool
                n_ties = min(len(pool), int(rng.integers(1, 3)))
                for t in rng.choice(pool, size=n_ties, replace=False):
                    edges.append((b, int(t), "bridge"))
    # population network and ties of offenders into it
    pop = list(range(n_off, len(people)))
    for u, v in _pref_attach(rng, pop, (1, 2, 3), (0.3, 0.5, 0.2)):
        edges.append((u, v, "social"))
    if pop:
        pop_deg = np.ones(len(pop))
        for u, v, kind in edges:
            if kind == "social":
                pop_deg[u - n_off] += 1
                pop_deg[v - n_off] += 1
        for o in range(n_off):
            # leaders: one or two relatives; others: Poisson(1.5) friends and relatives
            k = int(rng.integers(1, 3)) if people[o].role == "leader" else int(rng.poisson(1.5))
            if k == 0:
                continue
            for t in rng.choice(
                len(pop), size=min(k, len(pop)), replace=False, p=pop_deg / pop_deg.sum()
            ):
                edges.append((o, pop[int(t)], "social"))
    # deduplicate (undirected), keep the first kind
    seen: dict[tuple[int, int], str] = {}
    for u, v, kind in edges:
        if u == v:
            continue
        key = (min(u, v), max(u, v))
        seen.setdefault(key, kind)
    ctx.people = people
    ctx.groups = groups
    ctx.edges = [(u, v, k) for (u, v), k in sorted(seen.items())]


def people_truth_rows(ctx: Context) -> list[list[str]]:
    """Rows of ``truth/people.csv``."""
    rows = []
    for p in ctx.people:
        rows.append(
            [
                p.pid,
                p.given_name,
                p.family_name,
                p.sex,
                p.dob.isoformat(),
                p.nationality,
                p.country,
                p.city,
                ctx.groups[p.group].gid if p.group >= 0 else "",
                p.role,
                ";".join(p.phones),
                p.email or "",
            ]
        )
    return rows


PEOPLE_TRUTH_COLUMNS = (
    "person_id",
    "given_name",
    "family_name",
    "sex",
    "date_of_birth",
    "nationality",
    "country",
    "city",
    "group_id",
    "role",
    "phones",
    "email",
)
