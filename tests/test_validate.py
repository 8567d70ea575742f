"""One test per validation rule: break the real package in one place and check the report
names the table, the CSV line and the column."""
from __future__ import annotations

from pathlib import Path

import pytest

from isrd.validate import report, validate

from conftest import append_row, cell, read, row_of, set_cell, write


def only(problems, table, line, column):
    """The problems reported at one place; fail with the whole report when there are none."""
    found = [p for p in problems if (p.table, p.line, p.column) == (table, line, column)]
    assert found, f"nothing reported at {table}:{line}:{column}; got:\n{report(problems)}"
    return found


def test_real_package_is_valid(root):
    problems = validate(root)
    assert problems == [], report(problems)


@pytest.mark.parametrize("table,column,value,kind", [
    ("incidents", "killed_best", "twelve", "type"),
    ("incidents", "date_start", "2024-02-30", "type"),
    ("incidents", "date_start", "22/03/2024", "type"),
    ("incidents", "latitude", "55,8", "type"),
    ("incidents", "suicide_attack", "yes", "type"),
    ("incidents", "incident_type", "bombing", "enum"),
    ("claims", "channel", "twitter", "enum"),
    ("incidents", "name", "", "required"),
    ("incidents", "incident_id", "INC-1", "pattern"),
    ("sources", "url", "www.example.org", "pattern"),
    ("incidents", "killed_low", "-1", "minimum"),
    ("incidents", "latitude", "91", "maximum"),
    ("incidents", "longitude", "-181", "minimum"),
    ("incidents", "country", "XYZ", "iso3166"),
    ("incidents", "target_nationality", "SUN", "iso3166"),
    ("incidents", "summary", "=HYPERLINK(\"http://x\")", "no_formula"),
    ("actors", "name", "@SUM(A1)", "no_formula"),
    ("incidents", "date_end", "2099-01-01", "not_future"),
    ("sources", "published", "2023-02-30", "real_date"),
    ("sources", "published", "2099", "real_date"),
])
def test_cell_rules(pkg, table, column, value, kind):
    line = set_cell(pkg, table, 1, column, value)
    found = only(validate(pkg), table, line, column)
    assert kind in {p.kind for p in found}, found
    assert all(p.hint for p in found)


def test_negative_number_text_is_not_a_formula(pkg):
    set_cell(pkg, "incidents", 1, "notes", "-5")
    assert validate(pkg) == []


def test_na_like_text_is_text_not_missing(pkg):
    set_cell(pkg, "incidents", 1, "locality", "NA")  # (admin1 must match its code: one spelling per region)
    set_cell(pkg, "incidents", 1, "notes", "null")
    assert validate(pkg) == []


def test_duplicate_primary_key(pkg):
    rows = read(pkg, "actors")
    rows.append(list(rows[1]))
    write(pkg, "actors", rows)
    found = only(validate(pkg), "actors", len(rows), "actor_id")
    assert any("line 2" in p.message for p in found), found


def test_foreign_key(pkg):
    line = set_cell(pkg, "claims", 1, "incident_id", "INC-9999")
    found = only(validate(pkg), "claims", line, "incident_id")
    assert any(p.kind == "foreign-key" and p.value == "INC-9999" for p in found)


def test_self_referencing_foreign_key(pkg):
    line = set_cell(pkg, "actors", 1, "parent_actor_id", "ACT-9999")
    only(validate(pkg), "actors", line, "parent_actor_id")


def test_citation_must_point_at_an_existing_record(pkg):
    line = set_cell(pkg, "citations", 1, "record_id", "INC-9999")
    found = only(validate(pkg), "citations", line, "record_id")
    assert "INC-9999" in found[0].message


def test_citation_field_must_exist_in_its_table(pkg):
    line = set_cell(pkg, "citations", 1, "field", "no_such_field")
    only(validate(pkg), "citations", line, "field")


