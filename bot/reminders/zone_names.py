"""The names people give timezones that tzdata's own tables don't hold: abbreviations and
spoken names (`PST`, `Central European Time`), cities missing from the IANA names
(`Bengaluru`, `San Francisco`) and country names (`USA`, `UK`). Data only; `zones` reads it.

Keys are as `zones` compares names: lower case, without spaces, underscores, hyphens, dots
or apostrophes ("New York" is `newyork`)."""

from __future__ import annotations

from typing import Final

_LA, _NY, _CHI, _DEN = (
    "America/Los_Angeles",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
)
_KOLKATA, _LONDON, _BERLIN = "Asia/Kolkata", "Europe/London", "Europe/Berlin"

# Abbreviations and spoken names, by key. A tuple is ambiguous: most likely first.
# Where a name has several zones with the same clocks, one stands for them all.
NAMED: Final[dict[str, str | tuple[str, ...]]] = {
    "utc": "UTC",
    "uct": "UTC",
    "z": "UTC",
    "zulu": "UTC",
    "coordinateduniversal": "UTC",
    # North America
    **dict.fromkeys(("pst", "pdt", "pt", "pacific", "uspacific"), _LA),
    **dict.fromkeys(("mst", "mdt", "mt", "mountain", "usmountain"), _DEN),
    **dict.fromkeys(("cdt", "ct", "central", "uscentral"), _CHI),
    "cst": (_CHI, "Asia/Shanghai", "America/Havana"),
    **dict.fromkeys(("est", "edt", "et", "eastern", "useastern"), _NY),
    **dict.fromkeys(("akst", "akdt", "alaska"), "America/Anchorage"),
    **dict.fromkeys(("hst", "hast", "hawaii"), "Pacific/Honolulu"),
    "ast": ("America/Halifax", "Asia/Riyadh"),
    **dict.fromkeys(("adt", "atlantic"), "America/Halifax"),
    **dict.fromkeys(("nst", "ndt", "newfoundland"), "America/St_Johns"),
    # Europe, Africa, the Middle East
    "gmt": (_LONDON, "UTC"),
    **dict.fromkeys(("bst", "british", "uk"), _LONDON),
    "ist": (_KOLKATA, "Europe/Dublin", "Asia/Jerusalem"),
    "indian": _KOLKATA,
    **dict.fromkeys(("wet", "west", "westerneuropean"), "Europe/Lisbon"),
    **dict.fromkeys(("cet", "cest", "met", "mest", "mez", "mesz", "centraleuropean"), _BERLIN),
    **dict.fromkeys(("eet", "eest", "easterneuropean"), "Europe/Athens"),
    "msk": "Europe/Moscow",
    "trt": "Europe/Istanbul",
    "idt": "Asia/Jerusalem",
    "gst": "Asia/Dubai",
    "sast": "Africa/Johannesburg",
    "wat": "Africa/Lagos",
    "cat": "Africa/Maputo",
    "eat": "Africa/Nairobi",
    # Asia and the Pacific
    "pkt": "Asia/Karachi",
    "npt": "Asia/Kathmandu",
    "ict": "Asia/Bangkok",
    "wib": "Asia/Jakarta",
    "sgt": "Asia/Singapore",
    "hkt": "Asia/Hong_Kong",
    **dict.fromkeys(("pht", "phst"), "Asia/Manila"),
    **dict.fromkeys(("jst", "japanese"), "Asia/Tokyo"),
    "kst": "Asia/Seoul",
    # Countries with more than one zone where nearly everyone keeps one of them.
    **dict.fromkeys(("china", "chinese"), "Asia/Shanghai"),
    **dict.fromkeys(("aest", "aedt", "australianeastern"), "Australia/Sydney"),
    **dict.fromkeys(("acst", "acdt"), "Australia/Adelaide"),
    "awst": "Australia/Perth",
    **dict.fromkeys(("nzst", "nzdt", "newzealand"), "Pacific/Auckland"),
    # South America
    "brt": "America/Sao_Paulo",
    "art": "America/Argentina/Buenos_Aires",
}

# Keys of NAMED that are words, not abbreviations: not written back in capitals.
WORDS: Final = frozenset({"zulu", "china", "west", "central", "indian"})

