"""Places, banks, telephone numbers and IBANs of the synthetic world.

Country strings are written the way real sources write them ("USA", "U.S.A.", "Holland",
"Deutschland", "UK", "Worldwide", "Torland"...): every variant used here cleans to its ISO code
with :func:`cybertnoc.model.types.countries.clean_country` (a test checks this), so the messiness
is the realistic, recoverable kind.

Telephone numbers are random draws from the mobile ranges of each country's numbering plan,
kept only when :func:`phonenumbers.is_valid_number` accepts them (the platform's phone cleaner
demands validity). They are synthetic, but a valid number can exist: never call or look one up.
IBANs have correct ISO 7064 mod-97 check digits; banks, bank codes and BICs are invented.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
import phonenumbers

__all__ = [
    "BANKS",
    "CITIES",
    "COUNTRY_NAMES",
    "DEMONYMS",
    "MESSY_COUNTRY",
    "PHONE_STYLES",
    "REGION_STRINGS",
    "Bank",
    "format_phone",
    "iban",
    "messy_country",
    "messy_nationality",
    "random_address",
    "random_phone",
]

#: English short names (the most common spelling in sources).
# fmt: off
COUNTRY_NAMES: dict[str, str] = {
    "GB": "United Kingdom", "NL": "Netherlands", "DE": "Germany", "BE": "Belgium",
    "FR": "France", "ES": "Spain", "IT": "Italy", "IE": "Ireland", "PT": "Portugal",
    "AT": "Austria", "PL": "Poland", "RO": "Romania", "AL": "Albania", "LT": "Lithuania",
    "RU": "Russia", "UA": "Ukraine", "TR": "Turkey", "MA": "Morocco", "VN": "Vietnam",
    "NG": "Nigeria", "CO": "Colombia", "EC": "Ecuador", "PE": "Peru", "BO": "Bolivia",
    "BR": "Brazil", "US": "United States", "CA": "Canada", "MX": "Mexico", "CN": "China",
    "HK": "Hong Kong", "IN": "India", "AU": "Australia", "AF": "Afghanistan",
    "PK": "Pakistan", "IR": "Iran", "CZ": "Czech Republic", "SE": "Sweden",
    "CH": "Switzerland", "ER": "Eritrea", "SD": "Sudan", "LU": "Luxembourg", "GR": "Greece",
    "BG": "Bulgaria", "PY": "Paraguay", "DO": "Dominican Republic", "PA": "Panama",
    "JM": "Jamaica", "SY": "Syria", "IQ": "Iraq",
}
# fmt: on

#: Messy spellings of country names, as written in listings, seizure reports and records.
MESSY_COUNTRY: dict[str, tuple[str, ...]] = {
    "US": ("USA", "United States", "U.S.A.", "US", "United States of America", "usa", "USA"),
    "GB": ("UK", "United Kingdom", "U.K.", "Great Britain", "England", "uk", "UK"),
    "NL": ("Netherlands", "Holland", "The Netherlands", "NL", "Nederland", "netherlands"),
    "DE": ("Germany", "Deutschland", "DE", "germany", "GERMANY"),
    "BE": ("Belgium", "Belgique", "België", "BE"),
    "FR": ("France", "FR", "france"),
    "ES": ("Spain", "España", "Espana", "ES"),
    "IT": ("Italy", "Italia", "IT"),
    "IE": ("Ireland", "Eire", "IE"),
    "PT": ("Portugal", "PT"),
    "AT": ("Austria", "Österreich", "AT"),
    "PL": ("Poland", "Polska", "PL"),
    "RO": ("Romania", "România", "RO"),
    "AL": ("Albania", "Shqipëri", "AL"),
    "LT": ("Lithuania", "LT"),
    "RU": ("Russia", "Russian Federation", "RU"),
    "UA": ("Ukraine", "UA"),
    "TR": ("Turkey", "Türkiye", "Turkiye", "TR"),
    "MA": ("Morocco", "Maroc", "MA"),
    "VN": ("Vietnam", "Viet Nam", "VN"),
    "NG": ("Nigeria", "NG"),
    "CO": ("Colombia", "CO"),
    "EC": ("Ecuador", "EC"),
    "PE": ("Peru", "PE"),
    "BO": ("Bolivia", "BO"),
    "BR": ("Brazil", "BR", "Brasil"),
    "CA": ("Canada", "CA", "canada"),
    "MX": ("Mexico", "MX"),
    "CN": ("China", "CN", "china"),
    "HK": ("Hong Kong", "HK"),
    "IN": ("India", "IN"),
    "AU": ("Australia", "AU", "australia"),
    "AF": ("Afghanistan", "AF"),
    "PK": ("Pakistan", "PK"),
    "IR": ("Iran", "IR"),
    "CZ": ("Czech Republic", "Czechia", "CZ"),
    "SE": ("Sweden", "SE"),
    "CH": ("Switzerland", "CH"),
    "ER": ("Eritrea", "ER"),
    "SD": ("Sudan", "SD"),
    "LU": ("Luxembourg", "LU"),
    "GR": ("Greece", "GR"),
    "BG": ("Bulgaria", "BG"),
    "PY": ("Paraguay", "PY"),
    "DO": ("Dominican Republic", "DO"),
    "PA": ("Panama", "PA"),
    "JM": ("Jamaica", "JM"),
    "SY": ("Syria", "SY"),
    "IQ": ("Iraq", "IQ"),
}

#: Demonyms and other spellings of nationality fields.
DEMONYMS: dict[str, tuple[str, ...]] = {
    "GB": ("British", "UK", "United Kingdom", "GBR"),
    "NL": ("Dutch", "Netherlands", "NLD"),
    "DE": ("German", "Germany", "Deutschland", "DEU"),
    "BE": ("Belgian", "Belgium"),
    "FR": ("French", "France"),
    "ES": ("Spanish", "Spain"),
    "IT": ("Italian", "Italy"),
    "IE": ("Irish", "Ireland"),
    "AL": ("Albanian", "Albania", "ALB", "Shqipëri"),
    "RU": ("Russian", "Russia", "Russian Federation", "RUS"),
    "UA": ("Ukrainian", "Ukraine", "UKR"),
    "TR": ("Turkish", "Turkey", "Türkiye", "TUR"),
    "MA": ("Moroccan", "Morocco", "Maroc", "MAR"),
    "VN": ("Vietnamese", "Vietnam", "Viet Nam", "VNM"),
    "NG": ("Nigerian", "Nigeria", "NGA"),
    "CO": ("Colombian", "Colombia", "COL"),
    "PL": ("Polish", "Poland", "Polska", "POL"),
    "RO": ("Romanian", "Romania", "România", "ROU"),
    "LT": ("Lithuanian", "Lithuania"),
    "ER": ("Eritrean", "Eritrea"),
    "SD": ("Sudanese", "Sudan"),
    "CN": ("Chinese", "China"),
    "IN": ("Indian", "India"),
    "JM": ("Jamaican", "Jamaica"),
}

#: Region strings of listings, with the code the country cleaner gives them.
REGION_STRINGS: dict[str, tuple[str, ...]] = {
    "ZZ": ("Worldwide", "WORLDWIDE", "worldwide", "World Wide", "Worldwide"),
    "EU": ("EU", "EU", "European Union"),
    "XE": ("Europe", "Europe", "europe"),
    "XN": ("North America",),
    "XX": ("Torland", "Undeclared", "Undeclared;)"),
}


def messy_country(rng: np.random.Generator, code: str, p_clean: float = 0.55) -> str:
    """A country as a source writes it: the English name with probability ``p_clean``."""
    if code in REGION_STRINGS:
        opts = REGION_STRINGS[code]
        return opts[int(rng.integers(len(opts)))]
    variants = MESSY_COUNTRY.get(code)
    if not variants or rng.random() < p_clean:
        return COUNTRY_NAMES.get(code, code)
    return variants[int(rng.integers(len(variants)))]


def messy_nationality(rng: np.random.Generator, code: str, p_clean: float = 0.5) -> str:
    variants = DEMONYMS.get(code)
    if not variants:
        return messy_country(rng, code, p_clean)
    if rng.random() < p_clean:
        return variants[0]
    return variants[int(rng.integers(len(variants)))]


# -- places ------------------------------------------------------------------------------------
#: Cities by country, most populous first (used with Zipf-like weights).
# fmt: off
CITIES: dict[str, tuple[str, ...]] = {
    "GB": ("London", "Birmingham", "Manchester", "Liverpool", "Leeds", "Glasgow", "Bristol",
           "Sheffield", "Newcastle upon Tyne", "Nottingham", "Leicester", "Cardiff",
           "Southampton", "Luton", "Hull", "Peterborough"),
    "NL": ("Amsterdam", "Rotterdam", "Den Haag", "Utrecht", "Eindhoven", "Tilburg",
           "Almere", "Breda", "Nijmegen"),
    "DE": ("Berlin", "Hamburg", "München", "Köln", "Frankfurt am Main", "Düsseldorf",
           "Stuttgart", "Dortmund", "Essen", "Bremen"),
    "BE": ("Antwerpen", "Brussel", "Gent", "Charleroi", "Liège"),
    "ES": ("Madrid", "Barcelona", "Valencia", "Málaga", "Sevilla", "Algeciras", "Alicante"),
    "FR": ("Paris", "Marseille", "Lyon", "Lille", "Toulouse", "Nice"),
    "IT": ("Milano", "Roma", "Napoli", "Torino", "Reggio Calabria", "Genova"),
    "IE": ("Dublin", "Cork", "Limerick", "Galway"),
    "AL": ("Tirana", "Durrës", "Vlorë", "Elbasan", "Shkodër"),
    "RO": ("București", "Cluj-Napoca", "Iași", "Constanța", "Timișoara"),
    "PL": ("Warszawa", "Kraków", "Łódź", "Wrocław", "Gdańsk"),
    "LT": ("Vilnius", "Kaunas", "Klaipėda"),
    "AT": ("Wien", "Graz", "Linz"),
    "PT": ("Lisboa", "Porto"),
    "LU": ("Luxembourg",),
}
# fmt: on

# fmt: off
_STREETS: dict[str, tuple[tuple[str, ...], str]] = {
    "GB": (("Station", "Church", "Victoria", "Park", "High", "Mill", "Albert", "Queens",
            "Kings", "Manor", "Grove", "Green", "Springfield", "Windsor", "Oak", "Elm"),
           "{n} {s} {t}"),
    "NL": (("Kerk", "Molen", "Dorps", "Juliana", "Wilhelmina", "Beatrix", "Stations",
            "Haven", "Linden", "Esdoorn"), "{s}straat {n}"),
    "DE": (("Haupt", "Bahnhof", "Schul", "Garten", "Berliner", "Linden", "Kirch", "Ring",
            "Wald", "Berg"), "{s}straße {n}"),
    "BE": (("Kerk", "Stations", "Molen", "Nieuw", "Kapel"), "{s}straat {n}"),
    "ES": (("Mayor", "Real", "del Sol", "Nueva", "de la Iglesia", "San José"), "Calle {s} {n}"),
    "FR": (("de la République", "Victor Hugo", "Jean Jaurès", "de la Gare", "Pasteur"),
           "{n} rue {s}"),
    "IT": (("Roma", "Garibaldi", "Mazzini", "Dante", "Vittorio Emanuele"), "Via {s} {n}"),
}
# fmt: on
_GB_TYPES = ("Road", "Street", "Lane", "Avenue", "Close", "Way", "Crescent", "Drive")
# fmt: off
_GB_POST = {
    "London": ("E", "N", "SE", "SW", "NW", "W", "EC", "WC"), "Birmingham": ("B",),
    "Manchester": ("M",), "Liverpool": ("L",), "Leeds": ("LS",), "Glasgow": ("G",),
    "Bristol": ("BS",), "Sheffield": ("S",), "Newcastle upon Tyne": ("NE",),
    "Nottingham": ("NG",), "Leicester": ("LE",), "Cardiff": ("CF",), "Southampton": ("SO",),
    "Luton": ("LU",), "Hull": ("HU",), "Peterborough": ("PE",),
}
# fmt: on
_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"


def random_city(rng: np.random.Generator, country: str) -> str:
    cities = CITIES.get(country) or (COUNTRY_NAMES.get(country, country),)
    w = 1.0 / np.arange(1, len(cities) + 1)
    return cities[int(rng.choice(len(cities), p=w / w.sum()))]


def random_address(rng: np.random.Generator, country: str, city: str) -> tuple[str, str]:
    """``(street line, postcode)`` in the style of ``country``."""
    names, pattern = _STREETS.get(country, _STREETS["GB"])
    s = names[int(rng.integers(len(names)))]
    n = int(rng.integers(1, 180))
    street = pattern.format(n=n, s=s, t=_GB_TYPES[int(rng.integers(len(_GB_TYPES)))])
    if country == "GB":
        area = _GB_POST.get(city, ("X",))
        a = area[int(rng.integers(len(area)))]
        post = (
            f"{a}{int(rng.integers(1, 20))} {int(rng.integers(1, 10))}"
            f"{_LETTERS[int(rng.integers(20))]}{_LETTERS[int(rng.integers(20))]}"
        )
    elif country == "NL":
        post = (
            f"{int(rng.integers(1000, 9999))} {_LETTERS[int(rng.integers(20))]}"
            f"{_LETTERS[int(rng.integers(20))]}"
        )
    elif country in ("DE", "ES", "FR", "IT"):
        post = f"{int(rng.integers(10000, 99999))}"
    else:
        post = f"{int(rng.integers(1000, 9999))}"
    return street, post


# -- telephone numbers ------------------------------------------------------------------------
# (country calling code, leading digits choices, total national digits choices)
_MOBILE: dict[str, tuple[int, tuple[str, ...], tuple[int, ...]]] = {
    "GB": (44, ("74", "75", "77", "78", "79"), (10,)),
    "NL": (31, ("61", "62", "63", "64", "65"), (9,)),
    "DE": (49, ("151", "152", "157", "160", "162", "170", "171", "172", "176"), (10, 11)),
    "BE": (32, ("47", "48", "49"), (9,)),
    "FR": (33, ("6", "7"), (9,)),
    "ES": (34, ("6",), (9,)),
    "IT": (39, ("32", "33", "34", "35", "36", "38", "39"), (10,)),
    "IE": (353, ("83", "85", "86", "87", "89"), (9,)),
    "AL": (355, ("67", "68", "69"), (9,)),
    "RO": (40, ("72", "73", "74", "75", "76", "78"), (9,)),
    "PL": (48, ("50", "51", "53", "57", "60", "66", "69", "72", "78", "79", "88"), (9,)),
    "RU": (7, ("91", "92", "96", "98"), (10,)),
    "UA": (380, ("50", "63", "66", "67", "68", "73", "93", "95", "96", "97", "98"), (9,)),
    "MA": (212, ("6",), (9,)),
    "TR": (90, ("53", "54", "55"), (10,)),
    "VN": (84, ("90", "91", "93", "94", "96", "97", "98", "32", "33", "35"), (9,)),
    "NG": (234, ("803", "805", "806", "813", "816", "703", "706", "903"), (10,)),
    "CO": (57, ("300", "301", "310", "311", "312", "313", "315", "320"), (10,)),
    "LT": (370, ("6",), (8,)),
    "AT": (43, ("664", "676", "699", "650"), (10, 11)),
    "LU": (352, ("621", "661", "691"), (9,)),
    "PT": (351, ("91", "92", "93", "96"), (9,)),
    "US": (1, ("",), (10,)),
    "CA": (1, ("",), (10,)),
    "CN": (86, ("13", "15", "18"), (11,)),
    "IN": (91, ("9", "8", "7"), (10,)),
    "ER": (291, ("7",), (7,)),
    "SD": (249, ("91", "92", "12"), (9,)),
}
_PHONE_FALLBACK = "GB"


def random_phone(rng: np.random.Generator, country: str) -> str:
    """A valid mobile number of ``country`` in E.164 (``+447911123456``)."""
    cc, prefixes, lengths = _MOBILE.get(country, _MOBILE[_PHONE_FALLBACK])
    for _ in range(1000):
        prefix = prefixes[int(rng.integers(len(prefixes)))]
        length = lengths[int(rng.integers(len(lengths)))]
        if cc == 1:
            # NANP: area code [2-9][0-8][0-9], exchange [2-9]xx
            area = f"{int(rng.integers(2, 10))}{int(rng.integers(0, 9))}{int(rng.integers(10))}"
            exch = f"{int(rng.integers(2, 10))}{int(rng.integers(100)):02d}"
            national = area + exch + f"{int(rng.integers(10_000)):04d}"
        else:
            rest = length - len(prefix)
            national = prefix + "".join(str(int(d)) for d in rng.integers(0, 10, rest))
        num = phonenumbers.PhoneNumber(country_code=cc, national_number=int(national))
        if phonenumbers.is_valid_number(num) and (
            cc != 1 or phonenumbers.region_code_for_number(num) == country
        ):
            return f"+{cc}{national}"
    raise RuntimeError(f"no valid phone number drawn for {country}")  # pragma: no cover


#: Layouts of a telephone number in sources.
PHONE_STYLES = ("e164", "international", "national", "national_compact", "idd_dash", "idd")


@cache
def _parsed(e164: str) -> phonenumbers.PhoneNumber:
    return phonenumbers.parse(e164)


def format_phone(e164: str, style: str, home: str = "GB") -> str:
    """Write ``e164`` in a layout; national layouts are used only for numbers of ``home``
    (a mapping reads national numbers with ``region: home``), others fall back to international.
    """
    num = _parsed(e164)
    intl = phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    is_home = phonenumbers.region_code_for_number(num) == home
    if style == "e164":
        return e164
    if style in ("national", "national_compact") and is_home:
        nat = phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.NATIONAL)
        return nat.replace(" ", "") if style == "national_compact" else nat
    if style == "idd_dash":
        return "00" + intl[1:].replace(" ", "-")
    if style == "idd":
        return "00" + intl[1:]
    return intl


# -- banks and IBANs -------------------------------------------------------------------------
@dataclass(frozen=True)
class Bank:
    name: str
    bic: str
    country: str
    code: str  # the bank part of the BBAN

    def bban(self, rng: np.random.Generator) -> str:
        digits = lambda k: "".join(str(int(d)) for d in rng.integers(0, 10, k))  # noqa: E731
        if self.country == "DE":
            return self.code + digits(10)
        if self.country == "NL":
            return self.code + digits(10)
        if self.country in ("GB", "IE"):
            return self.code + digits(6) + digits(8)
        if self.country in ("LT", "AT"):
            return self.code + digits(11)
        if self.country == "LU":
            return self.code + digits(13)
        raise ValueError(self.country)  # pragma: no cover


#: Invented banks (names, codes and BICs are fictitious).
BANKS: tuple[Bank, ...] = (
    Bank("Nordmark Bank", "NMRKDEHH", "DE", "20041177"),
    Bank("Rheinufer Sparkasse", "RHSPDE3D", "DE", "37050299"),
    Bank("Havenstad Bank", "HVNBNL2A", "NL", "HVNB"),
    Bank("Polderbank", "PLDRNL2R", "NL", "PLDR"),
    Bank("Thames Mutual", "THMUGB2L", "GB", "THMU"),
    Bank("Pennine Building Society", "PNBSGB2M", "GB", "PNBS"),
    Bank("Liffey Savings Bank", "LIFSIE2D", "IE", "LIFS"),
    Bank("Baltic Union Bank", "BUBALT2X", "LT", "73011"),
    Bank("Donau Kreditbank", "DKRBATWW", "AT", "19043"),
    Bank("Ardennes Private Bank", "ARPBLULL", "LU", "047"),
    Bank("Kestrel Digital Bank", "KSTLLT21", "LT", "32500"),
)


def iban(country: str, bban: str) -> str:
    """An IBAN with ISO 7064 mod-97-10 check digits.

    Examples
    --------
    >>> iban("GB", "NWBK60161331926819")
    'GB29NWBK60161331926819'
    """
    rearranged = bban + country + "00"
    numeric = "".join(str(int(c, 36)) for c in rearranged)
    check = 98 - int(numeric) % 97
    return f"{country}{check:02d}{bban}"
