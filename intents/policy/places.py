"""Place names in the other served languages, for the callback's time zone: "Ich bin in Wien",
"je suis en Allemagne", "東京にいます". Built from babel's localized country names (the single-zone
countries of :data:`intents.policy.callback.COUNTRY_ZONES`) and exemplar cities of every time zone,
so no list of names is kept by hand. Pure (the tables are built once, lazily).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from babel import Locale
from babel.core import UnknownLocaleError

LANGUAGES = ("de", "fr", "es", "it", "ja", "pt", "nl")
MIN_LATIN = 4  # shorter names are too often ordinary words
# Big cities in their own spelling that are no time zone's exemplar city (accents dropped).
LOCAL_CITIES = {
    "munchen": "Europe/Berlin", "koln": "Europe/Berlin", "dusseldorf": "Europe/Berlin",
    "nurnberg": "Europe/Berlin", "stuttgart": "Europe/Berlin", "leipzig": "Europe/Berlin",
    "dresden": "Europe/Berlin", "hannover": "Europe/Berlin", "graz": "Europe/Vienna",
    "salzburg": "Europe/Vienna", "zurich": "Europe/Zurich", "basel": "Europe/Zurich", "bern": "Europe/Zurich",
    "milano": "Europe/Rome", "napoli": "Europe/Rome", "torino": "Europe/Rome", "firenze": "Europe/Rome",
    "genova": "Europe/Rome", "venezia": "Europe/Rome", "bologna": "Europe/Rome", "palermo": "Europe/Rome",
    "sevilla": "Europe/Madrid", "zaragoza": "Europe/Madrid", "malaga": "Europe/Madrid",
    "bilbao": "Europe/Madrid", "toulouse": "Europe/Paris", "bordeaux": "Europe/Paris",
    "lille": "Europe/Paris",
    "nantes": "Europe/Paris", "strasbourg": "Europe/Paris", "marseille": "Europe/Paris",
    "大阪": "Asia/Tokyo", "京都": "Asia/Tokyo", "横浜": "Asia/Tokyo", "名古屋": "Asia/Tokyo",
    "札幌": "Asia/Tokyo", "福岡": "Asia/Tokyo", "神戸": "Asia/Tokyo",
}


def plain(text: str) -> str:
    """Lower case, accents dropped, anything but letters a space: "Österreich!" -> "osterreich "."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"[^\w]+|\d|_", " ", stripped)


def _cjk(name: str) -> bool:
    return any(0x3040 <= ord(ch) <= 0x9FFF for ch in name)


@lru_cache(maxsize=1)
def names(country_zones: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
    """(name, time zone) for every country and zone city in :data:`LANGUAGES`, longest name first."""
    out: dict[str, str] = {}
    for lang in LANGUAGES:
        try:
            loc = Locale.parse(lang)
        except (UnknownLocaleError, ValueError):
            continue
        for tz, info in loc.time_zones.items():
            city = info.get("city") if hasattr(info, "get") else None
            if city:
                out.setdefault(str(city), str(tz))
        for country, tz in country_zones:
            name = loc.territories.get(country)
            if name:
                out.setdefault(str(name), tz)
    keyed = {(n if _cjk(n) else plain(n).strip()): tz for n, tz in out.items()}
    keyed.update(LOCAL_CITIES)
    usable = [(n, tz) for n, tz in keyed.items() if n and (_cjk(n) or len(n) >= MIN_LATIN)]
    return tuple(sorted(usable, key=lambda kv: -len(kv[0])))


def zone_in(text: str, country_zones: dict[str, str]) -> str | None:
    """The time zone of a place named in ``text`` in one of :data:`LANGUAGES`, or None."""
    spaced = f" {plain(text)} "
    for name, tz in names(tuple(sorted(country_zones.items()))):
        if _cjk(name):
            if name in text:
                return tz
        elif f" {name} " in spaced:
            return tz
    return None
