"""Timezones by the names people use: what someone typed after `timezone` as an IANA zone.

Pure: `resolve` reads a name and returns Found, Candidates or Unknown. The only data it reads
is tzdata's own tables (zone.tab, iso3166.tab and the links in tzdata.zi), once, on first use.
It understands, in this order: a UTC offset (`UTC+2`, `GMT-5`, `+05:30`); abbreviations and
spoken names (`PST`, `CET`, `IST`, `Pacific time`); IANA names in any case (`europe/berlin`,
`America/New York`); cities, from the IANA names and a table of common ones not in them
(`Berlin`, `San Francisco`, `Bengaluru`); countries (`Japan`, `USA`). Spaces, underscores,
hyphens, dots and case are ignored; a trailing "time" ("Berlin time") too.

`keep_wall_clock` moves an instant to the same clock time in another zone, for a zone change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from importlib import resources
from typing import Final
from zoneinfo import ZoneInfo, available_timezones

from bot.reminders import zone_names
from bot.reminders.timewords import to_utc


@dataclass(frozen=True)
class Found:
    """One zone. `said` is what the person typed, as they would write it, when it is not the
    zone's own name ("PST", "Berlin", "UTC+2"); `fixed` marks a fixed offset, which never
    follows daylight saving time."""

    zone: str
    said: str | None = None
    fixed: bool = False


@dataclass(frozen=True)
class Option:
    """One candidate zone and where it is ("India", "United States, Central (most areas)")."""

    zone: str
    where: str


@dataclass(frozen=True)
class Candidates:
    """A name that means several zones: the person picks one."""

    said: str
    options: tuple[Option, ...]

    @property
    def zones(self) -> tuple[str, ...]:
        """The candidate zones, most likely first."""
        return tuple(option.zone for option in self.options)


# Why an offset was not taken (Unknown.hint).
OUT_OF_RANGE: Final = "out_of_range"
NO_STEADY_ZONE: Final = "no_steady_zone"


@dataclass(frozen=True)
class Unknown:
    """Nothing matched. `hint` says why when there is more to say than "unknown":
    OUT_OF_RANGE (an offset beyond UTC-12..UTC+14) or NO_STEADY_ZONE (an offset such as
    UTC-03:30 that no zone keeps all year)."""

    said: str
    hint: str | None = None


Resolved = Found | Candidates | Unknown

# UTC offsets: "UTC+2", "GMT -5", "+05:30", "utc+5.30", "-0330".
_OFFSET = re.compile(
    r"^(?:utc|gmt|z)?\s*(?P<sign>[+\-\u2212])\s*(?P<hours>\d{1,2})"
    r"(?:(?:[:.h]\s*)?(?P<minutes>\d{2}))?\s*(?:h|hrs?|hours?)?$"
)
# Removed from a name before matching: case aside, "New York", "new_york", "New-York" and
# "st. john's" all match.
_IGNORED = re.compile(r"[\s_\-.'\u2019,()]+")
_TIME_WORDS = ("standardtime", "daylighttime", "summertime", "time", "timezone", "zone")
# Instants the clocks of two zones are compared at: whether they agree all year, and whether a
# zone keeps one offset all year. Fixed, so the answer doesn't depend on today.
_SAMPLES: Final = tuple(
    datetime(year, month, day, 12, tzinfo=UTC)
    for year in (2026, 2027)
    for month in range(1, 13)
    for day in (1, 15)
)


def _key(name: str) -> str:
    return _IGNORED.sub("", name.casefold()).replace("&", "and")


def _said(typed: str, *, abbreviation: bool = False) -> str:
    """What was typed, written back: an abbreviation in capitals ("pst"), a name typed all in
    lower case capitalised ("san francisco"), else as typed."""
    text = " ".join(typed.split())[:40]
    if abbreviation and text.isalpha() and len(text) <= 5:
        return text.upper()
    if text.islower():
        return " ".join(word[:1].upper() + word[1:] for word in text.split())
    return text


# --- tzdata's tables, read once -----------------------------------------------------------


@dataclass(frozen=True)
class _Tables:
    zones: dict[str, str]  # key of an IANA name, "/" kept -> the name
    links: dict[str, str]  # a link's name -> the zone it stands for
    cities: dict[str, str]  # key of a place in a canonical IANA name -> the name
    countries: dict[str, str]  # key of a country's name -> ISO code
    names: dict[str, str]  # ISO code -> the country's name
    by_country: dict[str, tuple[tuple[str, str], ...]]  # ISO code -> (zone, comment), in order
    country_of: dict[str, str]  # zone -> ISO code of its first country


def _read(name: str) -> str:
    try:
        return resources.files("tzdata.zoneinfo").joinpath(name).read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError, OSError):
        return ""


def _rows(text: str) -> list[list[str]]:
    return [line.split("\t") for line in text.splitlines() if line and not line.startswith("#")]


@cache
def _tables() -> _Tables:
    available = available_timezones()
    zones = {name.casefold().replace(" ", "_"): name for name in available}
    links = {}
    for line in _read("tzdata.zi").splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[0] == "L":
            links[parts[2]] = parts[1]
    names = {row[0]: row[1] for row in _rows(_read("iso3166.tab")) if len(row) >= 2}
    by_country: dict[str, list[tuple[str, str]]] = {}
    for row in _rows(_read("zone.tab")):
        if len(row) >= 3 and row[2] in available:
            by_country.setdefault(row[0], []).append((row[2], row[3] if len(row) > 3 else ""))
    country_of: dict[str, str] = {}
    for code, listed in by_country.items():
        for zone, _ in listed:
            country_of.setdefault(zone, code)
    canonical = set(country_of) | {zone for zone in links.values() if "/" in zone}
    cities: dict[str, str] = {}
    for zone in sorted(canonical):
        area, _, place = zone.rpartition("/")
        if area and not zone.startswith("Etc/"):
            cities.setdefault(_key(place), zone)
    countries: dict[str, str] = {}
    for code, name in names.items():
        countries[_key(name)] = code
        # "Britain (UK)", "Korea (South)": also "Britain", "UK", "South Korea".
        outer, _, inner = name.partition(" (")
        if inner:
            inner = inner.rstrip(")")
            countries.setdefault(_key(outer), code)
            countries.setdefault(_key(inner), code)
            countries.setdefault(_key(inner + outer), code)
    for alias, code in zone_names.COUNTRIES.items():
        countries.setdefault(alias, code)
    return _Tables(
        zones=zones,
        links=links,
        cities=cities,
        countries=countries,
        names=names,
        by_country={code: tuple(listed) for code, listed in by_country.items()},
        country_of=country_of,
    )


def _clocks(zone: str) -> tuple[timedelta | None, ...]:
    tz = ZoneInfo(zone)
    return tuple(at.astimezone(tz).utcoffset() for at in _SAMPLES)


@cache
def _well_known() -> frozenset[str]:
    """Zones named for big places: the ones our own tables point to."""
    named = {
        z
        for value in zone_names.NAMED.values()
        for z in (value if isinstance(value, tuple) else (value,))
    }
    return frozenset(named | set(zone_names.CITIES.values()) | zone_names.ALSO_WELL_KNOWN)


@cache
def _distinct_zones(code: str) -> tuple[tuple[str, str], ...]:
    """A country's zones, one for each set of clocks (Busingen keeps Berlin's time): the
    best-known zone of each set stands for it, in zone.tab's order of the sets."""
    groups: dict[tuple[timedelta | None, ...], list[tuple[str, str]]] = {}
    for zone, comment in _tables().by_country.get(code, ()):
        groups.setdefault(_clocks(zone), []).append((zone, comment))
    known = _well_known()
    return tuple(
        next((pair for pair in group if pair[0] in known), group[0]) for group in groups.values()
    )


