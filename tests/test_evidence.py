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
    ("around two dozen people were wounded", 24, "en", ""),
    ("Twenty-five people have been killed", 25, "en", ""),
    ("twenty five people have been killed", 25, "en", ""),
    ("three hundred and thirty-one dead", 331, "en", ""),
    ("ранения получили восьмерых человек", 8, "ru", ""),
    ("killed General Raziq and six other people", 7, "en", 'sum: 1 + 6; one: "General Raziq"'),
    ("A soldier was killed in a shelling that took life of a stringer", 2, "en",
     'sum: 1 + 1; one: "A soldier was killed"; one: "took life of a stringer"'),
    ("dodajući da je ubila trojicu policajaca", 3, "hr", '3: "trojicu policajaca"'),
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
    ("around two dozen people were wounded", 12, ""),  # two dozen is not a dozen
    ("killed General Raziq and six other people", 7, 'sum: 1 + 6; one: "General Khan"'),  # the one's words not in the quote
    ("killed General Raziq and six other people", 7, "sum: 1 + 6"),  # a one the quote does not state
    ("A soldier was killed in a shelling that took life of a stringer", 2, 'sum: 1 + 1; one: "A soldier was killed"'),
    ("dodajući da je ubila trojicu policajaca", 4, '3: "trojicu policajaca"'),  # the reading is of another figure
    ("dodajući da je ubila trojicu policajaca", 3, '3: "četvoricu policajaca"'),  # words not in the quote
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
    ("Восемнадцатого декабря его задержали.", D(2023, 12, 18), "day", None, "ru"),
    ("создана в марте 2022 г., а уже в апреле того же года", D(2022, 4, 1), "month", None, "ru"),
    ("Неизвестный этим утром напал с ножом", D(2022, 11, 21), "day", D(2022, 11, 21), "ru"),
    ("Вибух стався 4 січня в районі Банаї", D(2018, 1, 4), "day", None, "uk"),
    ("20:23 Авг. 18, 2016", D(2016, 8, 18), "day", None, "ru"),
    ("La polizia russa ha arrestato ieri a Samara un 34enne", D(2016, 8, 18), "day", D(2016, 8, 19), "it"),
    ("Hoje, na quinta-feira (15), foram detidos", D(2016, 12, 15), "day", D(2016, 12, 15), "pt"),
    ("This morning, an ISIS cell launched rockets", D(2024, 1, 8), "day", D(2024, 1, 8), "en"),
    ("قتلوا الثلاثاء 21 يونيو/حزيران 2016", D(2016, 6, 21), "day", None, "ar"),
    ("في 21 حزيران/ يونيو", D(2016, 6, 21), "day", None, "ar"),
    ("كمين نصبه التنظيم أمس الأحد", D(2019, 9, 22), "day", D(2019, 9, 23), "ar"),
    ("شبرغان (۳۰ جوزا|خرداد ۱۳۹۶)", D(2017, 6, 1), "month", None, "fa"),
    ("30 جوزا 1396", D(2017, 6, 20), "day", None, "prs"),
    ("روز چهارشنبه گذشته", D(2017, 6, 28), "day", D(2017, 7, 1), "fa"),
    ("Wie die russische Botschaft in Kairo am Samstag mitteilte", D(2015, 10, 31), "day", D(2015, 10, 31), "de"),
    ("L'attaque a eu lieu vendredi soir", D(2024, 3, 22), "day", D(2024, 3, 23), "fr"),
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


@pytest.mark.parametrize("quote,date,precision,published,language", [
    ("Восемнадцатого декабря его задержали.", D(2023, 12, 8), "day", None, "ru"),   # the eighteenth, not the eighth
    ("This morning, an ISIS cell launched rockets", D(2024, 1, 7), "day", D(2024, 1, 8), "en"),
    ("كمين نصبه التنظيم أمس", D(2019, 9, 21), "day", D(2019, 9, 23), "ar"),  # yesterday is the 22nd
    ("30 جوزا 1396", D(2017, 6, 30), "day", None, "prs"),   # 30 Jawza is 20 June
    ("روز یکشنبه", D(2017, 6, 24), "day", D(2017, 6, 26), "fa"),  # a Sunday is not a Saturday
    ("am Sonntag mitteilte", D(2015, 10, 31), "day", D(2015, 11, 2), "de"),  # a Sunday is not a Saturday
])
def test_an_unstated_date_in_other_words_is_not(quote, date, precision, published, language):
    assert not date_stated(quote, date, precision, published, language)