def test_every_record_needs_a_citation(pkg):
    line = append_row(pkg, "actors", {"actor_id": "ACT-9998", "name": "Uncited group", "actor_type": "armed_group",
                                      "status": "active"})
    found = only(validate(pkg), "actors", line, "actor_id")
    assert found[0].kind == "uncited"


@pytest.mark.parametrize("measure", ["killed", "injured"])
def test_low_best_high_order(pkg, measure):
    set_cell(pkg, "incidents", 1, f"{measure}_low", "10")
    set_cell(pkg, "incidents", 1, f"{measure}_best", "5")
    line = set_cell(pkg, "incidents", 1, f"{measure}_high", "7")
    problems = validate(pkg)
    only(problems, "incidents", line, f"{measure}_best")  # low above best
    only(problems, "incidents", line, f"{measure}_high")  # best above high


def test_date_end_not_before_date_start(pkg):
    start = cell(pkg, "incidents", 1, "date_start")
    line = set_cell(pkg, "incidents", 1, "date_end", str(int(start[:4]) - 1) + start[4:])
    found = only(validate(pkg), "incidents", line, "date_end")
    assert found[0].kind == "date_order"


def test_retraction_needs_a_reason(pkg):
    line = set_cell(pkg, "incidents", 1, "status", "retracted")
    set_cell(pkg, "incidents", 1, "status_reason", "")
    only(validate(pkg), "incidents", line, "status_reason")


def test_retraction_with_reason_is_valid(pkg):
    set_cell(pkg, "incidents", 1, "status", "retracted")
    set_cell(pkg, "incidents", 1, "status_reason", "Duplicate of another record.")
    assert validate(pkg) == []


def test_authenticity_judgement_needs_an_assessor(pkg):
    set_cell(pkg, "claims", 1, "authenticity", "confirmed")
    line = set_cell(pkg, "claims", 1, "authenticity_assessor_actor_id", "")
    only(validate(pkg), "claims", line, "authenticity_assessor_actor_id")


def test_quote_length(pkg):
    line = set_cell(pkg, "citations", 1, "quote", " ".join(["word"] * 41))
    only(validate(pkg), "citations", line, "quote")


def test_missing_and_unexpected_columns_are_named(pkg):
    rows = read(pkg, "claims")
    i = rows[0].index("channel")
    rows = [r[:i] + r[i + 1:] + ["x"] for r in rows]
    rows[0][-1] = "colour"
    write(pkg, "claims", rows)
    found = only(validate(pkg), "claims", 1, "")
    assert "missing column(s): channel" in found[0].message
    assert "unexpected column(s): colour" in found[0].message


def test_rows_with_too_many_or_too_few_cells(pkg):
    rows = read(pkg, "sources")
    rows[1] = rows[1] + ["extra"]
    rows[2] = rows[2][:-2]
    write(pkg, "sources", rows)
    problems = validate(pkg)
    assert "cells where the header has" in only(problems, "sources", 2, "")[0].message
    only(problems, "sources", 3, "")


def test_not_utf8(pkg):
    path = pkg / "data" / "actors.csv"
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    lines[2] = lines[2].replace(",", ",Caf\u00e9 ", 1)
    path.write_bytes("\n".join(lines).encode("latin-1"))
    found = only(validate(pkg), "actors", 3, "")
    assert "UTF-8" in found[0].message


def test_byte_order_mark_and_crlf(pkg):
    path = pkg / "data" / "sources.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))
    kinds = {p.kind for p in validate(pkg) if p.table == "sources"}
    assert {"bom", "line-ends"} <= kinds


def test_byte_problems_name_their_line_in_a_mapped_file(pkg, monkeypatch):
    import isrd.read

    monkeypatch.setattr(isrd.read, "WINDOW", 64)  # many windows: the line count carries across them
    path = pkg / "data" / "actors.csv"
    lines = path.read_bytes().split(b"\n")[:-1]
    lines[5] += b"\r"
    lines[9] += b"\x00"
    path.write_bytes(b"\n".join(lines))  # and no line break at the end
    found = {p.kind: p.line for p in validate(pkg) if p.table == "actors"}
    assert (found["line-ends"], found["nul"], found["final-newline"]) == (6, 10, len(lines))