@cache
def _steady_zone(offset: timedelta) -> str | None:
    """The first zone (in zone.tab's order) that keeps this UTC offset all year."""
    for listed in _tables().by_country.values():
        for zone, _ in listed:
            if set(_clocks(zone)) == {offset}:
                return zone
    return None


def where(zone: str) -> str:
    """Where a zone is, in words: its country, and the part of it when the country has several
    ("United States, Central (most areas)"). UTC and fixed offsets: "no daylight saving"."""
    tables = _tables()
    code = tables.country_of.get(zone)
    if code is None:
        return "no daylight saving time" if zone == "UTC" or zone.startswith("Etc/") else ""
    country = tables.names.get(code, code)
    listed = tables.by_country.get(code, ())
    comment = next((c for z, c in listed if z == zone), "")
    return f"{country}, {comment}" if comment and len(listed) > 1 else country


# --- resolving ----------------------------------------------------------------------------


def resolve(typed: str) -> Resolved:
    """The zone someone means by `typed`: Found, Candidates (an ambiguous name) or Unknown."""
    # Discord's option joins words with underscores ("UTC_+_2", "New_York"): spaces again.
    text = " ".join(typed.replace("_", " ").split())
    if not text or len(text) > 60:
        return Unknown(text[:60])
    folded = text.casefold()
    offset = _OFFSET.match(folded)
    if offset:
        return _from_offset(text, offset)
    tables = _tables()
    key = _key(text)
    if "/" in text:
        zone = tables.zones.get(folded.replace(" ", "_"))
        if zone is None:
            return Unknown(_said(text))
        canonical = tables.links.get(zone, zone)
        if canonical.startswith("Etc/") or canonical == zone or zone in tables.country_of:
            return Found(zone)
        return Found(canonical, said=zone)
    for candidate in _without_time_words(key):
        found = _by_name(candidate, text, tables)
        if found is not None:
            return found
    return Unknown(_said(text))


