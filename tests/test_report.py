"""isrd report: the pages exist, every incident page links its sources, every text from the data is
escaped, nothing is fetched from outside the report; and, in headless Chromium with the network blocked,
every chart and the map are drawn with no console error and no request leaving file://.

One report is built (through the command line) from a copy of the data with hostile text planted in a
quote, an incident name, a source title and an actor's name, and every test reads it.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import ROOT, read, write

pytest.importorskip("altair", reason="the report needs the report extras: pip install 'isrd[report]'")
pytest.importorskip("vl_convert", reason="the report needs the report extras: pip install 'isrd[report]'")

QUOTE = 'They said </blockquote><script>alert("quote")</script> & left'
NAME = 'Crocus <script>alert("name")</script> & <b>co</b>'
TITLE = '<img src=x onerror=alert("title")>'
ACTOR = 'Government of the United States <svg onload=alert("actor")>'


def run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "isrd.cli", *args], capture_output=True, text=True, cwd=cwd,
                          env={**os.environ, "PYTHONWARNINGS": "ignore"})


def set_value(pkg: Path, table: str, key: str, column: str, value: str) -> None:
    rows = read(pkg, table)
    ki, ci = 0, rows[0].index(column)
    row = next(r for r in rows[1:] if r[ki] == key)
    row[ci] = value
    write(pkg, table, rows)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Path:
    """A copy of the package with markup in a quote, an incident name, a source title and an actor's name."""
    pkg = tmp_path_factory.mktemp("hostile") / "pkg"
    pkg.mkdir()
    shutil.copy(ROOT / "datapackage.json", pkg)
    for folder in ("schemas", "data"):
        shutil.copytree(ROOT / folder, pkg / folder)
    rows = read(pkg, "citations")
    h = rows[0]
    shown = next(r for r in rows[1:] if r[h.index("record_id")] == "INC-0001" and r[h.index("status")] == "active")
    set_value(pkg, "citations", shown[0], "quote", QUOTE)  # an active citation: the page shows it
    set_value(pkg, "incidents", "INC-0001", "name", NAME)
    set_value(pkg, "sources", shown[h.index("source_id")], "title", TITLE)  # its source: the page shows its title
    set_value(pkg, "actors", "ACT-0012", "name", ACTOR)
    return pkg


@pytest.fixture(scope="module")
def built(hostile, tmp_path_factory):
    """The report of the hostile package, written by `isrd report DEST --path PKG`: (folder, run, seconds)."""
    dest = tmp_path_factory.mktemp("report") / "out"
    start = time.monotonic()
    r = run("report", str(dest), "--path", str(hostile))
    assert r.returncode == 0, r.stdout + r.stderr
    return dest, r, time.monotonic() - start


@pytest.fixture(scope="module")
def expected(hostile):
    """incident_id -> the http(s) urls of the sources cited for it, worked out here from the tables."""
    import isrd

    frames = isrd.load_all(hostile)
    owner = {("incidents", i): i for i in frames["incidents"]["incident_id"]}
    for table, key in (("casualty_reports", "report_id"), ("claims", "claim_id"), ("attributions", "attribution_id")):
        owner.update({(table, k): i for k, i in zip(frames[table][key], frames[table]["incident_id"])})
    url = {s: u for s, u in zip(frames["sources"]["source_id"], frames["sources"]["url"]) if isinstance(u, str)}
    out: dict[str, set[str]] = {i: set() for i in isrd.load("events", hostile)["incident_id"]}
    cited = [(owner.get((t, r)), s) for t, r, s in zip(frames["citations"]["record_table"],
                                                       frames["citations"]["record_id"], frames["citations"]["source_id"])]
    cited += list(zip(frames["casualty_reports"]["incident_id"], frames["casualty_reports"]["source_id"]))
    for iid, source in cited:
        if iid in out and source in url and url[source].startswith(("http://", "https://")):
            out[iid].add(url[source])
    return out