# Cities people name that are not in the IANA names, by key.
CITIES: Final[dict[str, str]] = {
    **dict.fromkeys(
        (
            "bangalore",
            "bengaluru",
            "mumbai",
            "bombay",
            "delhi",
            "newdelhi",
            "chennai",
            "madras",
            "hyderabad",
            "pune",
            "calcutta",
            "ahmedabad",
            "gurgaon",
            "gurugram",
            "noida",
        ),
        _KOLKATA,
    ),
    **dict.fromkeys(
        (
            "sanfrancisco",
            "sf",
            "bayarea",
            "siliconvalley",
            "sanjose",
            "paloalto",
            "mountainview",
            "oakland",
            "seattle",
            "sandiego",
            "la",
            "lasvegas",
            "sacramento",
        ),
        _LA,
    ),
    **dict.fromkeys(
        (
            "nyc",
            "boston",
            "washington",
            "washingtondc",
            "dc",
            "atlanta",
            "miami",
            "philadelphia",
            "pittsburgh",
            "charlotte",
            "orlando",
            "baltimore",
            "brooklyn",
        ),
        _NY,
    ),
    **dict.fromkeys(
        (
            "dallas",
            "houston",
            "austin",
            "sanantonio",
            "minneapolis",
            "neworleans",
            "nashville",
            "stlouis",
            "kansascity",
            "milwaukee",
        ),
        _CHI,
    ),
    **dict.fromkeys(("saltlakecity", "albuquerque"), _DEN),
    **dict.fromkeys(("montreal", "ottawa", "quebec"), "America/Toronto"),
    "calgary": "America/Edmonton",
    **dict.fromkeys(
        ("manchester", "edinburgh", "glasgow", "liverpool", "bristol", "leeds", "cambridge"),
        _LONDON,
    ),
    **dict.fromkeys(
        ("munich", "frankfurt", "hamburg", "cologne", "dusseldorf", "stuttgart", "leipzig"),
        _BERLIN,
    ),
    **dict.fromkeys(("barcelona", "valencia", "seville"), "Europe/Madrid"),
    **dict.fromkeys(("milan", "florence", "naples", "venice", "turin"), "Europe/Rome"),
    **dict.fromkeys(("geneva", "bern", "basel", "lausanne"), "Europe/Zurich"),
    **dict.fromkeys(("lyon", "marseille", "toulouse", "bordeaux"), "Europe/Paris"),
    **dict.fromkeys(("rotterdam", "thehague", "eindhoven", "utrecht"), "Europe/Amsterdam"),
    **dict.fromkeys(("krakow", "wroclaw", "gdansk"), "Europe/Warsaw"),
    "kiev": "Europe/Kyiv",
    **dict.fromkeys(("stpetersburg", "saintpetersburg"), "Europe/Moscow"),
    **dict.fromkeys(("telaviv", "haifa"), "Asia/Jerusalem"),
    "abudhabi": "Asia/Dubai",
    **dict.fromkeys(
        ("beijing", "shenzhen", "guangzhou", "hangzhou", "chengdu", "peking"), "Asia/Shanghai"
    ),
    **dict.fromkeys(("osaka", "kyoto", "yokohama"), "Asia/Tokyo"),
    "busan": "Asia/Seoul",
    **dict.fromkeys(("canberra", "newcastle"), "Australia/Sydney"),
    "goldcoast": "Australia/Brisbane",
    **dict.fromkeys(("wellington", "christchurch"), "Pacific/Auckland"),
    **dict.fromkeys(("saigon", "hochiminhcity", "hcmc", "hanoi"), "Asia/Ho_Chi_Minh"),
    **dict.fromkeys(("capetown", "durban", "pretoria"), "Africa/Johannesburg"),
    **dict.fromkeys(("rio", "riodejaneiro", "brasilia"), "America/Sao_Paulo"),
    **dict.fromkeys(("islamabad", "lahore"), "Asia/Karachi"),
    "abuja": "Africa/Lagos",
}

# Zones that stand for their country's others with the same clocks (São Paulo, not Belém).
ALSO_WELL_KNOWN: Final = frozenset(
    {
        "America/Sao_Paulo",
        "America/Manaus",
        "America/Mexico_City",
        "America/Vancouver",
        "America/Winnipeg",
        "Asia/Jakarta",
        "Asia/Makassar",
        "Asia/Almaty",
        "America/Santiago",
        "Africa/Kinshasa",
    }
)

# Country names people use besides iso3166.tab's, by key, to the ISO code.
COUNTRIES: Final[dict[str, str]] = {
    **dict.fromkeys(("usa", "us", "america", "unitedstatesofamerica", "states"), "US"),
    **dict.fromkeys(
        (
            "unitedkingdom",
            "greatbritain",
            "england",
            "scotland",
            "wales",
            "northernireland",
            "gb",
        ),
        "GB",
    ),
    **dict.fromkeys(("southkorea", "korea", "republicofkorea"), "KR"),
    "northkorea": "KP",
    **dict.fromkeys(("uae", "emirates"), "AE"),
    "czechia": "CZ",
    **dict.fromkeys(("holland", "thenetherlands"), "NL"),
    "russianfederation": "RU",
    **dict.fromkeys(("ivorycoast", "cotedivoire"), "CI"),
    "turkiye": "TR",
    "burma": "MM",
}