def _without_time_words(key: str) -> list[str]:
    keys = [key]
    for word in _TIME_WORDS:
        if key.endswith(word) and len(key) > len(word):
            keys.append(key[: -len(word)])
    return keys


def _by_name(key: str, text: str, tables: _Tables) -> Resolved | None:
    named = zone_names.NAMED.get(key)
    said = _said(text, abbreviation=named is not None and key not in zone_names.WORDS)
    if isinstance(named, tuple):
        return Candidates(said, tuple(Option(zone, where(zone)) for zone in named))
    if named is not None:
        return Found(named, said=said)
    city = zone_names.CITIES.get(key) or tables.cities.get(key)
    if city is not None:
        place = city.rpartition("/")[2]
        return Found(city, said=place.replace("_", " ") if _key(place) == key else said)
    code = tables.countries.get(key)
    if code is not None:
        options = _distinct_zones(code)
        if len(options) == 1:
            return Found(options[0][0], said=said)
        if options:
            return Candidates(said, tuple(Option(zone, comment) for zone, comment in options))
    # Old one-word IANA names ("Zulu", "PRC", "Egypt"): the zone they stand for.
    zone = tables.zones.get(key)
    if zone is not None:
        canonical = tables.links.get(zone, zone)
        return Found(canonical, said=zone if canonical != zone else None)
    return None


def _from_offset(text: str, match: re.Match[str]) -> Resolved:
    sign = -1 if match["sign"] in "-\u2212" else 1
    hours, minutes = int(match["hours"]), int(match["minutes"] or 0)
    total = sign * (hours * 60 + minutes)
    written = _written_offset(total)
    if minutes >= 60 or not -12 * 60 <= total <= 14 * 60:
        return Unknown(text[:40], hint=OUT_OF_RANGE)
    if total == 0:
        return Found("UTC", said=written)
    if minutes == 0:
        # Etc/ names write the sign the other way round: UTC+2 is Etc/GMT-2.
        return Found(f"Etc/GMT{-sign * hours:+d}", said=written, fixed=True)
    steady = _steady_zone(timedelta(minutes=total))
    if steady is None:
        return Unknown(written, hint=NO_STEADY_ZONE)
    return Found(steady, said=written, fixed=True)


def _written_offset(total_minutes: int) -> str:
    sign = "-" if total_minutes < 0 else "+"
    hours, minutes = divmod(abs(total_minutes), 60)
    return f"UTC{sign}{hours}" + (f":{minutes:02d}" if minutes else "")


def is_zone(name: str) -> bool:
    """Whether `name` is exactly an IANA zone this machine knows."""
    return name in _available()


@cache
def _available() -> frozenset[str]:
    return frozenset(available_timezones())


def find_zone(name: str) -> str | None:
    """The IANA name the user meant, forgiving case: "europe/berlin" is Europe/Berlin. Only
    exact IANA names (what a platform profile holds); `resolve` reads the names people use."""
    return _tables().zones.get(name.strip().casefold().replace(" ", "_"))


# --- moving times to a new zone -----------------------------------------------------------


def keep_wall_clock(at: datetime, old: ZoneInfo, new: ZoneInfo) -> datetime:
    """The instant showing in `new` the clock time `at` showed in `old`, in UTC: 09:00 in
    Berlin becomes 09:00 in Los Angeles. A time the new zone skips (clocks go forward) moves
    to the first that exists; a time it has twice takes the first."""
    return to_utc(at.astimezone(old).replace(tzinfo=None), new)
