"""Where each incident is: the rules that `isrd validate` checks on the place fields of incidents, and the
country outlines they use.

The outlines are Natural Earth's admin-0 countries (version 4.1.0), from the npm package world-atlas 2.0.2
(ISC licence; Natural Earth is in the public domain), kept in the package in src/isrd/maps/ (see its
README.md): countries-50m.json (TopoJSON, unchanged) for maps (outlines_path()), and the 1:10m outlines,
packed into countries-10m.npz (pack_topology), for the checks and the country points, since 1:50m leaves
out small islands (the Maldives' Thaa Atoll lies 80 km from the 1:50m outline). Countries carry their
ISO 3166-1 numeric code as id. They are read offline, decoded here (TopoJSON arcs are small integers,
delta-encoded) and tested with shapely, which is imported only when a point is checked: `import isrd`
stays light.

The rules, each on whole Arrow columns:
- admin1_code holds ISO 3166-2 codes that exist (pycountry), one per region named in admin1, in the same
  order, each a subdivision of the incident's country; admin1 and admin1_code are filled together;
- one code, one spelling: a region's admin1 is written the same way on every row, and one spelling
  names one region;
- every active incident has a point, latitude and longitude come together, and a point says where it came
  from (coordinates_source);
- geo_precision agrees with what is known and with where the point came from (see GEO_PRECISION_SOURCES);
- each point lies in its country's outline, or within OUTLINE_TOLERANCE_KM of it (outlines at 1:50m cut
  off small islands, spits and harbours).
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .checks import Finding, finding, mask_rows

MAPS = Path(__file__).resolve().parent / "maps"
OUTLINES = "countries-50m.json"  # for maps
CHECK_OUTLINES = "countries-10m.npz"  # for the point-in-country check and the country points (packed)
SEP = "; "  # between the regions of one admin1 and their codes, in the same order
OUTLINE_TOLERANCE_KM = 10.0  # a point this close to its country's outline counts as inside (a coastal town's
# gazetteer point can fall just offshore, and outlines at 1:10m smooth harbours and spits)
KM_PER_DEGREE = 111.32

# coordinates_source: where a point came from
SOURCE = "source"  # a cited source gives the coordinates
GEONAMES = "geonames"  # geonames:<geonameid>, the GeoNames entry of the incident's locality (the place itself)
GEONAMES_ADMIN1 = "geonames-admin1"  # geonames-admin1:<geonameid>, the most populous GeoNames place of the admin1
WORLD_ATLAS = "world-atlas"  # world-atlas:<ISO 3166-1 numeric>, the centre of the country's 1:10m outline
# which kind of point each geo_precision may have: a gazetteer entry of a town is not an exact site, and a
# point standing for a whole region is not near the site
GEO_PRECISION_SOURCES = {
    "exact": {SOURCE},
    "near": {SOURCE, GEONAMES},
    "admin2": {SOURCE, GEONAMES},
    "admin1": {SOURCE, GEONAMES_ADMIN1},
    "region": {SOURCE, WORLD_ATLAS},
    "country": {SOURCE, WORLD_ATLAS},
    "water_airspace": {SOURCE, WORLD_ATLAS},
}
NEEDS_LOCALITY = ["exact", "near", "admin2"]
# Natural Earth draws boundaries as they are held (de facto); ISRD records the ISO 3166 country (de jure).
# A point whose admin1_code is one of these may lie in the outline given instead (ISO 3166-1 numeric).
DE_FACTO = {"UA-43": "643", "UA-40": "643"}  # Crimea and Sevastopol: inside Russia's outline


def outlines_path(scale: str = "50m") -> Path:
    """The country outlines shipped with isrd, for maps: world-atlas countries-50m.json (TopoJSON, object
    'countries', ids ISO 3166-1 numeric). The 1:10m outlines the checks use are packed (pack_topology)."""
    return MAPS / f"countries-{scale}.json"


@lru_cache(maxsize=2)
def _topology(name: str = CHECK_OUTLINES) -> dict:
    """A topology with what pieces() reads: its arcs and transform, and its countries, as TopoJSON
    geometries or, for a packed file, as the packed arrays themselves ("packed"): a country's rings and
    arcs are cut from them when it is asked for, since decoding all 250 countries would take longer than
    the check."""
    path = MAPS / name
    if path.suffix == ".npz":
        with np.load(path) as npz:
            return packed_topology({k: npz[k] for k in npz.files})
    return json.loads(path.read_text(encoding="utf-8"))


def packed_topology(arrays: dict) -> dict:
    """The arrays pack_topology made, as a topology pieces() can read."""
    return {"arcs": _PackedArcs(arrays["points"], arrays["arc_starts"]), "packed": arrays,
            "transform": {"scale": arrays["scale"].tolist(), "translate": arrays["translate"].tolist()}}


class _PackedArcs:
    """topology["arcs"] of a packed topology: arc i is a slice of the flat array of points."""

    def __init__(self, points: np.ndarray, starts: np.ndarray):
        self.points, self.starts = points, starts

    def __getitem__(self, i: int) -> np.ndarray:
        return self.points[self.starts[i]:self.starts[i + 1]]


def _shapes(topology: dict, numeric: str) -> list[list[list[int]]]:
    """The polygons of one country, each a list of rings given as arc references (outer ring first)."""
    if "packed" in topology:
        a = topology["packed"]
        hits = np.flatnonzero(a["ids"] == numeric)
        refs = a["refs"].tolist()
        rings, polygons, geometries = a["rings"], a["polygons"], a["geometries"]
        return [[refs[rings[r]:rings[r + 1]] for r in range(polygons[p], polygons[p + 1])]
                for k in hits for p in range(geometries[k], geometries[k + 1])]
    out = []
    for g in topology["objects"]["countries"]["geometries"]:
        if g.get("id") == numeric:
            out += [g["arcs"]] if g["type"] == "Polygon" else g["arcs"] if g["type"] == "MultiPolygon" else []
    return out


def pack_topology(topology: dict) -> dict[str, np.ndarray]:
    """A TopoJSON topology's country outlines as flat arrays (np.savez_compressed writes them): the 1:10m
    file takes a tenth of a second to load this way, against most of a second to parse as JSON. The arcs
    keep their quantized, delta-encoded integers, so nothing is lost (unpack_topology gives them back)."""
    arcs = topology["arcs"]
    ids, refs, rings, polygons, geometries = [], [], [0], [0], [0]
    for g in topology["objects"]["countries"]["geometries"]:
        shapes = [g["arcs"]] if g["type"] == "Polygon" else g["arcs"] if g["type"] == "MultiPolygon" else []
        for shape in shapes:
            for ring in shape:
                refs += ring
                rings.append(len(refs))
            polygons.append(len(rings) - 1)
        geometries.append(len(polygons) - 1)
        ids.append(g.get("id") or "")
    return {"points": np.concatenate([np.asarray(a, dtype=np.int64).reshape(-1, 2) for a in arcs]).astype(np.int32),
            "arc_starts": np.cumsum([0] + [len(a) for a in arcs]).astype(np.int64),
            "scale": np.asarray(topology["transform"]["scale"], dtype=float),
            "translate": np.asarray(topology["transform"]["translate"], dtype=float),
            "ids": np.asarray(ids, dtype=str), "refs": np.asarray(refs, dtype=np.int32),
            "rings": np.asarray(rings, dtype=np.int64), "polygons": np.asarray(polygons, dtype=np.int64),
            "geometries": np.asarray(geometries, dtype=np.int64)}


def unpack_topology(arrays: dict) -> dict:
    """The topology pack_topology flattened, in TopoJSON's shape (every country as a MultiPolygon)."""
    starts, refs = arrays["arc_starts"], arrays["refs"].tolist()
    rings, polygons, geometries = arrays["rings"], arrays["polygons"], arrays["geometries"]
    out = []
    for k, gid in enumerate(arrays["ids"].tolist()):
        shape = [[refs[rings[r]:rings[r + 1]] for r in range(polygons[p], polygons[p + 1])]
                 for p in range(geometries[k], geometries[k + 1])]
        out.append({"type": "MultiPolygon", "id": gid or None, "arcs": shape})
    return {"type": "Topology", "arcs": np.split(arrays["points"], starts[1:-1]),
            "transform": {"scale": arrays["scale"].tolist(), "translate": arrays["translate"].tolist()},
            "objects": {"countries": {"type": "GeometryCollection", "geometries": out}}}