def test_the_summary_reports_both_shares():
    frames = isrd.load_all(include_retracted=True)
    found = unstated(frames)
    assert found["counts_checked"] > 1000 and found["dates_checked"] > 250
    from isrd.summary import summary

    text = summary()
    stated = found["counts_checked"] - len(found["counts"])
    assert f"counts whose quote states the figure            {stated} of {found['counts_checked']}" in text
    assert "incident dates whose quote states the date" in text


def _frames(citations, report):
    import pandas as pd

    empty = pd.DataFrame({"status": pd.Series([], dtype=object)})
    sources = pd.DataFrame([{"source_id": "SRC-1", "language": "en", "published": "2024-12-12"},
                            {"source_id": "SRC-2", "language": "en", "published": "2024-12-12"}])
    return {"sources": sources, "citations": pd.DataFrame(citations), "casualty_reports": pd.DataFrame([report]),
            "claims": empty.assign(claim_id=[], claimed_killed=[]),
            "incidents": empty.assign(incident_id=[], perpetrators_killed=[], date_start=[], date_precision=[], date_end=[])}


def test_a_sum_may_join_two_sentences_of_one_article_but_not_of_two():
    report = {"report_id": "CAS-1", "killed": 7, "injured": None, "status": "active"}

    def cite(cid, source, quote, locator=None):
        return {"citation_id": cid, "record_table": "casualty_reports", "record_id": "CAS-1", "field": "killed",
                "source_id": source, "quote": quote, "locator": locator, "status": "active"}
    first = "The minister was killed in a suicide bombing."
    second = cite("CIT-2", "SRC-1", "Six others were also killed in the blast.", 'sum: 1 + 6; one: "The minister was killed"')
    assert unstated(_frames([cite("CIT-1", "SRC-1", first), second], report))["counts"] == []
    assert unstated(_frames([cite("CIT-1", "SRC-2", first), second], report))["counts"] == [("casualty_reports", "CAS-1", "killed", 7, 0)]


@pytest.mark.parametrize("ids", [["CAS-1", "CAS-2", "CAS-3"], ["CAS-1", "CAS-1", "CAS-3"]])
def test_records_meet_their_citations_as_a_join_would_pair_them(ids):
    """_pairs looks records up by id when ids are unique and joins otherwise; either way every record
    meets every citation of its id, and a repeated id is paired on both its rows."""
    import pyarrow as pa

    from isrd.evidence import _pairs

    recs = pa.table({"key": pa.array(range(len(ids)), pa.int64()), "record_id": ids, "value": [5, 6, 7]})
    cited = pa.table({"record_id": ["CAS-1", "CAS-3", "CAS-1", "CAS-9"], "quote": ["a", "b", "c", "d"]})
    got = sorted((r["key"], r["record_id"], r["value"], r["quote"]) for r in _pairs(recs, cited).to_pylist())
    want = sorted((k, i, v, q) for k, i, v in zip(range(len(ids)), ids, [5, 6, 7])
                  for j, q in zip(cited.column("record_id").to_pylist(), cited.column("quote").to_pylist()) if j == i)
    assert got == want


def test_number_words_are_read_with_word_lists_built_once():
    from isrd import evidence

    parser = evidence._number_parser()
    assert parser.LanguageData("ru") is parser.LanguageData("ru")
    assert evidence.figure_stated("погибли двадцать три человека", 23, "ru")
    assert evidence.figure_stated("трое погибших", 3, "ru") and not evidence.figure_stated("трое погибших", 4, "ru")
    assert evidence.figure_stated("two dozen were hurt", 24) and not evidence.figure_stated("a dozen were hurt", 24)
