"""An anonymous succession case: the city stays hidden and linkable details are flagged to poster and reviewer."""
from __future__ import annotations

import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.models import Municipality, Posting
from tests.web.test_postings import SUCCESSION_CASE, _publish, kochi  # noqa: F401 (fixture)

NAMED = {"title": "ゆずポン酢「柚香しずく」の販路開拓", "description": "当社のゆずポン酢「柚香しずく」の首都圏での販路を広げます。",
         "prefecture_code": "39", "remote": "remote", "categories": ["sales_channels"], "employment_form": "side_job",
         "months": "3", "monthly_budget_max": "50000", "hours_per_month": "20"}


def _kochi_city(app) -> tuple[str, str]:
    from marketplace.seeding.reference import load_reference

    with app.app_context():
        load_reference()
        db.session.commit()
        municipality = db.session.scalar(sa.select(Municipality).where(Municipality.name_ja == "高知市"))
        return municipality.code, municipality.name_ja


def test_linkable_details_are_flagged_and_the_city_is_hidden(app, client, kochi, login_as):  # noqa: F811
    city_code, city = _kochi_city(app)
    login_as(kochi["firm_member"])
    assert client.post("/organisations/postings/new/side_job/project", data=NAMED).status_code == 302
    with app.app_context():
        named_id = db.session.scalar(sa.select(Posting.id))
    case = dict(SUCCESSION_CASE, municipality_code=city_code,
                description="高知市で「柚香しずく」を製造しています。売上高 1億2,300万円、従業員12名。"
                            "詳しくは https://yuzu.example.jp/ まで。")
    form_page = client.get("/organisations/postings/new/succession/case").get_data(as_text=True)
    assert "開示まで都道府県だけが表示されます" in form_page
    response = client.post("/organisations/postings/new/succession/case", data=case, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "事業者を特定できる情報が見つかりました" in html
    assert "匿名性の確認" in html
    assert "「柚香しずく」は同じ団体の他の募集にも出てくる言葉です" in html
    assert "「1億2,300万円」は正確な数字です。「1〜3億円」のような幅のある表現にしてください。" in html
    assert "「高知市」は市区町村名です。開示までは「高知県」のように都道府県までにしてください。" in html
    assert "https://yuzu.example.jp/" in html and "従業員6〜20名" in html
    with app.app_context():
        case_id = db.session.scalar(sa.select(Posting.id).where(Posting.id != named_id))
    # The edit form (the step before sending it for review) shows the same findings.
    assert "匿名性の確認" in client.get(f"/organisations/postings/{case_id}/edit").get_data(as_text=True)
    client.post("/auth/logout")

    # The reviewer sees them next to the approve button.
    login_as(kochi["coordinator"])
    with app.app_context():
        from marketplace.models import User
        from marketplace.postings import operations as postings

        postings.submit_for_review(db.session.get(User, kochi["coordinator"]), db.session.get(Posting, case_id))
        db.session.commit()
    review = client.get(f"/coordination/postings/{case_id}/review").get_data(as_text=True)
    assert "匿名性の確認" in review and "「柚香しずく」" in review
    assert review.index("匿名性の確認") < review.index("<h2>内容</h2>")
    client.post("/auth/logout")

    with app.app_context():
        from marketplace.models import User
        from marketplace.postings import operations as postings

        postings.approve(db.session.get(User, kochi["coordinator"]), db.session.get(Posting, case_id))
        db.session.commit()
    _publish(app, named_id, kochi["coordinator"])
    anonymous = app.test_client()
    detail = anonymous.get(f"/postings/{case_id}").get_data(as_text=True)
    assert "高知県" in detail and "<dd>高知県 高知市" not in detail and "匿名性の確認" not in detail
    listing = anonymous.get("/postings", query_string={"scheme": "succession"}).get_data(as_text=True)
    assert "高知県 高知市" not in listing
    api = anonymous.get(f"/api/v1/postings/{case_id}").get_json()
    assert api is None or api.get("municipality_code") is None
    # The firm's own named posting keeps its city (the guard is about anonymous cases only).
    login_as(kochi["firm_member"])
    assert "匿名性の確認" not in client.get(f"/postings/{named_id}").get_data(as_text=True)


def test_a_clean_anonymous_case_has_no_findings(app, client, kochi, login_as):  # noqa: F811
    login_as(kochi["firm_member"])
    case = dict(SUCCESSION_CASE, description="代表者が高齢となり、事業を引き継いでくださる方を探しています。",
                firm_name="土佐の会社")
    html = client.post("/organisations/postings/new/succession/case", data=case,
                       follow_redirects=True).get_data(as_text=True)
    assert "匿名性の確認" not in html and "事業者を特定できる情報が見つかりました" not in html