def test_files_are_mapped_not_copied(tmp_path):
    from isrd.read import count_lines, file_bytes

    (tmp_path / "empty.csv").write_bytes(b"")
    (tmp_path / "t.csv").write_bytes(b"a,b\n1,2\n3,4\n")
    assert file_bytes(tmp_path / "empty.csv") == b""
    mapped = file_bytes(tmp_path / "t.csv")
    assert not isinstance(mapped, bytes) and mapped[:] == b"a,b\n1,2\n3,4\n"
    assert [count_lines(mapped, end) for end in (0, 4, 8, None)] == [0, 1, 2, 3]


def test_non_canonical_form_is_named(pkg):
    row = next(n for n, r in enumerate(read(pkg, "incidents")) if n and r[read(pkg, "incidents")[0].index("latitude")])
    line = set_cell(pkg, "incidents", row, "latitude", cell(pkg, "incidents", row, "latitude") + "0")
    found = [p for p in validate(pkg) if p.kind == "canonical"]
    assert [(p.table, p.line) for p in found] == [("incidents", line)]


@pytest.mark.parametrize("line, canonical", [
    (b'ACT-0001,"ISILX",en', False),  # quotes a cell that needs none: two bytes longer
    (b'ACT-0001,I"S,en', False),  # a quote inside a bare cell
    (b'ACT-0001,"I,S"x,en', False),  # text after the closing quote: as long as the canonical "I,Sx"
    (b'ACT-0001,I"S,"en"', False),  # one cell shorter than canonical, another longer
    (b'ACT-0001,"say ""I,S"" now",en', True),
    (b'ACT-0001,"I,S",en', True),
])
def test_each_line_not_in_canonical_form_is_found(pkg, line, canonical):
    path = pkg / "data" / "actor_aliases.csv"
    path.write_bytes(path.read_bytes() + line + b"\n")
    from conftest import refresh
    refresh(pkg)
    found = [(p.table, p.line) for p in validate(pkg) if p.kind == "canonical"]
    assert found == ([] if canonical else [("actor_aliases", len(read(pkg, "actor_aliases")))])


def test_all_errors_reported_at_once(pkg):
    set_cell(pkg, "incidents", 1, "killed_best", "x")
    set_cell(pkg, "claims", 1, "channel", "x")
    set_cell(pkg, "sources", 1, "language", "English")
    assert {p.table for p in validate(pkg)} >= {"incidents", "claims", "sources"}


def test_problem_text_names_file_line_column_and_value(pkg):
    line = set_cell(pkg, "incidents", 2, "killed_best", "12x")
    text = str(only(validate(pkg), "incidents", line, "killed_best")[0])
    assert text.startswith(f"data/incidents.csv, line {line}, column killed_best:")
    assert "'12x'" in text and "->" in text


def test_csv_edited_after_datapackage_was_generated(pkg):
    path = pkg / "data" / "actors.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("Islamic State,", "Islamic State (IS),", 1), encoding="utf-8")
    found = only(validate(pkg), "datapackage.json", 0, "")
    assert found[0].kind == "stale-datapackage"
    assert "actors.csv" in found[0].message and "isrd build" in found[0].hint


def test_regenerated_datapackage_is_valid_again(pkg):
    from conftest import refresh

    path = pkg / "data" / "actors.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("Islamic State,", "Islamic State (IS),", 1), encoding="utf-8")
    refresh(pkg)
    assert validate(pkg) == []


def test_one_claim_statement_recorded_twice(pkg):
    rows = read(pkg, "claims")
    copy = list(rows[1])
    copy[0] = "CLM-9990"
    rows.append(copy)
    write(pkg, "claims", rows)
    found = only(validate(pkg), "claims", len(rows), "claim_id")
    assert any(p.kind == "duplicate-statement" and "line 2" in p.message for p in found), found


