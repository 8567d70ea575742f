"""The events table: one row per active incident, derived from the tables, with the Islamic State family
resolved up the actor hierarchy, and the researcher's questions each one filter on it."""
from __future__ import annotations

import pandas as pd
import pytest

import isrd
from isrd.events import view_schema


@pytest.fixture(scope="module")
def events():
    return isrd.load("events")


def test_one_row_per_active_incident_with_the_view_fields(events):
    incidents = isrd.load("incidents")
    assert list(events["incident_id"]) == list(incidents["incident_id"])
    assert list(events.columns) == [f["name"] for f in view_schema()["fields"]]
    assert isinstance(events["incident_type"].dtype, pd.CategoricalDtype)
    assert str(events["killed_best"].dtype) == "Int64" and str(events["contested"].dtype) == "boolean"


def test_fields_taken_from_incidents_are_the_same(events):
    incidents = isrd.load("incidents")
    for f in view_schema()["fields"]:
        if "isrd:from" in f:
            column = f["isrd:from"].split(".")[1]
            pd.testing.assert_series_equal(events[f["name"]], incidents[column], check_names=False)


def test_a_provinces_attack_is_also_an_islamic_state_attack(events):
    crocus = events.set_index("incident_id").loc["INC-0001"]
    assert crocus["perpetrator"].split("; ")[:2] == ["Islamic State Khorasan Province", "Islamic State"]
    assert "Islamic State" in crocus["claimed_by"] and "amaq" in crocus["claim_channels"]
    assert crocus["contested"] and crocus["islamic_state"]


def test_researcher_questions_are_one_filter_each(events):
    # IS-K operations outside Afghanistan and Pakistan: Crocus (claims filed under the Islamic State) is one
    outside = events[events["perpetrator"].str.contains("Khorasan", na=False) & ~events["country"].isin(["AFG", "PAK"])]
    assert "INC-0001" in set(outside["incident_id"])
    # deaths per year in Russia, with the range
    russia = events[events["country"] == "RUS"].groupby("year")[["killed_low", "killed_best", "killed_high"]].sum()
    assert russia.loc[2024, "killed_best"] >= 149
    # contested incidents, and plots known only from a security service, per year
    assert events["contested"].sum() > 0
    plots = events[(events["incident_type"] == "foiled_plot") & events["security_service_only"].fillna(False)]
    assert plots.groupby("year").size().sum() == len(plots) > 0


def test_counts_of_sources_and_outlets(events):
    from isrd.coverage import independent_outlets

    frames = isrd.load_all(include_retracted=True)
    outlets = independent_outlets(frames)
    row = events.set_index("incident_id").loc["INC-0005"]
    assert row["independent_outlets"] == len(outlets["INC-0005"]) and row["sources"] >= row["independent_outlets"]
