"""The scope rules of docs/scope.md that are code: casualty ranges follow from the reports by the
documented rule, every core incident is tied to the Islamic State, every plot names who reports it."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

import isrd
from isrd.scope import islamic_state_family
from isrd.tolls import derive
from isrd.validate import validate

from conftest import append_row, read, row_of, set_cell, write
from test_validate import only


def report(killed=None, injured=None, on=None, kind="official", partial=False, status="active", rid=None,
           source=None, attackers=False):
    return {"killed": killed, "injured": injured, "reported_on": dt.date.fromisoformat(on) if on else None,
            "reporter_type": kind, "partial": partial, "status": status, "report_id": rid, "source_id": source,
            "includes_perpetrators": attackers}


def test_rule_takes_range_over_reports_and_best_from_the_latest():
    got = derive([report(40, 100, "2024-03-22"), report(144, 551, "2024-03-30"), report(150, None, "2024-03-23", "independent")])
    assert (got["killed_low"], got["killed_best"], got["killed_high"]) == (40, 144, 150)
    assert (got["injured_low"], got["injured_best"], got["injured_high"]) == (100, 551, 551)


def test_rule_ignores_perpetrator_partial_and_retracted_reports():
    got = derive([report(6, on="2022-09-05"), report(25, on="2022-09-08", kind="perpetrator"),
                  report(2, on="2022-09-09", partial=True), report(99, on="2022-09-10", status="retracted")])
    assert (got["killed_low"], got["killed_best"], got["killed_high"]) == (6, 6, 6)


def test_rule_counts_undated_reports_as_oldest_and_breaks_ties_upwards():
    got = derive([report(130), report(90, on="2002-10-26"), report(119, on="2002-11-02"), report(115, on="2002-11-02")])
    assert (got["killed_low"], got["killed_best"], got["killed_high"]) == (90, 119, 130)
    assert derive([report(130)])["killed_best"] == 130


def test_rule_dates_an_undated_report_by_its_source():
    """An undated report is not the oldest when its source has a full published day."""
    reports = [report(130, rid="CAS-1", source="SRC-1"), report(90, on="2002-10-26", rid="CAS-2", source="SRC-2")]
    assert derive(reports)["killed_best"] == 90
    got = derive(reports, published={"SRC-1": "2002-11-02", "SRC-2": "2002-10-26"})
    assert (got["killed_best"], got["killed_best_report"]) == (130, "CAS-1")
    assert derive(reports, published={"SRC-1": "2002-11"})["killed_best"] == 90, "a month is not a day"


def test_rule_keeps_counts_with_attackers_out_of_the_victims_range():
    got = derive([report(6, on="2013-10-21", rid="CAS-1"), report(7, on="2013-10-22", rid="CAS-2", attackers=True)])
    assert (got["killed_low"], got["killed_best"], got["killed_high"], got["killed_best_report"]) == (6, 6, 6, "CAS-1")


def test_rule_lets_a_partial_report_set_a_floor_only_when_nothing_better_exists():
    got = derive([report(2, 3, on="2020-01-01", partial=True), report(5, on="2020-01-02", partial=True),
                  report(40, on="2020-01-03", kind="perpetrator")])
    assert (got["killed_low"], got["killed_best"], got["killed_high"]) == (5, None, None)
    assert (got["injured_low"], got["injured_best"], got["injured_high"]) == (3, None, None)
    assert got["killed_best_report"] is None
    got = derive([report(9, on="2020-01-02", partial=True), report(4, on="2020-01-01")])
    assert (got["killed_low"], got["killed_best"], got["killed_high"]) == (4, 4, 4)


def test_rule_names_the_report_behind_the_best_figure():
    got = derive([report(10, 3, on="2020-01-01", rid="CAS-3"), report(12, None, on="2020-01-02", rid="CAS-5"),
                  report(12, 4, on="2020-01-02", rid="CAS-4"), report(11, 2, on="2020-01-02", rid="CAS-1")])
    assert (got["killed_best"], got["killed_best_report"]) == (12, "CAS-4")
    assert (got["injured_best"], got["injured_best_report"]) == (4, "CAS-4")


def test_events_name_the_report_behind_each_best_figure(root):
    events = isrd.load("events", root)
    reports = isrd.load("casualty_reports", root).set_index("report_id")
    named = events[events["killed_best"].notna()]
    assert len(named) > 100 and named["killed_best_report"].notna().all()
    for row in named.itertuples():
        behind = reports.loc[row.killed_best_report]
        assert behind["incident_id"] == row.incident_id and behind["killed"] == row.killed_best
        assert not behind["partial"] and not behind["includes_perpetrators"] and behind["reporter_type"] != "perpetrator"
    assert events.loc[events["killed_best"].isna(), "killed_best_report"].isna().all()
    from isrd.tolls import best_reports
    called = best_reports(root).set_index("incident_id")["killed_best_report"]
    viewed = events.set_index("incident_id")["killed_best_report"]
    assert called.astype(object).where(called.notna(), None).to_dict() == viewed.astype(object).where(viewed.notna(), None).to_dict()


def test_rule_leaves_ranges_empty_without_eligible_reports():
    got = derive([report(224, kind="perpetrator")])
    assert set(got.values()) == {None}


def test_every_incident_range_in_the_data_follows_the_rule(root):
    incidents, reports = isrd.load("incidents", root, include_retracted=True), isrd.load("casualty_reports", root, include_retracted=True)
    from isrd.tolls import FIELDS, derive_all
    derived = derive_all(incidents, reports, isrd.load("sources", root, include_retracted=True))
    with_reports = set(reports["incident_id"])
    assert with_reports, "no casualty reports at all"
    for row in incidents.itertuples():
        for field in FIELDS:
            value = derived[row.incident_id][field]
            have = getattr(row, field)
            assert (None if pd.isna(have) else int(have)) == value, (row.incident_id, field)



def test_validate_names_a_range_that_does_not_follow_the_reports(pkg):
    row = row_of(pkg, "incidents", "incident_id", "INC-0001")
    line = set_cell(pkg, "incidents", row, "killed_best", "150")
    found = only(validate(pkg), "incidents", line, "killed_best")
    assert found[0].kind == "toll-derivation"
    assert "149" in found[0].message


def test_validate_names_a_report_that_changes_the_range(pkg):
    """Adding a higher toll for an incident without updating its range is caught on the incident."""
    row = row_of(pkg, "incidents", "incident_id", "INC-0001")
    append_row(pkg, "casualty_reports", {"report_id": "CAS-9999", "incident_id": "INC-0001", "reported_on": "2026-06-01",
                                         "killed": "151", "reporter": "test", "reporter_type": "official", "partial": "false", "includes_perpetrators": "false",
                                         "source_id": "SRC-0001", "status": "active"})
    append_row(pkg, "citations", {"citation_id": "CIT-99999", "record_table": "casualty_reports", "record_id": "CAS-9999",
                                  "source_id": "SRC-0001", "quote": "a test quote", "status": "active"})
    problems = validate(pkg)
    assert {p.column for p in problems if p.kind == "toll-derivation"} == {"killed_best", "killed_high"}
    assert all(p.line == row + 1 for p in problems if p.kind == "toll-derivation")


def test_perpetrator_figure_never_enters_the_range(pkg):
    append_row(pkg, "casualty_reports", {"report_id": "CAS-9999", "incident_id": "INC-0001", "reported_on": "2026-06-01",
                                         "killed": "500", "reporter": "Amaq", "reporter_type": "perpetrator", "partial": "false", "includes_perpetrators": "false",
                                         "source_id": "SRC-0001", "status": "active"})
    append_row(pkg, "citations", {"citation_id": "CIT-99999", "record_table": "casualty_reports", "record_id": "CAS-9999",
                                  "source_id": "SRC-0001", "quote": "Amaq claimed 500 dead in a test", "status": "active"})
    assert validate(pkg) == []


def _core_incident_without_islamic_state(pkg):
    """Cut every tie between one core incident and the Islamic State family; return its file line."""
    frames = isrd.load_all(pkg, include_retracted=True)
    family = islamic_state_family(frames["actors"])
    iid = "INC-0001"
    links = read(pkg, "incident_actors")
    write(pkg, "incident_actors", [r for r in links if not (r[0] == iid and r[1] in family)])
    for table, who in (("claims", "claimant_actor_id"), ("attributions", "attributed_actor_id")):
        rows = read(pkg, table)
        inc, actor, status = rows[0].index("incident_id"), rows[0].index(who), rows[0].index("status")
        for r in rows[1:]:
            if r[inc] == iid and r[actor] in family:
                r[status], r[status + 1] = "retracted", "test"
        write(pkg, table, rows)
    return row_of(pkg, "incidents", "incident_id", iid) + 1


def test_core_incident_needs_an_islamic_state_actor(pkg):
    line = _core_incident_without_islamic_state(pkg)
    found = only(validate(pkg), "incidents", line, "scope")
    assert found[0].kind == "scope-core"


def test_context_incident_needs_no_islamic_state_actor(pkg):
    line = _core_incident_without_islamic_state(pkg)
    set_cell(pkg, "incidents", line - 1, "scope", "context")
    assert [p for p in validate(pkg) if p.kind == "scope-core"] == []


def test_every_core_incident_in_the_data_is_tied_to_the_islamic_state(root):
    frames = isrd.load_all(root, include_retracted=True)
    family = islamic_state_family(frames["actors"])
    assert {"ACT-0001", "ACT-0002", "ACT-0003"} <= family
    assert "ACT-0022" not in family  # the Taliban are not part of it
    core = frames["incidents"].query("scope == 'core' and status == 'active'")["incident_id"]
    assert len(core) > 0
    tied = set(frames["incident_actors"].query("role != 'target' and role != 'reporting_body'")
               .loc[lambda d: d["actor_id"].isin(family), "incident_id"])
    tied |= set(frames["claims"].loc[frames["claims"]["claimant_actor_id"].isin(family), "incident_id"])
    tied |= set(frames["attributions"].loc[frames["attributions"]["attributed_actor_id"].isin(family)
                                           & frames["attributions"]["stance"].isin(["asserts", "suspects"]), "incident_id"])
    assert set(core) <= tied


def test_plot_needs_a_reporting_body(pkg):
    iid = "INC-0002"
    write(pkg, "incident_actors", [r for r in read(pkg, "incident_actors") if not (r[0] == iid and r[2] == "reporting_body")])
    line = row_of(pkg, "incidents", "incident_id", iid) + 1
    found = only(validate(pkg), "incidents", line, "incident_type")
    assert found[0].kind == "plot-reporting-body"


@pytest.mark.parametrize("incident_type,value,ok", [
    ("foiled_plot", "", False), ("foiled_plot", "false", True), ("attack", "true", False), ("attack", "", True)])
def test_security_service_only_is_stated_for_plots_alone(pkg, incident_type, value, ok):
    row = row_of(pkg, "incidents", "incident_id", "INC-0002")
    set_cell(pkg, "incidents", row, "incident_type", incident_type)
    set_cell(pkg, "incidents", row, "security_service_only", value)
    found = [p for p in validate(pkg) if p.column == "security_service_only"]
    assert (found == []) == ok, found


def test_security_service_only_needs_a_security_service_reporting(pkg):
    iid = "INC-0002"
    actors = read(pkg, "actors")
    court = next(a[0] for a in actors[1:] if a[2] == "court")
    rows = read(pkg, "incident_actors")
    for r in rows:
        if r[0] == iid and r[2] == "reporting_body":
            r[1] = court  # a court's account is not the security apparatus's own
    write(pkg, "incident_actors", rows)
    line = row_of(pkg, "incidents", "incident_id", iid) + 1
    assert only(validate(pkg), "incidents", line, "security_service_only")[0].kind == "plot-account"


def test_every_plot_in_the_data_names_its_reporting_body(root):
    frames = isrd.load_all(root, include_retracted=True)
    plots = frames["incidents"].query("incident_type == 'foiled_plot' and status == 'active'")
    assert len(plots) > 0
    reporting = set(frames["incident_actors"].query("role == 'reporting_body'")["incident_id"])
    assert set(plots["incident_id"]) <= reporting
    assert plots["security_service_only"].notna().all()


def test_core_incident_needs_a_claim_or_an_attribution(pkg):
    """Retract every claim and attribution of INC-0001: the incident itself is named."""
    for table in ("claims", "attributions"):
        rows = read(pkg, table)
        h = rows[0]
        for r in rows[1:]:
            if r[h.index("incident_id")] == "INC-0001":
                r[h.index("status")], r[h.index("status_reason")] = "retracted", "test"
        write(pkg, table, rows)
    line = row_of(pkg, "incidents", "incident_id", "INC-0001") + 1
    found = [p for p in only(validate(pkg), "incidents", line, "scope") if p.kind == "core-claim-or-attribution"]
    assert found and "claim or attribution" in found[0].message, found


def test_every_active_core_incident_has_a_claim_or_an_attribution(root):
    frames = isrd.load_all(root)
    core = set(frames["incidents"].query("scope == 'core'")["incident_id"])
    said = set(frames["claims"]["incident_id"]) | set(frames["attributions"]["incident_id"])
    assert core and not core - said, sorted(core - said)


def test_an_unreadable_incidents_header_leaves_the_other_rules_standing(pkg):
    """A comma before the header shifts every column: the rules across tables must not crash on an
    incidents table with no usable rows (a hypothesis example once made the role rule index nothing)."""
    from isrd.validate import validate

    path = pkg / "data" / "incidents.csv"
    path.write_bytes(b"," + path.read_bytes())
    problems = validate(pkg)
    assert any(p.table == "incidents" and p.line == 1 and p.kind == "header" for p in problems)