def _arc(topology: dict, i: int) -> np.ndarray:
    """One decoded arc: its quantized, delta-encoded positions as longitude/latitude (reversed for ~i)."""
    raw = topology["arcs"][i if i >= 0 else ~i]
    t = topology.get("transform")
    points = np.cumsum(np.asarray(raw, dtype=float), axis=0) if t else np.asarray(raw, dtype=float)
    if t:
        points = points * np.asarray(t["scale"]) + np.asarray(t["translate"])
    return points if i >= 0 else points[::-1]


def _ring(topology: dict, arcs: list[int]) -> np.ndarray:
    parts = [_arc(topology, i) for i in arcs]
    return np.concatenate([parts[0]] + [p[1:] for p in parts[1:]])


@lru_cache(maxsize=None)
def pieces(numeric: str, name: str = CHECK_OUTLINES) -> tuple:
    """The polygons of a country's outline (its ISO 3166-1 numeric code, such as '643'), each prepared for
    fast tests; empty when world-atlas has no such country. Each piece is tested on its own: Natural Earth's
    pieces may touch, which makes the whole an invalid MultiPolygon (and repairing Russia's takes a second)."""
    import shapely

    topology = _topology(name)
    shapes = _shapes(topology, numeric)
    if not shapes:
        return ()
    rings = [_ring(topology, ring) for shape in shapes for ring in shape]
    # built in two vectorised calls (Russia has 214 pieces): each ring from its points, each polygon from
    # its rings (the first its outline, the others its holes)
    linear = shapely.linearrings(np.concatenate(rings), indices=np.repeat(np.arange(len(rings)), [len(r) for r in rings]))
    polygons = shapely.polygons(linear, indices=np.repeat(np.arange(len(shapes)), [len(shape) for shape in shapes]))
    shapely.prepare(polygons)
    return tuple(polygons)


