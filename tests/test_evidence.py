"""The rule by which a quote states the value it backs (isrd.evidence), in several languages."""
from __future__ import annotations

import datetime as dt

import pytest

import isrd
from isrd.evidence import date_stated, figure_stated, unstated

D = dt.date


@pytest.mark.parametrize("quote,figure,language,locator", [
    ("At least 1,500 people were evacuated", 1500, "en", ""),
    ("the toll rose to 144", 144, "en", ""),
    ("two Russian embassy staff were killed", 2, "en", ""),
    ("Двое нападавших были ликвидированы", 2, "ru", ""),
    ("погибли пять человек", 5, "ru", ""),
    ("trois policiers ont été tués", 3, "fr", ""),
    ("zwei Soldaten wurden getötet", 2, "de", ""),
    ("killed at least 170 Afghans and 13 US troops", 183, "en", "sum: 170 + 13"),
    ("The lone gunman was shot dead", 1, "en", ""),
    ("No one was hurt in the blast", 0, "en", ""),
    ("никто не пострадал", 0, "ru", ""),
    ("injuring at least a dozen", 12, "en", ""),
    ("The suicide bomber blew himself up at the gate", 1, "en", 'one: "The suicide bomber blew himself up"'),
    ("Потерь среди военных нет", 0, "ru", 'none: "Потерь среди военных нет"'),
])
def test_a_stated_figure_is_read(quote, figure, language, locator):
    assert figure_stated(quote, figure, language, locator)


@pytest.mark.parametrize("quote,figure,locator", [
    ("the toll rose to 144", 14, ""),             # a figure inside another is not the figure
    ("the toll rose to 1440", 144, ""),
    ("A suicide bomber blew himself up", 0, ""),  # silence is not zero
    ("killed at least 170 Afghans", 183, "sum: 170 + 13"),  # a part the quote does not state
    ("killed 170 Afghans and 13 US troops", 184, "sum: 170 + 13"),  # parts that do not add up
    ("The suicide bomber blew himself up", 1, 'one: "the gunman was shot"'),  # words not in the quote
    ("The suicide bomber blew himself up", 2, 'one: "The suicide bomber blew himself up"'),  # a one is not two
])
def test_an_unstated_figure_is_not(quote, figure, locator):
    assert not figure_stated(quote, figure, "en", locator)


@pytest.mark.parametrize("quote,date,precision,published,language", [
    ("On 22 March 2024, a coordinated attack", D(2024, 3, 22), "day", None, "en"),
    ("on Sept. 1, 2004, Russian forces", D(2004, 9, 1), "day", None, "en"),
    ("22 марта в Красногорске", D(2024, 3, 22), "day", None, "ru"),
    ("Russia said on Saturday it had killed nine militants", D(2018, 4, 21), "day", D(2018, 4, 21), "en"),
    ("The FSB arrested on Monday a supporter", D(2022, 4, 25), "day", D(2022, 4, 26), "en"),
    ("Yesterday, a grenade was thrown", D(2016, 5, 14), "day", D(2016, 5, 15), "en"),
    ("In March 2019 the cell was detained", D(2019, 3, 1), "month", None, "en"),
    ("in 2014 the group", D(2014, 1, 1), "year", None, "en"),
])
def test_a_stated_date_is_read(quote, date, precision, published, language):
    assert date_stated(quote, date, precision, published, language)


@pytest.mark.parametrize("quote,date,precision,published", [
    ("On 23 March 2024, a coordinated attack", D(2024, 3, 22), "day", None),
    ("Russia said on Saturday", D(2018, 4, 21), "day", None),             # no published date to resolve it
    ("Russia said on Saturday", D(2018, 4, 14), "day", D(2018, 4, 21)),   # the Saturday of the source's week
    ("Yesterday, a grenade was thrown", D(2016, 5, 14), "day", D(2016, 5, 17)),
])
def test_an_unstated_date_is_not(quote, date, precision, published):
    assert not date_stated(quote, date, precision, published, "en")


def test_the_summary_reports_both_shares():
    frames = isrd.load_all(include_retracted=True)
    found = unstated(frames)
    assert found["counts_checked"] > 1000 and found["dates_checked"] > 250
    from isrd.summary import summary

    text = summary()
    stated = found["counts_checked"] - len(found["counts"])
    assert f"counts whose quote states the figure            {stated} of {found['counts_checked']}" in text
    assert "incident dates whose quote states the date" in text
