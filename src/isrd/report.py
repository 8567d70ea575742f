"""isrd report: a static HTML overview of the data that opens from file:// with no network at all.

Why it is built this way:
- Every chart is an Altair (Vega-Lite) spec rendered to inline SVG by vl-convert when the report is
  built, so the pages carry no JavaScript, no CDN link and no tile server, and look the same in any
  browser, offline, years later. The map's outlines come from the world-atlas TopoJSON shipped in
  isrd/maps (isrd.geo.outlines_path), thinned to half a pixel of the map so that the overview stays small.
- Everything from the data (names, quotes, titles, urls) is untrusted and goes through html.escape;
  only http(s) source urls become links.
- altair and vl-convert are imported inside the functions (``pip install "isrd[report]"``), so that
  ``import isrd`` stays light.
"""
from __future__ import annotations

import html
import importlib.util
import json
import os
import re
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlparse

from .coverage import RECORD_TABLES, plain_rows

# vl-convert resolves a relative href against this base; the report wants it relative to the page
VEGA_BASE = "https://vega.github.io/vega-datasets/"
STANCES = ["asserts", "suspects", "denies", "counter_attributes", "retracts"]
# one colour per value across all charts; scope kept apart from the type colours
TYPES = {"domain": ["attack", "failed attack", "foiled plot"], "range": ["#4c78a8", "#f58518", "#e45756"]}
SCOPES = {"domain": ["core", "context"], "range": ["#6a51a3", "#b0b0b0"]}
MAP_SIZE = (800, 420)


class ReportError(Exception):
    """The report cannot be written where asked (the destination is a file, is not empty, or is not writable)."""


def e(value) -> str:
    """Text from the data, safe inside HTML text and attribute values; missing values print as an en dash."""
    if value is None or (not isinstance(value, str) and _isna(value)):
        return "–"
    return html.escape(str(value), quote=True)


def _isna(value) -> bool:
    try:
        import pandas as pd

        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def label(code) -> str:
    """An enumerated value as words (counter_attributes -> counter attributes), escaped."""
    return e(code if code is None else str(code).replace("_", " "))


def link(url, text) -> str:
    """An <a> to a source's url when it is http(s); any other scheme (javascript:, data:) stays text."""
    if isinstance(url, str) and urlparse(url.strip()).scheme in ("http", "https"):
        return f'<a href="{e(url.strip())}" rel="noopener noreferrer">{e(text)}</a>'
    return e(text)


def _progress(message: str) -> None:
    print(f"isrd report: {message}", file=sys.stderr, flush=True)


def report(dest: str | Path = "isrd-report", path: str | Path | None = None, force: bool = False,
           progress=_progress) -> list[Path]:
    """Write the report (index.html, incidents.html, claims.html, incidents/<id>.html, style.css) into
    dest and return the files written. dest must be missing or empty unless force=True. path: a folder
    holding datapackage.json (default: the data installed with the package). progress(message) is told
    each step."""
    for module in ("altair", "vl_convert"):  # say so before touching anything
        if importlib.util.find_spec(module) is None:
            raise ImportError(f"the report needs altair and vl-convert-python ({module} is missing)")
    dest = Path(dest)
    _check_dest(dest, force)
    import isrd

    progress("loading the tables")
    data = Data(isrd.load("events", path), isrd.load_all(path), _version(path))
    written: list[Path] = []
    charts = {"index": overview_charts(data), "claims": claims_charts(data)}
    tolls = {iid: toll_chart(data, iid) for iid in data.events["incident_id"]}
    tolls = {iid: c for iid, c in tolls.items() if c is not None}
    total = sum(map(len, charts.values())) + len(tolls)
    progress(f"rendering {total} charts to SVG")
    svgs = render_all({**{(page, k): c for page, cs in charts.items() for k, c in cs.items()},
                       **{("toll", iid): c for iid, c in tolls.items()}}, progress)

    def write(rel: str, text: str) -> None:
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        written.append(target)

    progress("writing the overview, the incident list and the claims page")
    write("style.css", CSS)
    write("index.html", overview_page(data, {k: svgs[("index", k)] for k in charts["index"]}))
    write("incidents.html", incidents_page(data))
    write("claims.html", claims_page(data, {k: svgs[("claims", k)] for k in charts["claims"]}))
    ids = list(data.events["incident_id"])
    for n, iid in enumerate(ids, 1):
        write(f"incidents/{iid}.html", incident_page(data, iid, svgs.get(("toll", iid))))
        if n % 100 == 0 or n == len(ids):
            progress(f"incident pages {n}/{len(ids)}")
    kept = set(written)
    for p in (dest / "incidents").glob("INC-*.html"):  # an incident retracted since the last report (--force)
        if p not in kept:
            p.unlink()
    return written


