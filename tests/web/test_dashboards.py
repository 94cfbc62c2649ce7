"""Dashboard pages (charts with the same numbers in tables, area restriction) and support-structure editing."""
from __future__ import annotations

import json
import re
from html import unescape

import pytest
import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.models import AuditEvent, PrefectureSupportStructure, User
from tests.services.dashboard_data import build_world

ALL_FOUR = {"council": "y", "hearing": "y", "talent": "y", "themes": "y", "note": "推進会議は年4回"}


@pytest.fixture
def world(app, make_user, make_org):
    return build_world(app, make_user, make_org)


def _chart(html: str, chart_id: str) -> dict:
    found = re.search(rf"<canvas id=\"{chart_id}-chart\" data-chart='([^']*)'", html)
    assert found, f"no chart {chart_id}"
    return json.loads(unescape(found.group(1)))


def _table(html: str, table_id: str) -> str:
    found = re.search(rf'<table id="{table_id}">(.*?)</table>', html, re.S)
    assert found, f"no table {table_id}"
    return found.group(1)


def _cells(row_html: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row_html, re.S)]


def _rows(table_html: str) -> list[list[str]]:
    return [_cells(r) for r in re.findall(r"<tr[^>]*>(.*?)</tr>", table_html, re.S)]


# --- dashboards ---------------------------------------------------------------------
def test_dashboard_draws_charts_from_data_blocks_and_repeats_the_numbers_in_tables(client, login_as, world):
    login_as(world.kochi)
    response = client.get("/coordination/dashboards")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    stages = _chart(html, "stages")
    assert stages["type"] == "bar" and stages["labels"][0] == "提案"
    assert [d["label"] for d in stages["datasets"]] == ["自治体DXアクセラレータ", "副業・兼業（プロフェッショナル人材）"]
    assert stages["datasets"][0]["data"] == [1, 0, 1, 1, 1, 0, 0, 2, 0]
    rows = _rows(_table(html, "stages-table"))
    assert rows[1] == ["自治体DXアクセラレータ", "1", "0", "1", "1", "1", "0", "0", "2", "0", "6"]
    assert rows[-1][0] == "合計" and rows[-1][-1] == "8"
    cells = _rows(_table(html, "cells-table"))
    assert cells[1][:2] == ["自治体DXアクセラレータ", "高知県"]
    durations = _rows(_table(html, "durations-table"))
    assert durations[1] == ["自治体DXアクセラレータ", "4.0日", "3", "35.0日", "2"]
    assert _chart(html, "durations")["datasets"][0]["data"] == [4.0]
    # the library is served by the site itself and no script is inline (the CSP allows only 'self')
    assert "/static/vendor/chartjs/chart.umd.min.js" in html and "/static/js/dashboard-charts.js" in html
    for tag in re.findall(r"<script([^>]*)>", html):
        assert "src=" in tag, tag
    assert ' style="' not in html and "onclick" not in html
    assert 'aria-hidden="true"' in html and "<figcaption" in html
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]


def test_accelerators_against_the_target_are_national_counts(client, login_as, world):
    login_as(world.nagano)
    html = client.get("/coordination/dashboards").get_data(as_text=True)
    summary = re.search(r'<p id="accelerator-summary">(.*?)</p>', html, re.S).group(1)
    assert "任命 3人 / 目標 500人（0.6%）" in summary and "推薦中 1人" in summary
    assert _chart(html, "target")["datasets"][0]["data"] == [3]
    assert _chart(html, "target")["datasets"][1]["data"] == [497]
    rows = _rows(_table(html, "accelerators-table"))
    assert rows[1][:3] == ["長野県 担当", "1", "0"] and rows[2] == ["高知県", "2", "1"]
    assert ["全国の目標", "500", ""] in rows


