"""Planted trafficking routes shared by the online (listings) and offline (seizures) parts.

One table of country-to-country routes carries two weights: how often vendors ship along the
route (``online``) and how often seizures are made on it (``offline``). The five heaviest
international routes are heavy in both, so the dominant ships-from → ships-to pairs of the
listings reappear as dominant seizure routes, as in studies that compare cryptomarket shipping
with seizure data (Dittus, Wright & Graham 2018 find cryptomarket vendors in a few consumer
countries; UNODC route lists show the same European corridors). Offline-only routes are the
wholesale corridors from producer countries (cocaine from South America, heroin along the
southern route), which darknet retail does not show; online-only routes are domestic retail.

``truth/routes.csv`` holds the table with both weights normalised to shares.
"""

from __future__ import annotations

__all__ = ["DRUGS", "ROUTES", "Route"]

from dataclasses import dataclass


@dataclass(frozen=True)
class Route:
    origin: str
    destination: str
    drug_group: str
    online: float
    offline: float
    transit: tuple[str, ...] = ()


#: Drug groups: (drug names as written in seizure reports, listing subcategory paths).
# fmt: off
DRUGS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "cannabis": (("Cannabis herb", "Cannabis resin"), ("Cannabis/Weed", "Cannabis/Hash")),
    "cocaine": (("Cocaine", "Cocaine hydrochloride", "Crack cocaine"), ("Stimulants/Cocaine",)),
    "ats": (("Amphetamine", "Methamphetamine", "MDMA (ecstasy)"),
            ("Stimulants/Speed", "Stimulants/Meth", "Ecstasy/Pills", "Ecstasy/MDMA")),
    "opioids": (("Heroin", "Opium", "Oxycodone"), ("Opioids/Heroin", "Opioids/Oxycodone")),
    "other": (("Ketamine", "LSD", "Alprazolam"),
              ("Dissociatives/Ketamine", "Psychedelics/LSD", "Psychedelics/Mushrooms",
               "Benzos/Alprazolam")),
}
# fmt: on

#: The planted routes (weights are relative; see module docstring).
ROUTES: tuple[Route, ...] = (
    # shared corridors: heavy online and offline
    Route("NL", "GB", "cannabis", 9.0, 9.0),
    Route("NL", "GB", "ats", 7.0, 5.0),
    Route("NL", "GB", "cocaine", 4.0, 4.0),
    Route("NL", "DE", "cannabis", 6.0, 5.0),
    Route("NL", "DE", "ats", 5.0, 4.0),
    Route("ES", "GB", "cannabis", 5.0, 6.0),
    Route("ES", "GB", "cocaine", 2.0, 3.0),
    Route("BE", "FR", "cocaine", 3.0, 4.0),
    Route("BE", "FR", "cannabis", 2.0, 3.0),
    Route("NL", "BE", "ats", 3.0, 3.0),
    Route("DE", "AT", "ats", 2.0, 1.5),
    Route("DE", "FR", "other", 2.0, 1.0),
    Route("GB", "IE", "cannabis", 1.5, 1.5),
    Route("PL", "DE", "ats", 1.0, 1.5),
    # online retail only (domestic shipping, research chemicals, prescription drugs)
    Route("US", "US", "cannabis", 8.0, 0.0),
    Route("US", "US", "opioids", 3.0, 0.0),
    Route("GB", "GB", "cocaine", 4.0, 0.0),
    Route("DE", "DE", "ats", 3.0, 0.0),
    Route("AU", "AU", "ats", 2.0, 0.0),
    Route("CA", "US", "cannabis", 2.5, 0.0),
    Route("CN", "US", "other", 2.0, 0.0),
    Route("IN", "GB", "opioids", 1.5, 0.0),
    # offline wholesale corridors
    Route("CO", "ES", "cocaine", 0.0, 5.0, ("PA", "BR", "DO")),
    Route("EC", "NL", "cocaine", 0.0, 4.0, ("PA",)),
    Route("EC", "BE", "cocaine", 0.0, 4.0, ("PA", "DO")),
    Route("BR", "PT", "cocaine", 0.0, 2.0),
    Route("MA", "ES", "cannabis", 0.0, 3.0),
    Route("AF", "TR", "opioids", 0.0, 2.0, ("IR", "PK")),
    Route("TR", "NL", "opioids", 0.0, 1.5, ("BG",)),
    Route("PK", "GB", "opioids", 0.0, 1.0),
)


def shares(kind: str) -> list[tuple[Route, float]]:
    """Routes with their normalised ``online`` or ``offline`` share (zero-weight ones left out)."""
    total = sum(getattr(r, kind) for r in ROUTES)
    return [(r, getattr(r, kind) / total) for r in ROUTES if getattr(r, kind) > 0]


__all__ += ["shares"]