def _check_dest(dest: Path, force: bool) -> None:
    """Refuse a file, a folder holding anything (unless force) and a place that cannot be written, before
    any work is done, so that a mistyped DEST never costs a build or someone's files."""
    if dest.exists() and not dest.is_dir():
        raise ReportError(f"{dest} is a file, not a folder")
    if dest.is_dir() and any(dest.iterdir()) and not force:
        raise ReportError(f"{dest} is not empty; choose another folder or add --force to write over it")
    try:
        dest.mkdir(parents=True, exist_ok=True)
        probe = dest / ".isrd-report-probe"
        probe.write_text("", encoding="utf-8")
        probe.unlink()
    except OSError as exc:
        raise ReportError(f"cannot write to {dest}: {exc.strerror or exc}") from exc


def _version(path) -> str:
    from .schema import datapackage

    try:
        return str(datapackage(path).get("version", ""))
    except Exception:  # a report of an odd package still gets written; the footer just says less
        return ""


class Data:
    """The loaded tables, with the look-ups every page needs."""

    def __init__(self, events, frames: dict, version: str):
        self.events = events.sort_values(["date_start", "incident_id"], na_position="last").reset_index(drop=True)
        self.frames = frames
        self.version = version
        self.rows = {r["incident_id"]: r for r in plain_rows(self.events)}
        self.incident = {r["incident_id"]: r for r in plain_rows(frames["incidents"])}
        self.actor = dict(zip(frames["actors"]["actor_id"], frames["actors"]["name"].astype(object)))
        self.sources = {s["source_id"]: s for s in plain_rows(frames["sources"])}
        self.by_incident: dict[str, dict[str, list]] = {}
        for table in ("casualty_reports", "claims", "attributions"):
            for r in plain_rows(frames[table]):
                self.by_incident.setdefault(r["incident_id"], {}).setdefault(table, []).append(r)
        for r in plain_rows(frames["incident_actors"]):
            self.by_incident.setdefault(r["incident_id"], {}).setdefault("incident_actors", []).append(r)
        owner = {}
        for table, key in RECORD_TABLES.items():
            df = frames[table]
            owner.update({(table, rid): iid for rid, iid in zip(df[key], df["incident_id"])})
        self.citations: dict[str, list[dict]] = {}
        for c in plain_rows(frames["citations"]):
            iid = owner.get((c["record_table"], c["record_id"]))
            if iid is not None:
                self.citations.setdefault(iid, []).append(c)

    def of(self, iid: str, table: str) -> list[dict]:
        return self.by_incident.get(iid, {}).get(table, [])

    def name(self, actor_id) -> str | None:
        return self.actor.get(actor_id, actor_id) if actor_id else None


# ---------------------------------------------------------------- charts

def _records(df) -> list[dict]:
    """Plain JSON-ready rows: categories as text, dates as ISO strings, missing as None."""
    out = []
    for r in plain_rows(df):
        out.append({k: (v.strftime("%Y-%m-%d") if hasattr(v, "strftime") else v) for k, v in r.items()})
    return out


def _years(events) -> list[int]:
    years = events["year"].dropna()
    return list(range(int(years.min()), int(years.max()) + 1)) if len(years) else []


def overview_charts(data: Data) -> dict:
    """The overview's charts as Altair objects: incidents per year by type and by scope, killed per
    year with the low-high range, the map, and counts by country and by target type."""
    import altair as alt

    ev = data.events
    years = _years(ev)
    dated = ev[ev["year"].notna()].assign(year=lambda d: d["year"].astype(int),
                                          incident_type=lambda d: d["incident_type"].astype(str).str.replace("_", " "),
                                          scope=lambda d: d["scope"].astype(str))
    x = alt.X("year:O", title=None, scale=alt.Scale(domain=years), axis=alt.Axis(labelAngle=-45))
    per_year = {
        "by_type": ("incident_type", "type of incident", TYPES),
        "by_scope": ("scope", "scope", SCOPES),
    }
    charts = {}
    for key, (field, title, colours) in per_year.items():
        charts[key] = alt.Chart(alt.Data(values=_records(dated[["year", field]]))).mark_bar().encode(
            x=x, y=alt.Y("count():Q", title="incidents"),
            color=alt.Color(f"{field}:N", title=title, scale=alt.Scale(**colours), legend=alt.Legend(orient="top")),
        ).properties(width=700, height=200)

    tolls = dated[dated["killed_best"].notna()].copy()
    for col in ("killed_low", "killed_high"):
        tolls[col] = tolls[col].fillna(tolls["killed_best"])
    per = (tolls.groupby(["year", "scope"], observed=True)[["killed_low", "killed_best", "killed_high"]].sum()
           .reset_index().astype({"killed_low": int, "killed_best": int, "killed_high": int}))
    base = alt.Chart(alt.Data(values=_records(per))).encode(x=x, xOffset=alt.XOffset("scope:N", scale=alt.Scale(
        domain=SCOPES["domain"])))
    charts["killed"] = alt.layer(
        base.mark_bar().encode(y=alt.Y("killed_best:Q", title="killed (best figure, summed)"),
                               color=alt.Color("scope:N", scale=alt.Scale(**SCOPES), legend=alt.Legend(orient="top"))),
        base.mark_rule(color="#222", strokeWidth=1.5).encode(y="killed_low:Q", y2="killed_high:Q"),
        base.mark_tick(color="#222", thickness=1.5, size=7).encode(y="killed_low:Q"),
        base.mark_tick(color="#222", thickness=1.5, size=7).encode(y="killed_high:Q"),
    ).properties(width=700, height=240)

    charts["map"] = map_chart(ev)
    for key, field, title in (("by_country", "country_name", "country"), ("by_target", "target_type", "target")):
        counts = ev[field].astype("string").fillna("(unknown)").str.replace("_", " ").value_counts()
        df = [{"label": k, "incidents": int(v)} for k, v in counts.items() if v > 0]
        charts[key] = alt.Chart(alt.Data(values=df)).mark_bar(color="#4c78a8").encode(
            y=alt.Y("label:N", title=title, sort="-x"), x=alt.X("incidents:Q", title="incidents"),
        ).properties(width=280, height=alt.Step(16))
        charts[key] = charts[key] + charts[key].mark_text(align="left", dx=3, fontSize=10).encode(text="incidents:Q")
    return charts