def test_a_coordinator_of_another_prefecture_sees_none_of_the_area_figures(client, login_as, world):
    login_as(world.nagano)
    html = client.get("/coordination/dashboards").get_data(as_text=True)
    stages = _chart(html, "stages")
    assert [d["label"] for d in stages["datasets"]] == ["自治体DXアクセラレータ"]
    assert sum(stages["datasets"][0]["data"]) == 2
    assert "高知県" not in _table(html, "cells-table")
    assert _rows(_table(html, "durations-table"))[1] == ["自治体DXアクセラレータ", "1.0日", "1", "5.0日", "1"]
    assert [r[1] for r in _rows(_table(html, "follow-ups-table"))[1:]] == ["0", "0", "0"]
    # Kochi is not among the prefectures this coordinator can choose
    assert 'value="39"' not in html


def test_filters_outside_the_area_give_a_japanese_400(client, login_as, world):
    login_as(world.nagano)
    response = client.get("/coordination/dashboards?prefecture=39")
    assert response.status_code == 400
    assert "選べない都道府県が指定されました" in response.get_data(as_text=True)
    response = client.get("/coordination/dashboards?scheme=%3Cscript%3E")
    assert response.status_code == 400 and "選べない制度" in response.get_data(as_text=True)
    assert client.get("/coordination/dashboards?scheme=accelerator&prefecture=20").status_code == 200


def test_follow_ups_table(client, login_as, world):
    login_as(world.kochi)
    rows = _rows(_table(client.get("/coordination/dashboards").get_data(as_text=True), "follow-ups-table"))
    assert rows[1] == ["3か月後", "2", "1", "0", "1", "100.0%"]
    assert rows[2] == ["6か月後", "1", "0", "1", "0", "0.0%"]
    assert rows[3] == ["12か月後", "1", "0", "0", "0", "—"]


def test_english_switch_changes_the_chart_labels(app, client, login_as, world):
    with app.app_context():
        db.session.get(User, world.kochi).locale = "en"
        db.session.commit()
    login_as(world.kochi)
    html = client.get("/coordination/dashboards").get_data(as_text=True)
    assert '<html lang="en">' in html
    assert _chart(html, "stages")["datasets"][0]["label"] == "Municipal DX Accelerators"
    assert re.match(r"\d{4}-\d{2}$", _chart(html, "months")["labels"][0])


@pytest.mark.parametrize("who", ["candidate", "member"])
def test_dashboards_are_for_coordinators_and_admins(client, login_as, world, who):
    login_as(getattr(world, who))
    assert client.get("/coordination/dashboards").status_code == 403
    assert client.get("/coordination/support-structure").status_code == 403


def test_admins_see_the_whole_country(client, login_as, world):
    login_as(world.admin)
    html = client.get("/coordination/dashboards").get_data(as_text=True)
    assert _rows(_table(html, "stages-table"))[-1][-1] == "10"


def test_the_coordinator_home_links_to_the_dashboards(client, login_as, world):
    login_as(world.kochi)
    html = client.get("/coordination/").get_data(as_text=True)
    assert 'href="/coordination/dashboards"' in html and 'href="/coordination/support-structure"' in html


def test_vendored_chart_library_is_served_with_its_licence(client):
    response = client.get("/static/vendor/chartjs/chart.umd.min.js")
    assert response.status_code == 200 and b"Chart.js v4" in response.data[:200]
    response.close()
    licence = client.get("/static/vendor/chartjs/LICENSE.md")
    assert b"MIT License" in licence.data
    licence.close()


# --- support structure -------------------------------------------------------------
def _complete_count(client) -> str:
    html = client.get("/coordination/support-structure").get_data(as_text=True)
    return re.search(r'<p id="support-summary"><strong>(.*?)</strong>', html).group(1)


def test_national_table_lists_all_47_prefectures(client, login_as, world):
    login_as(world.nagano)
    html = client.get("/coordination/support-structure").get_data(as_text=True)
    assert len(_rows(_table(html, "support-table"))) == 48  # header + 47
    assert _complete_count(client) == "4機能がすべてそろう都道府県: 0 / 47"
    # only the coordinator's own prefecture has an edit link
    assert "/coordination/support-structure/20" in html and "/coordination/support-structure/39" not in html


