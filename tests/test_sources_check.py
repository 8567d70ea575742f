"""isrd sources check against a local HTTP server serving fixture pages: no outside network."""
from __future__ import annotations

import http.server
import threading

import pytest

from conftest import read, write

pytest.importorskip("trafilatura")
pytest.importorskip("hishel")

PAGES = {
    "/kept": "<html><head><title>Kept</title></head><body><article><h1>Blast</h1><p>{quote}</p>"
             "<p>Other words of the article, long enough for the extractor to take it as the article body of "
             "this page and keep it.</p></article></body></html>",
    "/edited": "<html><body><article><h1>Blast</h1><p>The toll was revised and the sentence rewritten.</p>"
               "</article></body></html>",
}


class _Handler(http.server.BaseHTTPRequestHandler):
    quote = ""
    hits: list[str] = []

    def do_GET(self):  # noqa: N802 - the standard library's name
        type(self).hits.append(self.path)
        body = PAGES.get(self.path)
        if body is None:
            self.send_response(404)
            self.end_headers()
            return
        data = body.format(quote=self.quote.replace("'", "\u2019")).encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = http.server.ThreadingHTTPServer(("localhost", 0), _Handler)
    _Handler.hits = []
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://localhost:{httpd.server_address[1]}"
    httpd.shutdown()


def _point(pkg, base):
    """SRC-0001..0003 at the local server: a page with its quotes, an edited page, a missing page."""
    rows = read(pkg, "sources")
    h = rows[0]
    for r in rows[1:]:
        if r[0] in ("SRC-0001", "SRC-0002", "SRC-0003"):
            r[h.index("url")] = base + {"SRC-0001": "/kept", "SRC-0002": "/edited", "SRC-0003": "/gone"}[r[0]]
    write(pkg, "sources", rows)
    cites = read(pkg, "citations")
    h = cites[0]
    return [(r[0], r[h.index("quote")]) for r in cites[1:]
            if r[h.index("source_id")] in ("SRC-0001", "SRC-0002") and r[h.index("status")] == "active"]


def test_reports_dead_links_and_quotes_gone_and_keeps_quotes_found(pkg, server, tmp_path):
    from isrd.sources_check import check_sources, render

    quotes = _point(pkg, server)
    kept = [q for cid, q in quotes if cid in {c for c, _ in quotes}]
    _Handler.quote = " ".join(q for q in kept)  # every quote of SRC-0001 (and SRC-0002's, which is not served there)
    got = {r.source_id: r for r in check_sources(pkg, only=["SRC-0001", "SRC-0002", "SRC-0003"],
                                                 cache=tmp_path / "cache", interval=0.0)}
    assert got["SRC-0003"].dead and got["SRC-0003"].status == 404
    assert not got["SRC-0001"].dead and got["SRC-0001"].missing == [] and got["SRC-0001"].checked >= 1
    edited = got["SRC-0002"]
    assert not edited.dead and edited.checked >= 1 and len(edited.missing) == edited.checked
    text = render(list(got.values()))
    assert "SRC-0003" in text and "dead link (HTTP 404)" in text
    assert all(f"{cid} (SRC-0002" in text for cid in edited.missing)


def test_a_second_run_reads_the_disk_cache_not_the_server(pkg, server, tmp_path):
    from isrd.sources_check import check_sources

    _point(pkg, server)
    check_sources(pkg, only=["SRC-0001"], cache=tmp_path / "cache", interval=0.0)
    assert _Handler.hits == ["/kept"]
    again = check_sources(pkg, only=["SRC-0001"], cache=tmp_path / "cache", interval=0.0)
    assert _Handler.hits == ["/kept"] and again[0].from_cache


def test_one_host_is_asked_no_faster_than_the_interval(pkg, server, tmp_path):
    import time

    from isrd.sources_check import check_sources

    _point(pkg, server)
    start = time.monotonic()
    check_sources(pkg, only=["SRC-0001", "SRC-0002", "SRC-0003"], workers=3, interval=0.4)
    assert time.monotonic() - start >= 0.8  # three requests to one host, 0.4 s apart


def test_quotes_match_across_typography():
    from isrd.sources_check import normalise, quote_on_page

    page = [normalise("<p>The ministry said: \u201cfour people\u00a0were killed\u201d \u2013 police\u2019s count</p>")]
    assert quote_on_page('the ministry said: "four people were killed" - police\'s count', page)
    assert not quote_on_page("five people were killed", page)


def test_the_command_exits_1_and_names_what_is_wrong(pkg, server, tmp_path, capsys):
    from isrd.cli import main

    _point(pkg, server)
    code = main(["sources", "check", str(pkg), "--only", "SRC-0003", "--cache", str(tmp_path / "c"), "--interval", "0"])
    out = capsys.readouterr().out
    assert code == 1 and "SRC-0003" in out and "dead link (HTTP 404)" in out and "1 sources fetched: 1 dead" in out