def map_chart(events):
    """Country outlines with a circle per incident that has coordinates (sized by killed_best), each a link
    to its page. The view fits the points; it works with any number of them, none included."""
    import altair as alt

    pts = events[events["latitude"].notna() & events["longitude"].notna()]
    rows = [{"incident_id": r["incident_id"], "name": r["name"], "latitude": float(r["latitude"]),
             "longitude": float(r["longitude"]), "killed": int(r["killed_best"] or 0),
             "type": str(r["incident_type"]).replace("_", " "), "href": f"incidents/{r['incident_id']}.html"}
            for r in plain_rows(pts)]
    w, h = MAP_SIZE
    if rows:
        lons, lats = [r["longitude"] for r in rows], [r["latitude"] for r in rows]
        box = _pad(min(lons), max(lons), min(lats), max(lats))
    else:  # nothing located yet: Europe to Central Asia, where most incidents are
        box = (-15.0, 105.0, 0.0, 72.0)
    lon0, lon1, lat0, lat1 = box
    fit = {"type": "Feature", "properties": {},
           "geometry": {"type": "MultiPoint", "coordinates": [[lon0, lat0], [lon1, lat1], [lon0, lat1], [lon1, lat0]]}}
    # the outlines go in as a named data set after to_dict (see Spec): Altair would copy 400 kB per call
    outlines = alt.Chart(alt.NamedData(name="outlines", format=alt.DataFormat(type="topojson", feature="countries"))
                         ).mark_geoshape(fill="#ececec", stroke="#9a9a9a", strokeWidth=0.5)
    layers = [outlines]
    if rows:
        layers.append(alt.Chart(alt.Data(values=rows)).mark_circle(opacity=0.65, stroke="#fff", strokeWidth=0.5).encode(
            longitude="longitude:Q", latitude="latitude:Q",
            size=alt.Size("killed:Q", title="killed (best)", scale=alt.Scale(range=[25, 900]),
                          legend=alt.Legend(orient="bottom-left", fillColor="white", padding=4)),
            color=alt.Color("type:N", title="type", scale=alt.Scale(**TYPES),
                            legend=alt.Legend(orient="top-left", fillColor="white", padding=4)),
            order=alt.Order("killed:Q", sort="descending"), href="href:N", description="name:N"))
    chart = alt.layer(*layers).project(type="equalEarth", fit=fit, clipExtent=[[0, 0], [w, h]]).properties(
        width=w, height=h)
    # thin the outlines to half a pixel of this view: a world view needs far fewer points than a region
    return Spec(chart, outlines=outlines_topology(tolerance=round(max(0.02, 0.5 * (lon1 - lon0) / w), 2)))


class Spec:
    """A chart and the named data sets to put into its Vega-Lite dict (big or repeated data stays out
    of Altair, which copies and checks every value)."""

    def __init__(self, chart, **datasets):
        self.chart, self.datasets = chart, datasets

    def to_dict(self) -> dict:
        spec = self.chart.to_dict() if not isinstance(self.chart, dict) else json.loads(json.dumps(self.chart))
        spec.setdefault("datasets", {}).update(self.datasets)
        return spec


def _pad(lon0, lon1, lat0, lat1, margin=6.0, min_lon=50.0, min_lat=28.0):
    """The points' box with a margin, at least min_lon x min_lat degrees, kept on the globe."""
    cx, cy = (lon0 + lon1) / 2, (lat0 + lat1) / 2
    half_lon = max((lon1 - lon0) / 2 + margin, min_lon / 2)
    half_lat = max((lat1 - lat0) / 2 + margin, min_lat / 2)
    return (max(cx - half_lon, -180.0), min(cx + half_lon, 180.0), max(cy - half_lat, -60.0), min(cy + half_lat, 85.0))


_TOPOLOGY: dict = {}