def numeric_code(alpha3: str) -> str | None:
    """ISO 3166-1 numeric code of an alpha-3 code, as world-atlas writes it ('643'), from pycountry."""
    country = country_codes(alpha3)
    return country["numeric"] if country else None


def country_point(alpha3: str) -> tuple[float, float, str] | None:
    """A point standing for a whole country: the centroid of its largest piece of outline, or a point on
    that piece when the centroid falls outside it; rounded to 5 decimals. (latitude, longitude, source)."""
    numeric = numeric_code(alpha3)
    polygons = pieces(numeric) if numeric else ()
    if not polygons:
        return None
    largest = max(polygons, key=lambda g: g.area)
    point = largest.centroid if largest.contains(largest.centroid) else largest.point_on_surface()
    return round(point.y, 5), round(point.x, 5), f"{WORLD_ATLAS}:{numeric}"


def _distances(polygons: tuple, lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Km from each point to the nearest of the polygons (0 inside)."""
    import shapely
    from shapely.geometry import MultiPolygon
    from shapely.ops import nearest_points

    inside = np.zeros(len(lat), dtype=bool)
    for polygon in polygons:
        inside |= shapely.contains_xy(polygon, lon, lat)
    out = np.zeros(len(lat))
    shape = MultiPolygon(list(polygons)) if not inside.all() else None
    for i in np.flatnonzero(~inside):
        near = nearest_points(shape, shapely.Point(lon[i], lat[i]))[0]
        dy = (near.y - lat[i]) * KM_PER_DEGREE
        dx = (near.x - lon[i]) * KM_PER_DEGREE * np.cos(np.radians(lat[i]))
        out[i] = float(np.hypot(dx, dy))
    return out


def distance_km(alpha3: str, latitude, longitude) -> np.ndarray:
    """How far each point lies outside the country's outline, in km (0 inside; nan without an outline).
    Degrees of longitude are shortened by the cosine of the latitude: a close measure near the outline."""
    lat, lon = np.asarray(latitude, dtype=float), np.asarray(longitude, dtype=float)
    numeric = numeric_code(alpha3)
    polygons = pieces(numeric) if numeric else ()
    return _distances(polygons, lat, lon) if polygons else np.full(len(lat), np.nan)


# -- the rules ---------------------------------------------------------------------------------------------

def _active(t: pa.Table) -> pa.Array:
    from .rules import active

    return active(t)


def _split(col) -> pa.Array:
    """Each cell split into its regions at '; ' (a missing cell gives a missing list)."""
    col = col.combine_chunks() if isinstance(col, pa.ChunkedArray) else col
    return pc.split_pattern(col, SEP)


def _per_row(n: int, parents, flags) -> np.ndarray:
    """True for each row where any of its parts is flagged."""
    flags = pc.fill_null(flags, False).to_numpy(zero_copy_only=False).astype(float)
    return np.bincount(np.asarray(parents, dtype=np.int64), weights=flags, minlength=n) > 0


def _alpha2(countries) -> pa.Array:
    """The alpha-2 code of each alpha-3 code (missing when unknown)."""
    known = sorted(_iso("3166-1"), key=lambda c: c["alpha_3"])
    index = pc.index_in(countries, pa.array([c["alpha_3"] for c in known]))
    return pc.take(pa.array([c["alpha_2"] for c in known]), index)


@lru_cache(maxsize=2)
def _iso(standard: str) -> tuple[dict, ...]:
    """The entries of one of pycountry's ISO 3166 data files ("3166-1" countries, "3166-2" subdivisions),
    read as the JSON they are: importing pycountry costs a tenth of a second (it looks up its own version
    among the installed packages) and building its objects for 5,000 subdivisions as much again. A test
    compares the result with pycountry's own objects; if the files are not where they were, pycountry is asked."""
    import importlib.util

    spec = importlib.util.find_spec("pycountry")
    try:
        path = Path(spec.origin).parent / "databases" / f"iso{standard}.json"
        return tuple(json.loads(path.read_text(encoding="utf-8"))[standard])
    except (AttributeError, TypeError, OSError, ValueError, KeyError):
        import pycountry

        db = pycountry.countries if standard == "3166-1" else pycountry.subdivisions
        return tuple(dict(vars(entry)["_fields"]) for entry in db)


def country_codes(alpha3: str) -> dict | None:
    """ISO 3166-1 alpha_2, alpha_3, numeric and name of an alpha-3 code (None when unknown)."""
    return next((c for c in _iso("3166-1") if c["alpha_3"] == alpha3), None)


def alpha3_codes() -> list[str]:
    """Every ISO 3166-1 alpha-3 code pycountry knows."""
    return sorted(entry["alpha_3"] for entry in _iso("3166-1"))


def subdivision_codes() -> list[str]:
    """Every ISO 3166-2 code pycountry knows."""
    return sorted(entry["code"] for entry in _iso("3166-2"))


def admin1_findings(t: pa.Table) -> list[Finding]:
    """admin1_code: real ISO 3166-2 codes of the incident's country, one per region of admin1."""
    names, codes, country = t.column("admin1"), t.column("admin1_code"), t.column("country")
    n, out = t.num_rows, []
    split = _split(codes)
    flat, parents = pc.list_flatten(split), pc.list_parent_indices(split)
    known = pa.array(subdivision_codes())
    unknown = _per_row(n, parents, pc.invert(pc.is_in(flat, known)))
    foreign = _per_row(n, parents, pc.and_(pc.is_in(flat, known), pc.not_equal(
        pc.utf8_slice_codeunits(flat, 0, 2), pc.take(_alpha2(country), parents))))
    counts = pc.not_equal(pc.list_value_length(split), pc.list_value_length(_split(names)))
    for mask, message, hint, kind in (
        (pa.array(unknown), "admin1_code holds a code that ISO 3166-2 does not have",
         "write the region's ISO 3166-2 code as pycountry lists it, such as RU-DA or AF-KAB", "admin1-code"),
        (pa.array(foreign), "admin1_code names a region of another country than the incident's country",
         "an ISO 3166-2 code starts with the country's two letters: RU- for RUS, AF- for AFG", "admin1-code"),
        (pc.and_(pa.array(~(unknown | foreign)), counts),
         "admin1 and admin1_code do not name the same number of regions",
         "give one code for each region named in admin1, in the same order, joined with '; '", "admin1-code"),
        (pc.and_(pc.is_valid(names), pc.is_null(codes)), "admin1 is filled but admin1_code is empty",
         "add the region's ISO 3166-2 code, such as RU-DA for the Republic of Dagestan", "admin1-code"),
        (pc.and_(pc.is_null(names), pc.is_valid(codes)), "admin1_code is filled but admin1 is empty",
         "name the region in admin1, or empty admin1_code", "admin1-code"),
    ):
        f = finding("incidents", mask, "admin1_code", message, hint, kind, codes)
        out += [f] if f else []
    return out


def _braces(text: str) -> str:
    return text.replace("{", "{{").replace("}", "}}")


def spelling_findings(t: pa.Table) -> list[Finding]:
    """One code, one spelling: every row writes a region's admin1 name as most rows do (the first such
    row on a tie), and one spelling is never given two codes."""
    names, codes = _split(t.column("admin1")), _split(t.column("admin1_code"))
    paired = pc.and_(pc.fill_null(pc.equal(pc.list_value_length(names), pc.list_value_length(codes)), False),
                     pc.is_valid(codes))
    names, codes = pc.filter(names, paired), pc.filter(codes, paired)
    rows = pc.take(pc.filter(pa.array(np.arange(t.num_rows)), paired), pc.list_parent_indices(codes))
    pairs = pa.table({"code": pc.list_flatten(codes), "name": pc.utf8_trim_whitespace(pc.list_flatten(names)),
                      "row": rows})
    if not pairs.num_rows:
        return []
    groups = pairs.group_by(["code", "name"], use_threads=False).aggregate([("row", "min"), ("row", "count")])
    out, bad = [], []
    for key, other in (("code", "name"), ("name", "code")):
        usual = {}  # code -> (count, -first row, name): the spelling most rows use
        for k, v, first, count in zip(*(groups.column(c).to_pylist() for c in (key, other, "row_min", "row_count"))):
            usual[k] = max(usual.get(k, (0, 0, None)), (count, -first, v))
        odd = pc.invert(pc.equal(pairs.column(other), pc.take(pa.array([usual[k][2] for k in usual]),
                                                              pc.index_in(pairs.column(key), pa.array(list(usual))))))
        for i in mask_rows(odd):
            row, k, v = pairs.column("row")[i].as_py(), pairs.column(key)[i].as_py(), pairs.column(other)[i].as_py()
            count, first, want = usual[k]
            k, v, want = (_braces(x) for x in (k, v, want))
            said = (f"{k} is written '{want}' in admin1 on most rows (line {{line}}), here '{v}'" if key == "code" else
                    f"'{k}' is given the code {want} on most rows (line {{line}}), here {v}")
            bad.append((row, key, said, -first))
    for column in ("admin1", "admin1_code"):
        mine = [b for b in bad if (b[1] == "code") == (column == "admin1")]
        if mine:
            shown = t.column(column)
            rows_ = np.array([b[0] for b in mine])
            out.append(Finding("incidents", rows_, column, "", "use one spelling for each region, and one code for "
                               "each spelling (validate checks the codes against ISO 3166-2)", "admin1-spelling",
                               pc.take(shown, pa.array(rows_)).to_pylist(), np.array([b[3] for b in mine]),
                               [b[2] for b in mine]))
    return out


def coordinate_findings(t: pa.Table) -> list[Finding]:
    """Every active incident has a point; latitude and longitude come together; a point names its source."""
    lat, lon, source = t.column("latitude"), t.column("longitude"), t.column("coordinates_source")
    has_lat, has_lon = pc.is_valid(lat), pc.is_valid(lon)
    out = []
    for mask, column, message, hint, kind in (
        (pc.and_(_active(t), pc.and_(pc.invert(has_lat), pc.invert(has_lon))), "latitude",
         "the incident has no coordinates",
         "run scripts/fill_places.py, which places it from GeoNames at its geo_precision (or give a cited "
         "source's point, with coordinates_source 'source')", "coordinates"),
        (pc.and_(has_lat, pc.invert(has_lon)), "longitude", "latitude is filled but longitude is empty",
         "a point needs both", "coordinates"),
        (pc.and_(has_lon, pc.invert(has_lat)), "latitude", "longitude is filled but latitude is empty",
         "a point needs both", "coordinates"),
        (pc.and_(pc.or_(has_lat, has_lon), pc.is_null(source)), "coordinates_source",
         "the point does not say where it came from",
         "write source (a cited source gives it), or geonames:<geonameid> as scripts/fill_places.py does",
         "coordinates"),
        (pc.and_(pc.is_valid(source), pc.and_(pc.invert(has_lat), pc.invert(has_lon))), "coordinates_source",
         "coordinates_source is filled but there is no point", "give the point, or empty coordinates_source",
         "coordinates"),
    ):
        f = finding("incidents", mask, column, message, hint, kind, t.column(column))
        out += [f] if f else []
    return out


def precision_findings(t: pa.Table) -> list[Finding]:
    """geo_precision agrees with what is known (a locality for exact, near and admin2; admin1 for admin1),
    and with where the point came from (GEO_PRECISION_SOURCES)."""
    precision, source = t.column("geo_precision"), t.column("coordinates_source")
    kind = pc.if_else(pc.match_substring(source, ":"),
                      pc.list_element(pc.split_pattern(source, ":", max_splits=1), 0), source)
    out = []
    checks = [
        (pc.and_(pc.is_in(precision, pa.array(NEEDS_LOCALITY)), pc.is_null(t.column("locality"))),
         "geo_precision is exact, near or admin2, but there is no locality",
         "name the place in locality, or set geo_precision to what is known (admin1, region, country)"),
        (pc.and_(pc.equal(precision, "admin1"), pc.is_null(t.column("admin1"))),
         "geo_precision is admin1, but admin1 is empty", "name the region in admin1, or set geo_precision to country"),
    ]
    for p, allowed in GEO_PRECISION_SOURCES.items():
        wrong = pc.and_(pc.equal(precision, p), pc.and_(pc.is_valid(kind), pc.invert(pc.is_in(kind, pa.array(sorted(allowed))))))
        if p == "exact":
            message = "geo_precision is exact, but the point is not from a cited source"
            hint = "a gazetteer entry places the town, not the site: set geo_precision to near (or admin2)"
        elif p in ("near", "admin2"):
            message = f"geo_precision is {p}, but the point stands for a whole region or country"
            hint = "place it at its locality's GeoNames entry (scripts/fill_places.py), or lower geo_precision"
        else:
            message = f"geo_precision is {p}, but the point is that of a smaller place"
            hint = "a point more precise than what is known misleads a map: use the region's or country's point"
        checks.append((wrong, message, hint))
    for mask, message, hint in checks:
        f = finding("incidents", mask, "geo_precision", message, hint, "geo-precision", precision)
        out += [f] if f else []
    return out


def point_findings(t: pa.Table) -> list[Finding]:
    """Each point lies in its country's outline (within OUTLINE_TOLERANCE_KM)."""
    lat, lon, country = t.column("latitude"), t.column("longitude"), t.column("country")
    codes = t.column("admin1_code") if "admin1_code" in t.column_names else pa.nulls(t.num_rows, pa.string())
    placed = mask_rows(pc.and_(pc.and_(pc.is_valid(lat), pc.is_valid(lon)), pc.is_valid(country)))
    if not len(placed):
        return []
    lats = pc.take(lat, pa.array(placed)).to_numpy(zero_copy_only=False)
    lons = pc.take(lon, pa.array(placed)).to_numpy(zero_copy_only=False)
    where = pc.take(country, pa.array(placed)).to_numpy(zero_copy_only=False)
    first_code = pc.take(pc.list_element(pc.fill_null(_split(codes), pa.scalar([""], pa.list_(pa.string()))), 0),
                         pa.array(placed)).to_numpy(zero_copy_only=False)
    def distances(alpha3: str, here) -> np.ndarray:
        """distance_km of each point, measured once for each distinct point (places repeat)."""
        points, again = np.unique(np.stack([lats[here], lons[here]], axis=1), axis=0, return_inverse=True)
        return distance_km(alpha3, points[:, 0], points[:, 1])[again.ravel()]

    off = np.zeros(len(placed))
    for alpha3 in np.unique(where):
        here = where == alpha3
        off[here] = distances(alpha3, here)
    for code, numeric in DE_FACTO.items():  # a point in the outline drawn for a region held by another state
        here = np.flatnonzero((first_code == code) & (off > OUTLINE_TOLERANCE_KM))
        if len(here):
            alpha3 = next(c["alpha_3"] for c in _iso("3166-1") if c["numeric"] == numeric)
            off[here] = np.minimum(off[here], distances(alpha3, here))
    outside = np.flatnonzero(off > OUTLINE_TOLERANCE_KM)  # nan (no outline) is never outside
    if not len(outside):
        return []
    rows = placed[outside]
    return [Finding("incidents", rows, "latitude", "", "check the country, and the order and signs of latitude and "
                    f"longitude (points within {OUTLINE_TOLERANCE_KM:g} km of the 1:10m outline pass)",
                    "point-in-country", [f"{lats[i]}, {lons[i]}" for i in outside], None,
                    [f"the point lies outside {where[i]} (about {off[i]:.0f} km from its outline)" for i in outside])]


NEEDED = {"admin1", "admin1_code", "country", "locality", "latitude", "longitude", "coordinates_source",
          "geo_precision", "status"}


def geo_findings(tables: dict) -> list[Finding]:
    """Every place rule on the incidents (skipped when a column they need is missing: the header problem says so)."""
    t = tables.get("incidents")
    if t is None or not NEEDED <= set(t.column_names):
        return []
    out = []
    for rule in (admin1_findings, spelling_findings, coordinate_findings, precision_findings, point_findings):
        out += rule(t)
    return out
