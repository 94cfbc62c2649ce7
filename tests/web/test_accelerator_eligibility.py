"""The accelerator's eligibility rule is told where people act: the join form, the answer to
joining, the dashboard and the coordinator's candidate page; and it is the engine's own rule."""
from __future__ import annotations

import re

import pytest

from marketplace.matching.records import SeekerRecord
from marketplace.matching.rules import SCHEME_RULES, check_eligibility
from marketplace.extensions import db
from marketplace.models import CandidateProfile, Role
from marketplace.schemes.eligibility import MIN_YEARS, accelerator_eligibility
from tests.web.list_factories import build_profile


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _join(client, **fields):
    data = {"years_experience": "2", "employment_forms": ["part_time"]}
    data.update(fields)
    return client.post("/candidates/schemes/accelerator", data=data, follow_redirects=True)


def test_the_join_form_states_the_rule(client, make_user, login_as):
    login_as(make_user(Role.CANDIDATE))
    text = _text(client.get("/candidates/schemes/accelerator").get_data(as_text=True))
    assert "実務経験が5年以上、またはIPA高度試験" in text and "いずれかに合格していること" in text
    assert "要件を満たすまで、アクセラレータの募集は提案されません" in text
    # Other schemes have no such rule.
    assert "IPA高度試験" not in _text(client.get("/candidates/schemes/side_job").get_data(as_text=True))


def test_the_rule_is_stated_in_english_too(client, make_user, login_as):
    login_as(make_user(Role.CANDIDATE, locale="en"))
    text = _text(client.get("/candidates/schemes/accelerator?lang=en").get_data(as_text=True))
    assert "5 or more years" in text and "level 4" in text


def test_joining_while_ineligible_says_so_and_why(client, make_user, login_as):
    login_as(make_user(Role.CANDIDATE))
    response = _join(client, years_experience="3")
    assert response.status_code == 200
    text = _text(response.get_data(as_text=True))
    assert "に参加しましたが、参加の要件（実務経験5年以上、またはIPA高度試験の合格）を満たしていないため" in text
    assert "要件を満たすまでアクセラレータの募集は提案されません（現在：実務経験3年、IPA高度試験の合格なし）" in text
    assert "flash-warning" in response.get_data(as_text=True)
    # The dashboard keeps saying it after the message is gone, and so does the form.
    dashboard = _text(client.get("/candidates/").get_data(as_text=True))
    assert "募集は提案されません（現在：実務経験3年、IPA高度試験の合格なし）" in dashboard
    form = _text(client.get("/candidates/schemes/accelerator").get_data(as_text=True))
    assert "現在：実務経験3年、IPA高度試験の合格なし。要件を満たしていないため" in form


@pytest.mark.parametrize("fields", [{"years_experience": "5"}, {"years_experience": "1", "exams": ["SC"]}])
def test_joining_while_eligible_says_only_joined(client, make_user, login_as, fields):
    login_as(make_user(Role.CANDIDATE))
    text = _text(_join(client, **fields).get_data(as_text=True))
    assert "「自治体DXアクセラレータ」に参加しました。" in text
    assert "提案されません（現在" not in text and "参加しましたが" not in text


def test_an_exam_on_the_profile_counts(app, client, make_user, login_as):
    user = make_user(Role.CANDIDATE)
    profile_id = build_profile(app, user, name="試験 合格", residence="39")
    with app.app_context():
        db.session.get(CandidateProfile, profile_id).qualifications = ["PM"]
        db.session.commit()
    login_as(user)
    text = _text(_join(client, years_experience="1").get_data(as_text=True))
    assert "参加しましたが" not in text and "に参加しました。" in text


def test_claiming_equivalent_knowledge_is_sent_to_a_coordinator(client, make_user, login_as):
    login_as(make_user(Role.CANDIDATE))
    text = _text(_join(client, years_experience="2", claims_equivalent="y",
                       equivalent_note="自治体の調達支援を10件").get_data(as_text=True))
    assert "申告された同等の知識・経験をコーディネーターが確認します" in text
    assert "現在：実務経験2年、IPA高度試験の合格なし" in text


def test_the_coordinator_candidate_page_flags_it(app, client, make_user, login_as):
    coordinator = make_user(Role.COORDINATOR, area=(("accelerator",), ("39",)))
    profiles = {}
    for name, details in (("要件 未達", {"years_experience": 3}),
                          ("同等 申告", {"years_experience": 2, "claims_equivalent": True}),
                          ("要件 充足", {"years_experience": 8})):
        profiles[name] = build_profile(app, make_user(Role.CANDIDATE), name=name, residence="39",
                                       opt_ins={"accelerator": details})
    login_as(coordinator)
    page = lambda name: _text(client.get(f"/coordination/candidates/{profiles[name]}").get_data(as_text=True))  # noqa: E731
    short = page("要件 未達")
    assert "参加の要件を満たしていません 現在：実務経験3年、IPA高度試験の合格なし。" in short
    assert "アクセラレータの募集には提案されません" in short
    assert "要確認：同等の知識・経験の申告 現在：実務経験2年" in page("同等 申告")
    met = page("要件 充足")
    assert "参加の要件を満たしています（実務経験8年、IPA高度試験の合格なし）。" in met
    assert "満たしていません" not in met


@pytest.mark.parametrize("years,quals,claims", [
    (None, (), False), (0, (), False), (4, (), False), (5, (), False), (30, (), False),
    (2, ("PM",), False), (2, ("2019年にプロジェクトマネージャ試験に合格",), False), (2, ("応用情報技術者",), False),
    (2, (), True), (6, (), True),
])
def test_the_told_rule_is_the_engines_rule(years, quals, claims):
    told = accelerator_eligibility(quals, {"years_experience": years, "claims_equivalent": claims})
    params = next(s.params for s in SCHEME_RULES["accelerator"] if s.check == "eligibility")
    engine = check_eligibility(SeekerRecord(id="x", scheme="accelerator", years_experience=years,
                                            qualifications=quals, claims_equivalent=claims), None, params)
    assert (told.status, told.code) == (engine.status, engine.code)
    assert MIN_YEARS == 5
