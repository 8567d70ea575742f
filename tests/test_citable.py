"""Every active source is citable: the page's own headline and the article's own address (isrd.citable)."""
from __future__ import annotations

import csv
import re

import pytest
from conftest import cell, row_of, set_cell

from isrd.citable import WAIVERS
from isrd.validate import validate


def waivers(pkg) -> list[list[str]]:
    with (pkg / WAIVERS).open(encoding="utf-8", newline="") as f:
        return list(csv.reader(f))


def write_waivers(pkg, rows) -> None:
    with (pkg / WAIVERS).open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)


def unwaived_source(pkg) -> int:
    """The row of an active source with a real headline and a clean address, and no waiver."""
    waived = {r[0] for r in waivers(pkg)[1:]}
    row = 1
    while cell(pkg, "sources", row, "status") != "active" or cell(pkg, "sources", row, "source_id") in waived:
        row += 1
    return row


def test_the_real_data_has_no_unwaived_fault_and_no_stale_waiver(root):
    kinds = {"placeholder-title", "not-the-article", "stale-waiver", "waivers"}
    assert [p for p in validate(root) if p.kind in kinds] == []


@pytest.mark.parametrize("url, why", [
    ("http://95.216.1.2/news/1.html", "a raw IP address"),
    ("https://d1m6j3wlsx5ie0.cloudfront.net/a/story/1.html", "a CDN, cache or translation proxy"),
    ("https://voa.pangea-cms.com/preview/fa-IR/a/story/1.html", "a CMS preview"),
    ("https://stage.rima.media/document/1", "a staging or development host"),
    ("https://example.com/news/story.html?utm_source=x", "a tracking parameter"),
    ("https://www.dw.com/en/story/a-51129060?maca=en-rss-en-all-1573-rdf", "a tracking parameter"),
    ("http://www.dailymail.co.uk/news/article-1/story.html?ITO=1490&ns_mchannel=rss", "a tracking parameter"),
    ("https://example.com/tag/isis/", "a tag, topic or search listing"),
    ("https://acquiaprod.middleeasteye.net/node/51677", "a hosting or development host (not the outlet's public address)"),
    ("http://hostmaster.example.net/2016/03/story/", "a hosting or development host (not the outlet's public address)"),
    ("https://news.example.com/?p=74721", "a redirect or short link"),
    ("https://en.m.wikipedia.org/wiki/Metrojet_Flight_9268", "an encyclopedia article (cite the report it summarises)"),
    ("https://ps.wikipedia.org/wiki/%D8%A7", "an encyclopedia article (cite the report it summarises)"),
    ("https://liquisearch.com/moscow_theater_hostage_crisis/responsibility", "a mirror of Wikipedia"),
    ("https://techsciencenews.com/wikisearch/view_html.php?lang=en&q=Kabul", "a mirror of Wikipedia"),
])
def test_an_address_that_is_not_the_articles_own_is_refused(pkg, url, why):
    row = unwaived_source(pkg)
    line = set_cell(pkg, "sources", row, "url", url)
    found = [p for p in validate(pkg) if p.kind == "not-the-article"]
    assert [(p.table, p.line, p.column, p.value) for p in found] == [("sources", line, "url", url)]
    assert found[0].message == f"the address is not the article's own: {why}"


@pytest.mark.parametrize("publisher, refused", [
    ("wikimili.com (mirror of English Wikipedia)", True),
    ("flnka.ru (repost of Caucasian Knot)", True),
    ("OnlineNigeria (AFP copy)", True),
    ("research.example (reposting Institute for the Study of War)", True),
    ("Daily Mirror (Sri Lanka)", False),  # an outlet's name, not a copy
    ("Reuters (via Yahoo News)", False),  # a syndicating partner
])
def test_a_source_its_publisher_names_a_copy_is_refused(pkg, publisher, refused):
    from isrd.rules import COPY_REASON

    row = unwaived_source(pkg)
    line = set_cell(pkg, "sources", row, "publisher", publisher)
    found = [(p.line, p.column, p.message) for p in validate(pkg) if p.kind == "not-the-article"]
    assert found == ([(line, "url", f"the address is not the article's own: {COPY_REASON}")] if refused else [])