def _claim_copy(pkg, claimant):
    rows = read(pkg, "claims")
    h = rows[0]
    first = next(r for r in rows[1:] if r[h.index("claimant_actor_id")] == "ACT-0001" and r[h.index("status")] == "active")
    copy = list(first)
    copy[0], copy[h.index("claimant_actor_id")] = "CLM-9990", claimant
    rows.append(copy)
    write(pkg, "claims", rows)
    return len(rows)


def test_the_islamic_state_and_its_province_for_one_statement_are_a_duplicate(pkg):
    line = _claim_copy(pkg, "ACT-0002")  # Islamic State Khorasan Province, under ACT-0001
    found = only(validate(pkg), "claims", line, "claim_id")
    assert any(p.kind == "duplicate-statement" and "same group or its parent" in p.message for p in found), found


def test_two_groups_claiming_on_one_day_are_two_statements(pkg):
    line = _claim_copy(pkg, "ACT-0022")  # the Taliban: a rival claim, not a copy
    assert [p for p in validate(pkg) if p.kind == "duplicate-statement" and p.line == line] == []


def test_one_attribution_recorded_twice(pkg):
    rows = read(pkg, "attributions")
    copy = list(rows[1])
    copy[0] = "ATR-9990"
    rows.append(copy)
    write(pkg, "attributions", rows)
    found = only(validate(pkg), "attributions", len(rows), "attribution_id")
    assert any(p.kind == "duplicate-statement" for p in found), found


def test_a_retracted_copy_is_not_a_duplicate(pkg):
    rows = read(pkg, "claims")
    copy = list(rows[1])
    copy[0] = "CLM-9990"
    head = rows[0]
    copy[head.index("status")], copy[head.index("status_reason")] = "retracted", "Duplicate of the first claim."
    rows.append(copy)
    write(pkg, "claims", rows)
    assert [p for p in validate(pkg) if p.kind == "duplicate-statement"] == []


def test_reporting_body_only_on_foiled_plots(pkg):
    incidents = read(pkg, "incidents")
    attack = next(r[0] for r in incidents[1:] if r[incidents[0].index("incident_type")] == "attack")
    line = append_row(pkg, "incident_actors", {"incident_id": attack, "actor_id": "ACT-0008", "role": "reporting_body"})
    found = only(validate(pkg), "incident_actors", line, "role")
    assert found[0].kind == "reporting-body-role"



def test_a_figure_no_quote_states_is_named_on_its_record(pkg):
    """CAS-0001 gives 40 killed, stated by its quote; 41 is stated by none of its citations."""
    row = row_of(pkg, "casualty_reports", "report_id", "CAS-0001")
    assert cell(pkg, "casualty_reports", row, "killed") == "40"
    line = set_cell(pkg, "casualty_reports", row, "killed", "41")
    found = [p for p in only(validate(pkg), "casualty_reports", line, "killed") if p.kind == "evidence"]
    assert found and "states this figure" in found[0].message and found[0].value == "41", found


def test_a_date_no_quote_states_is_named_on_its_incident(pkg):
    """INC-0001 (22 March 2024) moved a day: none of its date_start quotes says 23 March."""
    row = row_of(pkg, "incidents", "incident_id", "INC-0001")
    assert cell(pkg, "incidents", row, "date_start") == "2024-03-22"
    set_cell(pkg, "incidents", row, "date_end", "2024-03-23")
    line = set_cell(pkg, "incidents", row, "date_start", "2024-03-23")
    found = [p for p in only(validate(pkg), "incidents", line, "date_start") if p.kind == "evidence"]
    assert found and "states this date" in found[0].message, found