class Page(HTMLParser):
    """Every start tag with its attributes, and the text, of one HTML page."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)

    def hrefs(self) -> set[str]:
        return {a["href"] for t, a in self.tags if t == "a" and a.get("href")}


def pages(dest: Path) -> list[Path]:
    return sorted(dest.glob("*.html")) + sorted((dest / "incidents").glob("*.html"))


def test_pages_exist_and_progress_is_shown(built, expected):
    dest, r, seconds = built
    for name in ("index.html", "incidents.html", "claims.html", "style.css"):
        assert (dest / name).is_file(), name
    assert {p.stem for p in (dest / "incidents").glob("*.html")} == set(expected)
    assert "isrd report: loading the tables" in r.stderr and f"incident pages {len(expected)}/{len(expected)}" in r.stderr
    assert "index.html" in r.stdout
    index = (dest / "index.html").read_text(encoding="utf-8")
    for chart in ("by_type", "by_scope", "killed", "map", "by_country", "by_target"):
        assert f'id="chart-{chart}"' in index
    assert len(index) < 1_000_000, "the overview should stay small"
    print(f"report built in {seconds:.1f} s")


def test_every_incident_page_links_its_sources(built, expected):
    dest = built[0]
    for iid, urls in expected.items():
        page = Page((dest / "incidents" / f"{iid}.html").read_text(encoding="utf-8"))
        missing = urls - page.hrefs()
        assert not missing, f"{iid} does not link {sorted(missing)[:3]}"
    assert expected["INC-0001"], "the Crocus attack cites sources with urls"


def test_every_text_from_the_data_is_escaped(built):
    dest = built[0]
    for path in pages(dest):
        page = Page(path.read_text(encoding="utf-8"))
        assert not [t for t, _ in page.tags if t in ("script", "img", "iframe", "object", "embed")], path
        assert not [k for _, a in page.tags for k in a if k.lower().startswith("on")], path
        assert not [a["href"] for _, a in page.tags if a.get("href", "").strip().lower().startswith(("javascript:", "data:"))], path
    crocus = (dest / "incidents" / "INC-0001.html").read_text(encoding="utf-8")
    text = "".join(Page(crocus).text)
    for hostile in (QUOTE, NAME, TITLE, ACTOR):
        assert hostile in text, hostile  # shown as the words they are
    assert "&lt;script&gt;alert(&quot;quote&quot;)&lt;/script&gt;" in crocus
    claims = "".join(Page((dest / "claims.html").read_text(encoding="utf-8")).text)
    assert ACTOR in claims  # also inside the chart's SVG labels


def test_nothing_is_fetched_from_outside(built):
    """Only a source link (<a href>) may point off the machine: no script, stylesheet, image, font or
    SVG reference does."""
    dest = built[0]
    css = (dest / "style.css").read_text(encoding="utf-8")
    assert "url(" not in css and "@import" not in css
    for path in pages(dest):
        page = Page(path.read_text(encoding="utf-8"))
        for tag, attrs in page.tags:
            for key, value in attrs.items():
                value = (value or "").strip()
                low = value.lower()
                remote = "://" in low or low.startswith("//") or "url(" in low
                if remote:
                    assert tag == "a" and key == "href" and low.startswith(("http://", "https://")), \
                        f"{path.name}: <{tag} {key}={value[:60]}>"
                elif key in ("href", "src"):  # a page or the stylesheet of the report itself
                    assert (path.parent / value.split("#")[0]).is_file(), f"{path.name}: <{tag} {key}={value}>"
        assert "<script" not in path.read_text(encoding="utf-8").lower()


def test_only_web_urls_become_links():
    """The loader already refuses a url without http(s); the report does not rely on it."""
    from isrd.report import link

    assert link('javascript:alert("x")', "t") == "t"
    assert link("data:text/html,<script>", "<t>") == "&lt;t&gt;"
    assert link('https://example.org/a?b=1&c="2"', "t") == '<a href="https://example.org/a?b=1&amp;c=&quot;2&quot;" rel="noopener noreferrer">t</a>'


def test_refuses_a_folder_that_is_not_empty(tmp_path):
    (tmp_path / "keep.txt").write_text("mine")
    r = run("report", str(tmp_path))
    assert r.returncode == 2 and "not empty" in r.stderr and "--force" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.stderr
    assert (tmp_path / "keep.txt").read_text() == "mine"


def test_refuses_a_file_and_an_unwritable_place(tmp_path):
    (tmp_path / "file").write_text("x")
    for dest in (tmp_path / "file", tmp_path / "file" / "sub"):
        r = run("report", str(dest))
        assert r.returncode == 2, r.stderr
        assert r.stderr.startswith("isrd report: ") and len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.stderr


def test_force_passes_the_check(tmp_path):
    from isrd.report import ReportError, _check_dest

    (tmp_path / "old.html").write_text("x")
    with pytest.raises(ReportError):
        _check_dest(tmp_path, force=False)
    _check_dest(tmp_path, force=True)


def test_data_that_cannot_be_read_exits_1(tmp_path):
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    shutil.copy(ROOT / "datapackage.json", pkg)
    for folder in ("schemas", "data"):
        shutil.copytree(ROOT / folder, pkg / folder)
    set_value(pkg, "incidents", "INC-0001", "killed_best", "many")
    r = run("report", str(tmp_path / "out"), "--path", str(pkg))
    assert r.returncode == 1 and "isrd validate" in r.stderr and "Traceback" not in r.stderr


def test_map_works_with_no_coordinates_at_all():
    import isrd
    from isrd.report import map_chart, to_svg

    events = isrd.load("events")
    events["latitude"] = events["latitude"].astype("Float64") * float("nan")
    svg = to_svg(map_chart(events).to_dict())
    assert svg.startswith("<svg") and "mark-shape" in svg and "mark-symbol" not in svg


# ---------------------------------------------------------------- in a real browser

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync",
         # belt and braces: anything that slipped past the route below would go to a closed port
         "--proxy-server=http://127.0.0.1:9", "--proxy-bypass-list=<-loopback>"]


def not_blank(png: bytes) -> bool:
    """A screenshot with marks on it: several colours, and no single colour covering nearly all of it."""
    import io

    from PIL import Image

    img = Image.open(io.BytesIO(png)).convert("RGB")
    colours = img.getcolors(maxcolors=1 << 20) or []
    top = max(n for n, _ in colours) if colours else 0
    return len(colours) >= 4 and top < 0.97 * img.width * img.height


@pytest.mark.browser
def test_report_in_headless_chromium(built, expected, hostile, tmp_path):
    """Open the report from file:// in Chromium with the network blocked: every request stays on file://,
    the console is clean, no script runs, each chart and the map are drawn, incident pages link their sources."""
    if not os.path.exists(CHROMIUM):
        pytest.skip("chromium is not installed (scripts/test.sh installs it with apt-get when run as root)")
    pytest.importorskip("playwright", reason="the browser test needs playwright: pip install -e '.[test]'")
    pytest.importorskip("PIL", reason="the browser test needs pillow: pip install -e '.[test]'")
    from playwright.sync_api import sync_playwright

    import isrd

    dest = built[0]
    events = isrd.load("events", hostile)
    located = int((events["latitude"].notna() & events["longitude"].notna()).sum())
    requests, blocked, problems, dialogs = [], [], [], []
    start = time.monotonic()
    with sync_playwright() as p:
        ctx = p.chromium.launch_persistent_context(str(tmp_path / "profile"), executable_path=CHROMIUM, headless=True,
                                                   args=FLAGS, viewport={"width": 1200, "height": 900})
        try:
            ctx.route("**/*", lambda route: (blocked.append(route.request.url), route.abort())
                      if not route.request.url.startswith("file://") else route.continue_())
            page = ctx.new_page()
            page.on("request", lambda r: requests.append(r.url))
            page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type in ("error", "warning") else None)
            page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))

            def visit(rel: str):
                page.goto((dest / rel).as_uri(), wait_until="load")
                figures = page.locator("figure.chart")
                for i in range(figures.count()):
                    svg = figures.nth(i).locator("svg").first
                    box = svg.bounding_box()
                    name = figures.nth(i).get_attribute("id")
                    assert box and box["width"] > 100 and box["height"] > 60, f"{rel} {name}: no drawing area"
                    assert not_blank(svg.screenshot()), f"{rel} {name}: the chart is blank"
                return figures.count()

            assert visit("index.html") == 6
            assert page.locator("#chart-map svg .mark-shape path").count() > 50, "the map has no country outlines"
            assert page.locator("#chart-map svg .mark-symbol.role-mark path").count() == located, "a circle per located incident"
            assert visit("claims.html") == 2
            visit("incidents.html")
            with_chart = [i for i in expected if "chart-toll" in (dest / "incidents" / f"{i}.html").read_text(encoding="utf-8")]
            sample = ["INC-0001"] + with_chart[:8] + [i for i in expected if i not in with_chart][:4]
            for iid in dict.fromkeys(sample):
                visit(f"incidents/{iid}.html")
                links = set(page.eval_on_selector_all("a[href]", "els => els.map(a => a.getAttribute('href'))"))
                assert expected[iid] <= links, f"{iid} does not link all its sources in the browser"
            page.goto((dest / "incidents" / "INC-0001.html").as_uri())
            assert "<script>" in page.inner_text("main")  # the planted markup shows as text
        finally:
            ctx.close()
    assert not blocked, f"requests left file://: {blocked[:5]}"
    assert all(u.startswith("file://") for u in requests), [u for u in requests if not u.startswith("file://")][:5]
    assert not problems, problems[:5]
    assert not dialogs, f"a script from the data ran: {dialogs}"
    print(f"browser check took {time.monotonic() - start:.1f} s; map circles: {located}")