def test_one_page_is_one_source(pkg):
    first = unwaived_source(pkg)
    while cell(pkg, "sources", first, "status") != "active" or not cell(pkg, "sources", first, "url"):
        first += 1
    later = first + 1
    while cell(pkg, "sources", later, "status") != "active":
        later += 1
    page = re.sub(r"^https?://(?:www\.)?", "", cell(pkg, "sources", first, "url")).rstrip("/")
    line = set_cell(pkg, "sources", later, "url", f"http://www.{page}/#top")  # the same page, written otherwise
    found = [p for p in validate(pkg) if p.kind == "duplicate-source"]
    assert [(p.table, p.line, p.column) for p in found] == [("sources", line, "url")]
    assert found[0].message == f"the address is already recorded as {cell(pkg, 'sources', first, 'source_id')}"


def test_a_placeholder_title_is_refused_unless_waived(pkg):
    row = unwaived_source(pkg)
    line = set_cell(pkg, "sources", row, "title", "[untitled page at example.com]")
    found = [p for p in validate(pkg) if p.kind == "placeholder-title"]
    assert [(p.line, p.column) for p in found] == [(line, "title")]
    source_id = cell(pkg, "sources", row, "source_id")
    write_waivers(pkg, waivers(pkg) + [[source_id, "placeholder-title", "no headline shown anywhere"]])
    assert [p for p in validate(pkg) if p.kind in ("placeholder-title", "stale-waiver")] == []


def test_a_waiver_that_is_no_longer_needed_is_reported(pkg):
    rows = waivers(pkg)
    source_id, rule = rows[1][0], rows[1][1]
    row = row_of(pkg, "sources", "source_id", source_id)
    set_cell(pkg, "sources", row, "status", "retracted")
    set_cell(pkg, "sources", row, "status_reason", "replaced")
    stale = [p for p in validate(pkg) if p.kind == "stale-waiver"]
    assert [(p.table, p.line, p.value) for p in stale if p.value == source_id] == [(WAIVERS, 2, source_id)]
    assert rule in stale[0].message


def test_a_waiver_must_name_a_rule_and_a_reason(pkg):
    rows = waivers(pkg)
    write_waivers(pkg, rows + [["SRC-0001", "anything", "why"], ["SRC-0001", "placeholder-title", " "]])
    found = [(p.line, p.column) for p in validate(pkg) if p.kind == "waivers"]
    assert found == [(len(rows) + 1, "rule"), (len(rows) + 2, "reason")]


def test_a_waiver_list_outside_the_package_is_not_read(pkg, tmp_path):
    outside = tmp_path / "elsewhere.csv"
    outside.write_text("source_id,rule,reason\nSRC-0001,placeholder-title,outside\n", encoding="utf-8")
    (pkg / WAIVERS).unlink()
    (pkg / WAIVERS).symlink_to(outside)
    found = [p for p in validate(pkg) if p.table == WAIVERS]
    assert len(found) == 1 and "outside the package folder" in found[0].message


def test_an_id_registry_outside_the_package_is_not_read(pkg, tmp_path):
    from isrd.registry import REGISTRY

    outside = tmp_path / "ids.csv"
    outside.write_text((pkg / REGISTRY).read_text(encoding="utf-8"), encoding="utf-8")
    (pkg / REGISTRY).unlink()
    (pkg / REGISTRY).symlink_to(outside)
    found = [p for p in validate(pkg) if p.table == REGISTRY.as_posix()]
    assert len(found) == 1 and "outside the package folder" in found[0].message


def test_a_waiver_list_that_is_not_csv_is_a_plain_problem(pkg):
    (pkg / WAIVERS).write_bytes(b"source_id,rule,reason\nSRC-0001,placeholder-title," + b"x" * 200_000 + b"\n")
    limit = csv.field_size_limit(131_072)  # Python's default; importing Frictionless lifts it for the process
    try:
        found = [p for p in validate(pkg) if p.table == WAIVERS]
    finally:
        csv.field_size_limit(limit)
    assert len(found) == 1 and found[0].kind == "waivers" and "cannot be read as CSV" in found[0].message