def test_a_prefectures_coordinator_edits_it_and_the_change_is_recorded(app, client, login_as, world):
    login_as(world.kochi)
    assert client.get("/coordination/support-structure/39").status_code == 200
    response = client.post("/coordination/support-structure/39", data=ALL_FOUR)
    assert response.status_code == 302 and response.headers["Location"].endswith("/coordination/support-structure")
    assert _complete_count(client) == "4機能がすべてそろう都道府県: 1 / 47"
    row = _rows(_table(client.get("/coordination/support-structure").get_data(as_text=True), "support-table"))[39]
    assert row[:6] == ["高知県", "あり", "あり", "あり", "あり", "4 4機能"]
    with app.app_context():
        structure = db.session.scalar(sa.select(PrefectureSupportStructure).where(
            PrefectureSupportStructure.prefecture_code == "39"))
        assert structure.updated_by_id == world.kochi and structure.note == "推進会議は年4回"
        (event,) = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.event == "support_structure.updated"))
        assert event.actor_id == world.kochi and event.subject == "prefecture:39"
        assert event.detail["before"]["council"] is False and event.detail["after"]["themes"] is True
    # unticking one function takes the prefecture out of the count, and is recorded too
    client.post("/coordination/support-structure/39", data={**ALL_FOUR, "themes": ""})
    assert _complete_count(client) == "4機能がすべてそろう都道府県: 0 / 47"
    html = client.get("/coordination/support-structure/39").get_data(as_text=True)
    assert len(_rows(_table(html, "history-table"))) == 3  # header + two changes
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(AuditEvent.id)).where(
            AuditEvent.event == "support_structure.updated")) == 2


def test_any_scheme_in_the_prefecture_is_enough_to_edit_it(client, login_as, world):
    login_as(world.kochi_side_job)
    assert client.post("/coordination/support-structure/39", data=ALL_FOUR).status_code == 302


def test_another_prefectures_coordinator_gets_403(app, client, login_as, world):
    login_as(world.nagano)
    assert client.get("/coordination/support-structure/39").status_code == 403
    assert client.post("/coordination/support-structure/39", data=ALL_FOUR).status_code == 403
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(PrefectureSupportStructure.id))) == 0


def test_admins_edit_any_prefecture(client, login_as, world):
    login_as(world.admin)
    assert client.post("/coordination/support-structure/47", data=ALL_FOUR).status_code == 302
    assert _complete_count(client) == "4機能がすべてそろう都道府県: 1 / 47"


@pytest.mark.parametrize(("data", "message"), [
    ({**ALL_FOUR, "council": "maybe"}, "チェックボックスの値が正しくありません。"),
    ({**ALL_FOUR, "note": "あ" * 2001}, "2000文字以内で入力してください。"),
    ({**ALL_FOUR, "note": "会議\u202e体"}, "使用できない制御文字が含まれています。"),
])
def test_bad_input_gives_a_japanese_400_and_changes_nothing(app, client, login_as, world, data, message):
    login_as(world.kochi)
    response = client.post("/coordination/support-structure/39", data=data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(PrefectureSupportStructure.id))) == 0


@pytest.mark.parametrize("code", ["99", "4", "ab", "00"])
def test_unknown_prefecture_is_404(client, login_as, world, code):
    login_as(world.admin)
    assert client.get(f"/coordination/support-structure/{code}").status_code == 404


def test_dashboard_shows_the_own_prefectures_support_structure(client, login_as, world):
    login_as(world.kochi)
    client.post("/coordination/support-structure/39", data=ALL_FOUR)
    html = client.get("/coordination/dashboards").get_data(as_text=True)
    assert "4機能（会議体・ヒアリング・専門人材確保・取組テーマ設定）がすべてそろう都道府県: 1 / 47" in html
    assert _rows(_table(html, "own-support-table"))[1][:5] == ["高知県", "あり", "あり", "あり", "あり"]


def test_chart_data_survive_quotes_and_markup_in_labels(app):
    spec = {"type": "bar", "labels": ["O'Brien \"&\" <b>"], "datasets": [{"label": "x'", "data": [1]}]}
    with app.test_request_context():
        macro = app.jinja_env.get_template("coordination/_chart.html").module.chart
        html = str(macro("t", "caption", spec))
    assert "<b>" not in html
    assert _chart(html, "t") == spec
