"""The coverage figures that isrd summary prints."""
from __future__ import annotations

import isrd
from isrd.coverage import coverage, independent_outlets, outlet
from isrd.summary import summary

from conftest import read, write


def src(publisher="", url="", sid="SRC-0001"):
    return {"publisher": publisher, "url": url, "source_id": sid}


def test_outlet_merges_pages_of_one_publisher():
    assert outlet(src("BBC News")) == outlet(src("BBC News (via pl.net)")) == "bbc news"
    assert outlet(src("The Guardian")) == outlet(src("Guardian"))
    assert outlet(src("", "https://www.rferl.org/a/1.html")) == outlet(src("", "https://rferl.org/a/2.html"))
    assert outlet(src("Reuters")) != outlet(src("AP"))


def test_group_media_is_not_an_independent_source(pkg):
    frames = isrd.load_all(pkg, include_retracted=True)
    before = independent_outlets(frames)["INC-0001"]
    rows = read(pkg, "sources")
    t = rows[0].index("source_type")
    for r in rows[1:]:
        r[t] = "group_media"
    write(pkg, "sources", rows)
    assert independent_outlets(isrd.load_all(pkg, include_retracted=True)).get("INC-0001", set()) == set()
    assert len(before) >= 2


def test_coverage_counts_agree_with_the_tables(root):
    frames = isrd.load_all(root, include_retracted=True)
    c = coverage(frames)
    active = frames["incidents"].query("status == 'active'")
    assert c["incidents"] == len(active)
    assert c["two_independent_sources"] + len(c["single_source"]) == c["incidents"]
    assert c["with_toll"] == active["killed_best"].notna().sum()
    assert 0 <= c["toll_with_range"] <= c["with_toll"]
    assert c["plots"] == (active["incident_type"] == "foiled_plot").sum()
    assert 0 < c["date_cited"] <= c["incidents"]


def test_summary_reports_coverage(root):
    text = summary(root)
    c = coverage(isrd.load_all(root, include_retracted=True))
    assert f"{c['two_independent_sources']} of {c['incidents']}" in text
    assert f"{c['toll_with_range']} of {c['with_toll']}" in text


def _known_omissions(root):
    text = (root / "docs" / "coverage.md").read_text(encoding="utf-8")
    section = text.split("## Known omissions", 1)[1].split("\n## ", 1)[0]
    rows = [line.strip().strip("|").split("|") for line in section.splitlines() if line.startswith("| ")]
    header = [c.strip() for c in rows[0]]
    return [dict(zip(header, (c.strip() for c in r))) for r in rows[1:] if not set(r[0].strip()) <= {"-"}]


def test_known_omissions_are_not_in_the_data(root):
    """Each omission listed in docs/coverage.md is absent from the active incidents (country, year, key word)."""
    import isrd

    omissions = _known_omissions(root)
    assert len(omissions) >= 5
    incidents = isrd.load("incidents", root)
    text = (incidents["name"] + " " + incidents["summary"] + " " + incidents["locality"].fillna("")).str.lower()
    for o in omissions:
        hit = (incidents["country"] == o["country"]) & text.str.contains(o["key word"].lower(), regex=False)
        if o["year"]:
            hit &= incidents["date_start"].dt.year == int(o["year"])
        assert not hit.any(), (o["omission"], list(incidents.loc[hit, "incident_id"]))


def test_the_omissions_check_would_see_an_incident_that_is_in_the_data(root):
    import isrd

    incidents = isrd.load("incidents", root)
    text = (incidents["name"] + " " + incidents["summary"]).str.lower()
    assert ((incidents["country"] == "RUS") & text.str.contains("lubyanka") & (incidents["date_start"].dt.year == 2022)).any()


def test_the_search_log_covers_every_year_of_each_swept_area(root):
    """docs/search-log-0.3.0.csv has at least one search for each year of each area swept for 0.3.0."""
    import csv

    with (root / "docs" / "search-log-0.3.0.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert rows and all(r["query"].strip() and r["language"] for r in rows)
    years = {}
    for r in rows:
        years.setdefault(r["area"], set()).add(int(r["year"]))
    wanted = {"IS-K in Afghanistan": range(2015, 2026), "IS-claimed attacks in the North Caucasus": range(2014, 2026),
              "Plots in Russia tied to IS by a Russian authority": range(2015, 2026),
              "IS-K attacks and plots in Europe, Turkey and Central Asia": range(2022, 2026)}
    for area, span in wanted.items():
        assert set(span) <= years.get(area, set()), (area, sorted(set(span) - years.get(area, set())))