def outlines_topology(tolerance: float = 0.05) -> dict:
    """The country outlines, each shared border thinned once (Douglas-Peucker, tolerance in degrees, ends
    kept so that neighbours still meet): half a pixel's worth of degrees looks the same on the map and
    cuts its SVG to a third or less."""
    from .geo import outlines_path

    if tolerance not in _TOPOLOGY:
        topo = json.loads(outlines_path().read_text(encoding="utf-8"))
        sx, sy = topo["transform"]["scale"]
        arcs = []
        for arc in topo["arcs"]:
            x = y = 0
            points = []
            for dx, dy in arc:
                x, y = x + dx, y + dy
                points.append((x * sx, y * sy))
            out, px, py = [], 0, 0
            for X, Y in _simplify(points, tolerance):
                qx, qy = round(X / sx), round(Y / sy)
                out.append([qx - px, qy - py])
                px, py = qx, qy
            arcs.append(out)
        _TOPOLOGY[tolerance] = {**topo, "arcs": arcs}
    return _TOPOLOGY[tolerance]


def _simplify(points: list, tolerance: float) -> list:
    """Douglas-Peucker: the points farther than tolerance from the chord of their stretch, and both ends."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        a, b = stack.pop()
        (x1, y1), (x2, y2) = points[a], points[b]
        dx, dy = x2 - x1, y2 - y1
        norm = (dx * dx + dy * dy) ** 0.5
        far, index = -1.0, None
        for i in range(a + 1, b):
            x, y = points[i]
            d = abs(dy * (x - x1) - dx * (y - y1)) / norm if norm else ((x - x1) ** 2 + (y - y1) ** 2) ** 0.5
            if d > far:
                far, index = d, i
        if index is not None and far > tolerance:
            keep[index] = True
            stack += [(a, index), (index, b)]
    return [p for p, k in zip(points, keep) if k]


def claims_charts(data: Data) -> dict:
    """Claims by claimant and channel; statements by the most active attributors, by stance."""
    import altair as alt

    claims = [{"claimant": data.name(r["claimant_actor_id"]), "channel": str(r["channel"]).replace("_", " ")}
              for r in plain_rows(data.frames["claims"])]
    charts = {}
    if claims:
        charts["claims"] = alt.Chart(alt.Data(values=claims)).mark_bar().encode(
            y=alt.Y("claimant:N", sort="-x", title=None), x=alt.X("count():Q", title="claims"),
            color=alt.Color("channel:N", legend=alt.Legend(orient="bottom", columns=5)),
        ).properties(width=560, height=alt.Step(18))
    atr = plain_rows(data.frames["attributions"])
    if atr:
        counts: dict = {}
        for r in atr:
            counts[r["attributor_actor_id"]] = counts.get(r["attributor_actor_id"], 0) + 1
        top = set(sorted(counts, key=lambda a: (-counts[a], a))[:20])
        rows = [{"attributor": data.name(r["attributor_actor_id"]), "stance": str(r["stance"]).replace("_", " ")}
                for r in atr if r["attributor_actor_id"] in top]
        charts["attributions"] = alt.Chart(alt.Data(values=rows)).mark_bar().encode(
            y=alt.Y("attributor:N", sort="-x", title=None), x=alt.X("count():Q", title="statements"),
            color=alt.Color("stance:N", scale=alt.Scale(domain=[s.replace("_", " ") for s in STANCES]),
                            legend=alt.Legend(orient="bottom", columns=5)),
        ).properties(width=560, height=alt.Step(18))
    return charts


def toll_chart(data: Data, iid: str):
    """How the number killed was reported over time: a point per report, the recorded low-high range as
    a band and the best figure as a dashed line. None unless the reports gave at least two figures
    (a single figure is read off the table)."""
    reports = [r for r in data.of(iid, "casualty_reports") if r["killed"] is not None and r["reported_on"] is not None]
    if len({r["killed"] for r in reports}) < 2:
        return None
    rows = [{"reported_on": r["reported_on"].strftime("%Y-%m-%d"), "killed": int(r["killed"]),
             "reporter": str(r["reporter_type"]), "partial": "partial count" if r["partial"] else "full count"}
            for r in reports]
    ev = data.rows[iid]
    band = []
    if ev["killed_best"] is not None:
        best = int(ev["killed_best"])
        band = [{"low": int(ev["killed_low"] if ev["killed_low"] is not None else best), "best": best,
                 "high": int(ev["killed_high"] if ev["killed_high"] is not None else best)}]
    return Spec(_toll_template(), reports=rows, band=band)


_TEMPLATE: dict = {}


def _toll_template() -> dict:
    """The toll chart once as a Vega-Lite dict with named data (reports, band); each incident fills in
    its data, which is some hundred times faster than building the Altair chart per incident."""
    import altair as alt

    if not _TEMPLATE:
        points = alt.Chart(alt.NamedData(name="reports")).mark_point(filled=True, size=60, opacity=0.8).encode(
            x=alt.X("reported_on:T", title="reported on"), y=alt.Y("killed:Q", title="killed"),
            color=alt.Color("reporter:N", title="reporter", scale=alt.Scale(domain=["official", "independent", "perpetrator"])),
            shape=alt.Shape("partial:N", title=None, scale=alt.Scale(domain=["full count", "partial count"])))
        band = alt.Chart(alt.NamedData(name="band"))
        chart = alt.layer(band.mark_rect(color="#e6e6e6").encode(y="low:Q", y2="high:Q"),
                          band.mark_rule(color="#555", strokeDash=[4, 3]).encode(y="best:Q"),
                          points).properties(width=520, height=200)
        _TEMPLATE.update(chart.to_dict())
    return _TEMPLATE


def render_all(charts: dict, progress) -> dict:
    """Each chart as cleaned inline SVG, several at a time (vl-convert releases the GIL while it renders)."""
    keys = list(charts)
    specs = [charts[k].to_dict() for k in keys]  # an Altair chart or a Spec
    out = {}
    workers = max(1, min(4, os.cpu_count() or 1))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for n, (key, svg) in enumerate(zip(keys, pool.map(to_svg, specs)), 1):
            out[key] = svg
            if n % 50 == 0 or n == len(keys):
                progress(f"charts {n}/{len(keys)}")
    return out


def to_svg(spec: dict) -> str:
    """A Vega-Lite spec as an <svg> element for inline HTML: no namespace urls, links relative to the page.
    Raises RuntimeError if anything in it would point off the machine."""
    import vl_convert as vlc

    svg = vlc.vegalite_to_svg(spec)
    svg = svg.replace(f'xlink:href="{VEGA_BASE}', 'href="')
    svg = re.sub(r'\s+xmlns(:xlink)?="[^"]*"', "", svg, count=2)
    if "://" in svg or "url(" in svg.replace("url(#", ""):
        raise RuntimeError("a chart refers to something outside the report")
    return svg


# ---------------------------------------------------------------- pages

CSS = """\
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1d1d1d; margin: 0; }
header { background: #1f2a36; color: #fff; padding: .6rem 1.2rem; }
header a { color: #fff; margin-right: 1.2rem; text-decoration: none; }
header a:hover { text-decoration: underline; }
header .brand { font-weight: 600; }
main { max-width: 1060px; margin: 0 auto; padding: .5rem 1.2rem 2rem; }
h1 { font-size: 1.55rem; margin: 1rem 0 .3rem; }
h2 { font-size: 1.2rem; margin: 1.8rem 0 .4rem; border-bottom: 1px solid #ddd; padding-bottom: .2rem; }
.muted, figcaption { color: #555; font-size: .9rem; }
.stats { display: flex; flex-wrap: wrap; gap: .6rem; margin: .8rem 0; padding: 0; list-style: none; }
.stats li { background: #f3f5f7; border-radius: 6px; padding: .4rem .8rem; }
.stats b { display: block; font-size: 1.3rem; }
figure { margin: 1rem 0; }
figure svg { max-width: 100%; height: auto; display: block; }
.pair { display: flex; flex-wrap: wrap; gap: 1.5rem; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; margin: .4rem 0 1rem; }
th, td { text-align: left; vertical-align: top; padding: .25rem .5rem; border-bottom: 1px solid #e3e3e3; }
th { background: #f3f5f7; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
.nw { white-space: nowrap; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem; }
dl.facts dt { color: #555; }
dl.facts dd { margin: 0; }
blockquote { margin: .3rem 0 .6rem; padding: .2rem .8rem; border-left: 3px solid #c9d3dd; background: #fafbfc; }
.sources > li { margin-bottom: .9rem; }
.tag { font-size: .8rem; background: #eef1f4; border-radius: 4px; padding: 0 .35rem; color: #333; }
.best { font-weight: 600; }
footer { color: #666; font-size: .8rem; border-top: 1px solid #ddd; padding: .8rem 1.2rem; }
"""


def page(title: str, body: str, data: Data, depth: int = 0) -> str:
    """A complete HTML page: the shared stylesheet, a nav bar and a footer; depth 1 for incidents/."""
    up = "../" * depth
    nav = (f'<a class="brand" href="{up}index.html">ISRD report</a><a href="{up}incidents.html">Incidents</a>'
           f'<a href="{up}claims.html">Claims and attributions</a>')
    version = f"ISRD {e(data.version)}" if data.version else "ISRD"
    return (f'<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n<title>{e(title)}</title>\n'
            f'<link rel="stylesheet" href="{up}style.css">\n</head>\n<body>\n<header><nav>{nav}</nav></header>\n'
            f'<main>\n{body}\n</main>\n<footer>{version}, the Islamic State–Russia Dataset. Data CC BY 4.0. '
            f'Built by <code>isrd report</code>; charts by Vega-Lite, country outlines from Natural Earth '
            f'(world-atlas). Works offline.</footer>\n</body>\n</html>\n')


def figure(key: str, svg: str, title: str, caption: str) -> str:
    return (f'<figure class="chart" id="chart-{key}"><figcaption><strong>{title}</strong> {caption}</figcaption>'
            f'\n{svg}\n</figure>')


def table(headers: list[str], rows: list[list[str]], numeric=frozenset(), nowrap=frozenset()) -> str:
    """An HTML table from cells that are already escaped HTML; numeric columns align right, nowrap
    columns (dates, ids) stay on one line."""
    def cls(i):
        names = ["n"] * (i in numeric) + ["nw"] * (i in nowrap)
        return f' class="{" ".join(names)}"' if names else ""

    th = "".join(f"<th{cls(i)}>{h}</th>" for i, h in enumerate(headers))
    body = "\n".join("<tr>" + "".join(f"<td{cls(i)}>{c}</td>" for i, c in enumerate(r)) + "</tr>" for r in rows)
    return f"<table><thead><tr>{th}</tr></thead><tbody>\n{body}\n</tbody></table>"


def inc_link(iid: str, data: Data, with_name: bool = False) -> str:
    """A link from a top-level page to an incident's page (plain text for an incident without one)."""
    text = e(iid) + (f" {e(data.rows[iid]['name'])}" if with_name and iid in data.rows else "")
    return f'<a href="incidents/{e(iid)}.html">{text}</a>' if iid in data.rows else text


def _date(value) -> str:
    return e(value.strftime("%Y-%m-%d") if hasattr(value, "strftime") else value)


def _range(low, best, high) -> str:
    if best is None and low is None and high is None:
        return "–"
    text = e(best)
    if low is not None and high is not None and (low != best or high != best):
        text += f' <span class="muted">({e(low)}–{e(high)})</span>'
    return text


def overview_page(data: Data, svgs: dict) -> str:
    ev = data.events
    f = data.frames
    n_ev = len(ev)
    types = ev["incident_type"].astype(str).value_counts()
    located = int((ev["latitude"].notna() & ev["longitude"].notna()).sum())
    years = _years(ev)
    stats = [("incidents", n_ev), ("attacks", int(types.get("attack", 0))),
             ("foiled plots", int(types.get("foiled_plot", 0))),
             ("killed (best, summed)", int(ev["killed_best"].fillna(0).sum())),
             ("claims", len(f["claims"])), ("attributions", len(f["attributions"])),
             ("sources", len(f["sources"])), ("quotes", len(f["citations"]))]
    stats_html = "".join(f"<li><b>{e(v)}</b>{e(k)}</li>" for k, v in stats)
    span = f"{years[0]}–{years[-1]}" if years else ""
    body = f"""<h1>The Islamic State–Russia Dataset at a glance</h1>
<p class="muted">Active incidents {e(span)}: attacks, failed attacks and foiled plots by the Islamic State and its
provinces against Russia and Russians, the IS-K record analysts cite, and the context attacks by others.
Every figure comes from <code>isrd.load("events")</code>; each incident has a page with its sources.</p>
<ul class="stats">{stats_html}</ul>
<h2>Incidents over time</h2>
{figure("by_type", svgs["by_type"], "Incidents per year, by type.", "Year of the start date.")}
{figure("by_scope", svgs["by_scope"], "Incidents per year, by scope.",
        "Core: within the inclusion criteria; context: attacks by others that sources compare with.")}
<h2>Killed per year</h2>
{figure("killed", svgs["killed"], "Killed per year, by scope.",
        "Bars: the best figure of each incident, summed; whiskers: from the summed lowest to the summed highest "
        "reported figure, so the range shows how far the sources disagree. Perpetrators are not counted; "
        "incidents without a figure (most foiled plots) are left out.")}
<h2>Where</h2>
{figure("map", svgs["map"], "Incidents with coordinates.",
        ("" if located == n_ev else f"{located} of {n_ev} incidents have coordinates so far (the others are counted "
         "by country below). ") + "A circle's area is the best figure of killed; a click opens the incident.")}
<div class="pair">
{figure("by_country", svgs["by_country"], "Incidents by country.", "")}
{figure("by_target", svgs["by_target"], "Incidents by target type.", "")}
</div>"""
    return page("ISRD report: overview", body, data)


def incidents_page(data: Data) -> str:
    rows = []
    for r in data.rows.values():
        rows.append([inc_link(r["incident_id"], data), _date(r["date_start"]), e(r["name"]), e(r["country"]),
                     label(r["incident_type"]), label(r["scope"]), _range(r["killed_low"], r["killed_best"], r["killed_high"]),
                     e(r["claimed_by"]), "yes" if r["contested"] else ""])
    body = (f"<h1>Incidents</h1><p class=muted>{len(rows)} active incidents, oldest first. Killed: the best figure, "
            "with the lowest and highest reported in brackets.</p>"
            + table(["id", "date", "name", "country", "type", "scope", "killed", "claimed by", "contested"], rows, {6}, {0, 1}))
    return page("ISRD report: incidents", body, data)


def claims_page(data: Data, svgs: dict) -> str:
    f = data.frames
    parts = ["<h1>Claims and attributions</h1>",
             "<p class=muted>What the group said of itself (claims) and what governments, services, courts and "
             "analysts said about who is responsible (attributions), side by side.</p>", "<h2>Who claimed</h2>"]
    if "claims" in svgs:
        parts.append(figure("claims", svgs["claims"], "Claims of responsibility, by claimant and channel.", ""))
    by_claimant: dict = {}
    for r in plain_rows(f["claims"]):
        g = by_claimant.setdefault(r["claimant_actor_id"], {"n": 0, "incidents": [], "channels": set(), "auth": {}})
        g["n"] += 1
        if r["incident_id"] not in g["incidents"]:
            g["incidents"].append(r["incident_id"])
        g["channels"].add(str(r["channel"]))
        g["auth"][str(r["authenticity"])] = g["auth"].get(str(r["authenticity"]), 0) + 1
    rows = [[e(data.name(a)), e(g["n"]), e(len(g["incidents"])), ", ".join(label(c) for c in sorted(g["channels"])),
             ", ".join(f"{label(k)} {v}" for k, v in sorted(g["auth"].items())),
             " ".join(inc_link(i, data) for i in sorted(g["incidents"]))]
            for a, g in sorted(by_claimant.items(), key=lambda kv: -kv[1]["n"])]
    parts.append(table(["claimant", "claims", "incidents", "channels", "authenticity as judged", "incident pages"], rows, {1, 2}))

    parts.append("<h2>Who said who is responsible</h2>")
    if "attributions" in svgs:
        parts.append(figure("attributions", svgs["attributions"], "Statements by the twenty most frequent attributors, by stance.",
                            "Asserts and suspects blame an actor; denies rejects responsibility; counter attributes "
                            "blames someone other than those already named."))
    groups: dict = {}
    for r in plain_rows(f["attributions"]):
        key = (str(r["stance"]), r["attributor_actor_id"], r["attributed_actor_id"])
        groups.setdefault(key, []).append(r["incident_id"])
    order = {s: i for i, s in enumerate(STANCES)}
    rows = [[label(s), e(data.name(by)), e(data.name(to)), e(len(ids)),
             " ".join(inc_link(i, data) for i in sorted(set(ids)))]
            for (s, by, to), ids in sorted(groups.items(), key=lambda kv: (order.get(kv[0][0], 9), -len(kv[1]),
                                                                          str(data.name(kv[0][1]))))]
    parts.append(table(["stance", "who said it", "about", "statements", "incident pages"], rows, {3}))

    parts.append("<h2>Contested incidents</h2><p class=muted>Incidents where someone denied responsibility or blamed "
                 "another actor than those asserted.</p>")
    rows = []
    for r in data.rows.values():
        if not r["contested"]:
            continue
        atr = data.of(r["incident_id"], "attributions")
        deniers = dict.fromkeys(f"{data.name(a['attributor_actor_id'])} (for {data.name(a['attributed_actor_id'])})"
                                for a in atr if a["stance"] == "denies")
        counter = dict.fromkeys(f"{data.name(a['attributor_actor_id'])}: {data.name(a['attributed_actor_id'])}"
                                for a in atr if a["stance"] == "counter_attributes")
        rows.append([inc_link(r["incident_id"], data, with_name=True), _date(r["date_start"]), e(r["claimed_by"]),
                     e(r["attributed_to"]), "<br>".join(map(e, deniers)) or "–", "<br>".join(map(e, counter)) or "–"])
    parts.append(table(["incident", "date", "claimed by", "blamed (asserts, suspects)", "denied by", "counter-attributed"], rows,
                       nowrap={1}))
    return page("ISRD report: claims and attributions", "\n".join(parts), data)


def incident_page(data: Data, iid: str, toll_svg: str | None) -> str:
    """One incident: its figures, the toll as reported over time, claims, attributions, actors, and every
    source cited for it with the quotes, each source linked by its url."""
    r = data.rows[iid]
    inc = data.incident.get(iid, {})
    place = ", ".join(e(x) for x in (r["locality"], r["admin1"], r["country_name"] or r["country"]) if x)
    coords = (f'{r["latitude"]:.4f}, {r["longitude"]:.4f}' if r["latitude"] is not None and r["longitude"] is not None
              else None)
    dates = _date(r["date_start"]) + (f" to {_date(inc['date_end'])}" if inc.get("date_end") not in (None, r["date_start"]) else "")
    facts = [("date", f"{dates} <span class=tag>{label(r['date_precision'])}</span>"),
             ("place", f"{place or '–'} <span class=tag>{label(r['geo_precision'])}</span>"),
             ("coordinates", e(coords)),
             ("type", f"{label(r['incident_type'])}; {label(r['attack_type'])}; {label(r['weapon_type'])}"),
             ("target", f"{label(r['target_type'])} ({e(r['target_nationality'])})"),
             ("scope", label(r["scope"])),
             ("killed", _range(r["killed_low"], r["killed_best"], r["killed_high"])),
             ("injured", _range(r["injured_low"], r["injured_best"], r["injured_high"])),
             ("perpetrators killed", e(r["perpetrators_killed"])),
             ("perpetrator", e(r["perpetrator"])), ("suspected", e(r["suspected_perpetrator"])),
             ("claimed by", e(r["claimed_by"])), ("attributed to", e(r["attributed_to"])),
             ("counter-attributed to", e(r["counter_attributed_to"])),
             ("contested", "yes" if r["contested"] else "no")]
    if r["security_service_only"] is not None:
        facts.append(("security service only", "yes" if r["security_service_only"] else "no"))
    facts.append(("sourcing", f"{e(r['sources'])} sources, {e(r['independent_outlets'])} independent outlets"))
    parts = [f"<p class=muted>{e(iid)} · {label(r['status'])}</p><h1>{e(r['name'])}</h1>",
             f"<p>{e(inc.get('summary'))}</p>" if inc.get("summary") else "",
             "<dl class=facts>" + "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in facts) + "</dl>",
             f"<p class=muted>Notes: {e(inc['notes'])}</p>" if inc.get("notes") else ""]

    reports = sorted(data.of(iid, "casualty_reports"), key=lambda c: (str(c["reported_on"]), c["report_id"]))
    parts.append("<h2>The toll as reported</h2>")
    if toll_svg:
        parts.append(figure("toll", toll_svg, "Killed, as each report gave it.",
                            "Band: the recorded lowest to highest figure; dashed line: the best figure."))
    if reports:
        best = {r.get("killed_best_report"), r.get("injured_best_report")} - {None}
        rows = [[_date(c["reported_on"]), e(c["killed"]), e(c["injured"]), e(c["reporter"]), label(c["reporter_type"]),
                 "yes" if c["partial"] else "", _source_ref(data, c["source_id"]),
                 f'{e(c["report_id"])}{" <span class=tag>best</span>" if c["report_id"] in best else ""}']
                for c in reports]
        parts.append(table(["reported on", "killed", "injured", "reporter", "type", "partial", "source", "report"], rows,
                           {1, 2}, {0, 7}))
    else:
        parts.append("<p class=muted>No casualty reports.</p>")

    claims = data.of(iid, "claims")
    parts.append("<h2>Claims of responsibility</h2>")
    parts.append(table(["date", "claimant", "channel", "claimed killed", "authenticity", "judged by", "summary"],
                       [[_date(c["claim_date"]), e(data.name(c["claimant_actor_id"])), label(c["channel"]),
                         e(c["claimed_killed"]), label(c["authenticity"]), e(data.name(c["authenticity_assessor_actor_id"])),
                         e(c["summary"])] for c in sorted(claims, key=lambda c: (str(c["claim_date"]), c["claim_id"]))], {3}, {0})
                 if claims else "<p class=muted>No claim recorded.</p>")
    atr = data.of(iid, "attributions")
    parts.append("<h2>Attributions</h2>")
    parts.append(table(["date", "who said it", "stance", "about", "summary"],
                       [[_date(a["statement_date"]), e(data.name(a["attributor_actor_id"])), label(a["stance"]),
                         e(data.name(a["attributed_actor_id"])), e(a["summary"])]
                        for a in sorted(atr, key=lambda a: (str(a["statement_date"]), a["attribution_id"]))], nowrap={0})
                 if atr else "<p class=muted>No attribution recorded.</p>")
    actors = data.of(iid, "incident_actors")
    if actors:
        parts.append("<h2>Actors</h2>")
        parts.append(table(["actor", "role"], [[e(data.name(a["actor_id"])), label(a["role"])] for a in actors]))

    parts.append("<h2>Sources</h2>")
    parts.append(_sources_html(data, iid))
    return page(f"{iid} {r['name']}", "\n".join(p for p in parts if p), data, depth=1)


def _source_ref(data: Data, source_id) -> str:
    s = data.sources.get(source_id)
    if s is None:
        return e(source_id)
    return link(s["url"], s["publisher"] or s["title"] or source_id)


def _sources_html(data: Data, iid: str) -> str:
    """Each source cited for the incident or its reports, claims and attributions, linked by its url,
    with every quote taken from it and the field the quote backs."""
    by_source: dict[str, list[dict]] = {}
    for c in sorted(data.citations.get(iid, []), key=lambda c: c["citation_id"]):
        by_source.setdefault(c["source_id"], []).append(c)
    for c in data.of(iid, "casualty_reports"):  # a report names its source even where no quote backs it
        by_source.setdefault(c["source_id"], [])
    if not by_source:
        return "<p class=muted>No sources cited.</p>"
    items = []
    for sid, cites in by_source.items():
        s = data.sources.get(sid, {"source_id": sid, "title": sid, "url": None})
        meta = ", ".join(e(x) for x in (s.get("publisher"), s.get("author"), s.get("published")) if x)
        kind = f' <span class=tag>{label(s.get("source_type"))}</span>' if s.get("source_type") else ""
        backs: dict[tuple, list] = {}  # one quote often backs several fields of a record: show it once
        for c in cites:
            backs.setdefault((c["quote"], c["record_table"], c["record_id"], c["locator"]), []).append(c["field"])
        quotes = "".join(
            f'<blockquote>{e(quote)}<br><span class=muted>{e(table_)} {e(rid)}'
            f'{" · " + ", ".join(e(f) for f in dict.fromkeys(fields) if f) if any(fields) else ""}'
            f'{" · " + e(locator) if locator else ""}</span></blockquote>'
            for (quote, table_, rid, locator), fields in backs.items())
        items.append(f'<li id="{e(sid)}"><strong>{link(s.get("url"), s.get("title") or sid)}</strong>{kind}'
                     f'<br><span class=muted>{meta}</span>{quotes}</li>')
    return f'<ol class="sources">{"".join(items)}</ol>'