@pytest.mark.parametrize("url,reason", [
    ("http://209.141.35.7:8011/https/www.dw.com/en/a-5411234", "a raw IP address"),
    ("https://voa.pangea-cms.com/preview/en-US/a/dead/123.html", "a CMS preview"),
    ("https://staging.irishtimes.com/world/asia-pacific/a-1.2345", "a staging or development host"),
    ("https://www.thedefensepost.com/tag/islamic-state/", "a tag, topic or search listing"),
    ("https://beta.ajkerpatrika.com/topic/abc?page=19", "a tag, topic or search listing"),
    ("https://www.example.org/news/a.html?utm_source=rss&x=1", "a tracking parameter"),
    ("https://d1m6j3wlsx5ie0.cloudfront.net/a/article/33013344.html", "a CDN, cache or translation proxy"),
    ("https://bit.ly/3abcd", "a redirect or short link"),
    ("https://eadaily.com./ru/news/2020/03/27/a", "a host written with a trailing dot (write it without)"),
    ("https://www.freemalaysiatoday.com/category/world/2017/06/16/four-dead-as-suicide-bombers-hit-kabul/", None),
    ("https://start.umd.edu/gtd/search/IncidentSummary.aspx?gtdid=201807010005", None),
    ("https://www.rferl.org/amp/russia-arrests/28205044.html", "an AMP rendering (cite the article's canonical address)"),
    ("https://tribune.com.pk/story/1600777/11-killed?amp=1", "an AMP rendering (cite the article's canonical address)"),
    ("https://amp.ren.tv/news/kriminal/459052-video", "an AMP rendering (cite the article's canonical address)"),
    ("https://www.ariananews.af/afghan-man-sentenced/amp", "an AMP rendering (cite the article's canonical address)"),
    ("https://example.org/news/amplified-threats.html?ample=1", None),
    ("https://kiwix.example/content/wikipedia_en_all_maxi_2024-01/A/Kabul", "a mirror of Wikipedia"),
    ("https://web.archive.org/web/2017/http://www.example.org/a.html", None),
    (None, None),
])
def test_an_address_that_is_not_the_articles_own_is_named(url, reason):
    from isrd.rules import uncitable_addresses

    assert uncitable_addresses([url]) == [reason]


def test_the_summary_counts_placeholder_titles_and_uncitable_addresses(pkg):
    from isrd.summary import summary

    def counts():
        text = summary(pkg)
        line = lambda label: next(x for x in text.splitlines() if label in x)  # noqa: E731
        return line("headline"), line("own address")
    title, address = counts()
    rows = read(pkg, "sources")
    h = rows[0]
    first = next(r for r in rows[1:] if r[h.index("status")] == "active" and not r[h.index("title")].startswith("[untitled"))
    first[h.index("title")] = "[untitled page at example.org]"
    first[h.index("url")] = "https://bit.ly/3abcd"
    write(pkg, "sources", rows)
    title2, address2 = counts()
    have = lambda line: int(line.split()[-4])  # noqa: E731 - "... 1559 of 1669 (93%)"
    assert have(title2) == have(title) - 1 and have(address2) == have(address) - 1


def test_a_share_shows_100_percent_only_when_all():
    from isrd.summary import _share

    assert _share(1733, 1738) == "1733 of 1738 (99%)" and _share(5, 5) == "5 of 5 (100%)" and _share(0, 0) == "0 of 0"


def test_text_not_in_nfc_is_found_in_a_large_table_too():
    """Above NFC_PREFILTER non-ASCII cells only those holding a character NFC may change are read in
    Python; a decomposed é among them is still found, at its row."""
    import pyarrow as pa

    from isrd.checks import NFC_PREFILTER, FieldChecks
    from isrd.package import Resource

    cells = ["Привет, мир"] * (NFC_PREFILTER + 10) + ["Cafe\u0301", "한국어", "آ", "Привет,\u200bмир", "ok"]
    res = Resource("t", Path("t"), "t", {"fields": [{"name": "text", "type": "string"}], "primaryKey": [], "foreignKeys": []})
    found = FieldChecks(res, pa.table({"text": pa.array(cells)})).run().findings
    assert sorted((f.kind, f.rows.tolist()) for f in found) == [("invisible-character", [NFC_PREFILTER + 13]),
                                                                ("nfc", [NFC_PREFILTER + 10])]
