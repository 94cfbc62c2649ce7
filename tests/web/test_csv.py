"""Coordinators' CSV: exports of their area, and all-or-nothing imports of postings and invitations."""
from __future__ import annotations

import csv
import io
import random
import re
from datetime import date
from urllib.parse import unquote

import pytest
import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.models import (
    AuditEvent,
    CandidateProfile,
    Invitation,
    Match,
    Municipality,
    OrgKind,
    Posting,
    PostingStatus,
    Role,
    SchemeOptIn,
    User,
    Visibility,
)
from marketplace.core import csv_io
from marketplace.organisations import operations as organisations
from tests.web.test_postings import ACCELERATOR_POSITION, SUCCESSION_CASE

SIDE_JOB_PROJECT = {
    "title": "販路拡大の副業人材", "description": "県外への販路を広げたい。\n週1回のオンライン会議。", "prefecture_code": "39",
    "municipality_code": "", "remote": "remote", "skills": "EC、マーケティング", "categories": ["sales_channels", "ec_site"],
    "employment_form": "side_job", "months": "3", "monthly_budget_max": "50000", "hours_per_month": "20",
    "first_time_user": "y", "deliverable": "売上10%増",
}
#: Fields that must survive export → import unchanged.
COMPARED = ("organisation_id", "scheme", "posting_type", "title", "description", "prefecture_code", "municipality_code",
            "remote", "skills", "deadline", "capacity", "employment_form", "monthly_budget_max", "hours_per_month",
            "months", "categories", "details", "confidential")


@pytest.fixture
def kochi(app, make_org, make_user):
    """Kochi: a prefecture office, a firm, their members and a coordinator; Tokyo: another coordinator."""
    with app.app_context():
        db.session.add(Municipality(code="392014", prefecture_code="39", name_ja="高知市", kind="city"))
        db.session.commit()
    prefecture = make_org("高知県 デジタル政策課", OrgKind.PREFECTURE, "39")
    firm = make_org("土佐の会社", OrgKind.FIRM, "39")
    tokyo = make_org("東京都 デジタルサービス局", OrgKind.PREFECTURE, "13")
    return {
        "prefecture": prefecture, "firm": firm, "tokyo": tokyo,
        "member": make_user(Role.MEMBER, org_id=prefecture),
        "firm_member": make_user(Role.MEMBER, org_id=firm),
        "tokyo_member": make_user(Role.MEMBER, org_id=tokyo),
        "coordinator": make_user(Role.COORDINATOR, area=(("accelerator", "succession", "side_job"), ("39",))),
        "other_coordinator": make_user(Role.COORDINATOR, area=(("accelerator",), ("13",))),
    }


def _create_postings(client, kochi, login_as) -> None:
    login_as(kochi["member"])
    position = dict(ACCELERATOR_POSITION, title="=HYPERLINK(\"http://evil.example\")", municipality_code="392014",
                    deadline="2099-03-31", recruitment_start="2026-04-01")
    assert client.post("/organisations/postings/new/accelerator/position", data=position).status_code == 302
    client.post("/auth/logout")
    login_as(kochi["firm_member"])
    assert client.post("/organisations/postings/new/succession/case", data=SUCCESSION_CASE).status_code == 302
    assert client.post("/organisations/postings/new/side_job/project", data=SIDE_JOB_PROJECT).status_code == 302
    client.post("/auth/logout")
    login_as(kochi["tokyo_member"])
    tokyo = dict(ACCELERATOR_POSITION, title="東京都のアクセラレータ募集", prefecture_code="13")
    assert client.post("/organisations/postings/new/accelerator/position", data=tokyo).status_code == 302
    client.post("/auth/logout")


def _rows(body: bytes) -> list[list[str]]:
    assert body.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))


def _upload(client, kind: str, content: bytes, filename: str = "upload.csv"):
    return client.post(f"/coordination/csv/{kind}/preview", data={f"{kind}-file": (io.BytesIO(content), filename)},
                       content_type="multipart/form-data")


def _token(html: str) -> str:
    match = re.search(r'name="token" type="hidden" value="([^"]+)"', html) or re.search(
        r'id="token" name="token" type="hidden" value="([^"]+)"', html)
    assert match, html
    return match.group(1)


def _commit(client, kind: str, preview_html: str):
    return client.post(f"/coordination/csv/{kind}/commit", data={"token": _token(preview_html)})


def _snapshot(posting: Posting) -> dict:
    return {name: getattr(posting, name) for name in COMPARED}


def _postings(app) -> list[Posting]:
    with app.app_context():
        postings = db.session.scalars(sa.select(Posting).order_by(Posting.id)).all()
        for p in postings:
            db.session.expunge(p)
        return postings


# --- export ------------------------------------------------------------------------------
def test_export_postings_is_excel_friendly_and_limited_to_the_area(app, client, kochi, make_user, login_as):
    _create_postings(client, kochi, login_as)
    admin = make_user(Role.ADMIN)
    login_as(kochi["coordinator"])
    response = client.get("/coordination/csv/postings.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="postings_') and "filename*=UTF-8''" in disposition
    assert unquote(disposition.split("UTF-8''")[1]).startswith("募集一覧_")
    body = response.data
    assert b"\r\n" in body and body.count(b"\r\n") >= 4
    rows = _rows(body)
    header = rows[0]
    assert header[:4] == ["募集ID", "状態", "団体ID", "団体名"] and "タイトル" in header
    titles = [r[header.index("タイトル")] for r in rows[1:]]
    assert len(titles) == 3 and "東京都のアクセラレータ募集" not in titles
    # A formula in a cell is neutralised with an apostrophe.
    assert "'=HYPERLINK(\"http://evil.example\")" in titles
    with app.app_context():
        assert db.session.scalar(sa.select(AuditEvent).where(AuditEvent.event == "csv.export")).subject == "postings"

    client.post("/auth/logout")
    login_as(kochi["other_coordinator"])
    other = _rows(client.get("/coordination/csv/postings.csv").data)
    assert [r[other[0].index("タイトル")] for r in other[1:]] == ["東京都のアクセラレータ募集"]
    client.post("/auth/logout")
    login_as(admin)  # admins see every area
    assert len(_rows(client.get("/coordination/csv/postings.csv").data)) == 5


def test_export_needs_a_coordinator(client, kochi, login_as):
    assert client.get("/coordination/csv/postings.csv").status_code == 302  # to the login page
    login_as(kochi["member"])
    for path in ("/coordination/csv", "/coordination/csv/postings.csv", "/coordination/csv/candidates.csv",
                 "/coordination/csv/matches.csv"):
        assert client.get(path).status_code == 403


def _candidate(app, make_user, *, name: str, residence: str | None, work: list[str], scheme: str,
               visibility: Visibility = Visibility.COORDINATORS, email: str | None = None) -> int:
    user_id = make_user(Role.CANDIDATE, email=email)
    with app.app_context():
        user = db.session.get(User, user_id)
        user.display_name = name
        profile = CandidateProfile(user=user, residence_prefecture=residence, work_prefectures=work, skills=["EC"],
                                   phone="090-1234-5678", visibility=visibility, self_intro="-1+1 と書く自己紹介",
                                   employment_forms=["side_job"])
        profile.opt_ins.append(SchemeOptIn(scheme=scheme, details={}))
        db.session.add(profile)
        db.session.commit()
        return profile.id


def test_export_candidates_in_the_area_without_contact_details(app, client, kochi, make_user, login_as):
    _candidate(app, make_user, name="@高知の人", residence="39", work=[], scheme="side_job",
               email="kochi-person@example.jp")
    _candidate(app, make_user, name="移住したい人", residence="13", work=["39"], scheme="accelerator",
               visibility=Visibility.PUBLIC_SUMMARY)
    _candidate(app, make_user, name="東京の人", residence="13", work=["13"], scheme="accelerator")
    _candidate(app, make_user, name="制度違いの人", residence="39", work=[], scheme="adviser")
    login_as(kochi["coordinator"])
    body = client.get("/coordination/csv/candidates.csv").data
    rows = _rows(body)
    names = sorted(r[rows[0].index("表示名")] for r in rows[1:])
    assert names == ["'@高知の人", "移住したい人"]
    text = body.decode("utf-8-sig")
    assert "kochi-person@example.jp" not in text and "090-1234-5678" not in text
    assert "'-1+1 と書く自己紹介" in text
    client.post("/auth/logout")
    login_as(kochi["other_coordinator"])
    rows = _rows(client.get("/coordination/csv/candidates.csv").data)
    assert sorted(r[rows[0].index("表示名")] for r in rows[1:]) == ["東京の人", "移住したい人"]


def test_export_matches_in_the_area(app, client, kochi, make_user, login_as):
    _create_postings(client, kochi, login_as)
    profile_id = _candidate(app, make_user, name="高知の候補者", residence="39", work=[], scheme="accelerator")
    with app.app_context():
        kochi_posting, tokyo_posting = (db.session.scalar(sa.select(Posting).where(
            Posting.scheme == "accelerator", Posting.prefecture_code == code)) for code in ("39", "13"))
        for posting in (kochi_posting, tokyo_posting):
            db.session.add(Match(scheme="accelerator", posting_id=posting.id, seeker_ref=f"c{profile_id}",
                                 candidate_profile_id=profile_id, score=0.8123, flagged=True))
        db.session.commit()
    login_as(kochi["coordinator"])
    rows = _rows(client.get("/coordination/csv/matches.csv").data)
    header = rows[0]
    assert len(rows) == 2
    row = dict(zip(header, rows[1]))
    assert row["人材・解決策"] == "高知の候補者" and row["都道府県"] == "高知県" and row["スコア"] == "0.812"
    assert row["募集のタイトル"].startswith("'=HYPERLINK") and row["状態"] == "提案" and row["要確認"] == "はい"
    client.post("/auth/logout")
    login_as(kochi["other_coordinator"])
    rows = _rows(client.get("/coordination/csv/matches.csv").data)
    assert [r[rows[0].index("募集のタイトル")] for r in rows[1:]] == ["東京都のアクセラレータ募集"]


def test_english_interface_gets_english_headers_that_import_again(app, client, kochi, make_user, login_as):
    _create_postings(client, kochi, login_as)
    english = make_user(Role.COORDINATOR, area=(("accelerator", "succession", "side_job"), ("39",)), locale="en")
    login_as(english)
    body = client.get("/coordination/csv/postings.csv").data
    header = _rows(body)[0]
    assert "Title" in header and "タイトル" not in header
    response = _upload(client, "postings", body)
    assert response.status_code == 200, response.get_data(as_text=True)


# --- posting import ------------------------------------------------------------------------
@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "cp932"])
def test_exported_postings_import_again_unchanged(app, client, kochi, login_as, encoding):
    _create_postings(client, kochi, login_as)
    before = [p for p in _postings(app) if p.prefecture_code == "39"]
    login_as(kochi["coordinator"])
    exported = client.get("/coordination/csv/postings.csv").data.decode("utf-8-sig")
    content = exported.encode(encoding)
    if encoding == "cp932":
        # Shift_JIS has no BOM, and the wave dash of "5千万〜1億円" comes back as a full-width tilde.
        assert not content.startswith(b"\xef\xbb\xbf") and "5千万～1億円" in content.decode("cp932")
    preview = _upload(client, "postings", content)
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200, html
    assert "3行すべてに誤りはありません" in html
    assert len(_postings(app)) == 4  # the preview stores nothing
    response = _commit(client, "postings", html)
    assert response.status_code == 302
    assert "3件の募集を下書きとして登録しました。" in client.get(response.headers["Location"]).get_data(as_text=True)
    created = _postings(app)[4:]
    assert [_snapshot(p) for p in created] == [_snapshot(p) for p in before]
    with app.app_context():
        for posting in created:
            posting = db.session.get(Posting, posting.id)
            assert posting.status == PostingStatus.DRAFT
            assert posting.proxy_by_id == kochi["coordinator"] and posting.created_by_id == kochi["coordinator"]
            assert [(h.to_status, h.comment) for h in posting.history] == [("draft", "proxy")]


def _posting_csv(*rows: dict[str, str], header: tuple[str, ...] | None = None) -> str:
    header = header or ("団体名", "制度", "募集の種類", "タイトル", "内容", "募集人数",
                        "任用形態／契約形態／求める人材／望む出口／制度", "重点テーマ／ミッション／業種／分野", "募集締切日")
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(h, "") for h in header])
    return buffer.getvalue()


GOOD_ROW = {"団体名": "高知県 デジタル政策課", "制度": "自治体DXアクセラレータ", "募集の種類": "アクセラレータの募集（都道府県）",
            "タイトル": "デジタル人材の募集", "内容": "市町村を支援します。", "募集人数": "２",
            "任用形態／契約形態／求める人材／望む出口／制度": "非常勤", "重点テーマ／ミッション／業種／分野": "共同調達、庁内DX"}


def test_a_hand_written_file_in_shift_jis_imports(app, client, kochi, login_as):
    login_as(kochi["coordinator"])
    content = _posting_csv(GOOD_ROW, dict(GOOD_ROW, タイトル="二件目", 募集締切日="2099/4/1")).encode("cp932")
    preview = _upload(client, "postings", content)
    assert preview.status_code == 200, preview.get_data(as_text=True)
    assert _commit(client, "postings", preview.get_data(as_text=True)).status_code == 302
    created = _postings(app)
    assert [(p.title, p.capacity, p.employment_form, p.categories, p.prefecture_code) for p in created] == [
        ("デジタル人材の募集", 2, "part_time", ["joint_procurement", "internal_dx"], "39"),
        ("二件目", 2, "part_time", ["joint_procurement", "internal_dx"], "39"),
    ]
    assert str(created[1].deadline) == "2099-04-01"


def test_a_file_near_the_size_limit_survives_the_preview_and_commits(app, client, kochi, login_as):
    """Random kanji hardly compress: the signed text must still fit in the commit form."""
    rng = random.Random(5)
    kanji = [c for c in map(chr, range(0x4E00, 0x9FA0)) if len(c.encode("cp932", errors="ignore")) == 2]
    rows = [dict(GOOD_ROW, タイトル=f"募集{i}", 内容="".join(rng.choice(kanji) for _ in range(1250))) for i in range(100)]
    content = _posting_csv(*rows).encode("cp932")
    assert csv_io.MAX_CSV_BYTES - 10_000 < len(content) <= csv_io.MAX_CSV_BYTES
    login_as(kochi["coordinator"])
    preview = _upload(client, "postings", content)
    assert preview.status_code == 200, preview.get_data(as_text=True)[:2000]
    assert _commit(client, "postings", preview.get_data(as_text=True)).status_code == 302
    assert len(_postings(app)) == 100


def test_row_errors_are_listed_in_japanese_and_nothing_is_stored(app, client, kochi, login_as):
    login_as(kochi["coordinator"])
    rows = [
        GOOD_ROW,
        dict(GOOD_ROW, 募集人数="0", タイトル=""),
        dict(GOOD_ROW, 団体名="東京都 デジタルサービス局"),
        dict(GOOD_ROW, **{"重点テーマ／ミッション／業種／分野": "宇宙開発"}),
        dict(GOOD_ROW, 募集の種類="CIO補佐官の募集（市町村）"),
        dict(GOOD_ROW, 募集締切日="来年"),
        dict(GOOD_ROW, 団体名="存在しない団体"),
    ]
    response = _upload(client, "postings", _posting_csv(*rows).encode("utf-8"))
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "7行のうち6行に誤りがあります" in html
    assert "1〜100の範囲で入力してください。" in html  # the web form's own message
    assert "入力してください。" in html
    assert "担当地域外の団体の募集は作成できません。" in html
    assert "「宇宙開発」は選べません。" in html
    assert "この種類の団体はこの募集を掲載できません。" in html
    assert "日付として読み取れません: 来年。" in html
    assert "団体名「存在しない団体」の団体は見つかりません。" in html
    assert re.search(r"<td>3</td><td>タイトル</td><td>入力してください。</td>", html)
    assert 'name="token"' not in html  # no way to commit
    assert _postings(app) == []


def test_commit_stores_nothing_when_a_row_became_invalid_after_the_preview(app, client, kochi, login_as):
    login_as(kochi["coordinator"])
    succession = {"団体名": "土佐の会社", "制度": "事業承継", "募集の種類": "事業承継の案件（事業者）", "タイトル": "後継者募集",
                  "内容": "食品加工", "任用形態／契約形態／求める人材／望む出口／制度": "後継経営者",
                  "重点テーマ／ミッション／業種／分野": "食品加工", "売上規模": "5千万〜1億円", "従業員数": "6〜20人",
                  "事業者名の公開": "匿名（開示の承認後に公開）", "事業者名（非公開）": "柚子食品"}
    header = ("団体名", "制度", "募集の種類", "タイトル", "内容", "募集人数", "任用形態／契約形態／求める人材／望む出口／制度",
              "重点テーマ／ミッション／業種／分野", "売上規模", "従業員数", "事業者名の公開", "事業者名（非公開）")
    preview = _upload(client, "postings", _posting_csv(GOOD_ROW, succession, header=header).encode("utf-8"))
    assert preview.status_code == 200, preview.get_data(as_text=True)
    with app.app_context():  # meanwhile the coordinator loses the succession scheme
        coordinator = db.session.get(User, kochi["coordinator"])
        organisations.set_coordinator_area(None, coordinator, organisations.parse_area(("accelerator",), ("39",)))
        db.session.commit()
    response = _commit(client, "postings", preview.get_data(as_text=True))
    assert response.status_code == 400
    assert "担当地域外の団体の募集は作成できません。" in response.get_data(as_text=True)
    assert _postings(app) == []


def test_forged_or_foreign_token_is_refused(app, client, kochi, login_as):
    login_as(kochi["coordinator"])
    preview = _upload(client, "postings", _posting_csv(GOOD_ROW).encode("utf-8"))
    token = _token(preview.get_data(as_text=True))
    forged = client.post("/coordination/csv/postings/commit", data={"token": token[:-3] + "abc"})
    assert forged.status_code == 400 and "もう一度アップロードしてください" in forged.get_data(as_text=True)
    # A token for postings does not commit invitations.
    assert client.post("/coordination/csv/invitations/commit", data={"token": token}).status_code == 400
    client.post("/auth/logout")
    login_as(kochi["other_coordinator"])  # nor does it work for someone else
    assert client.post("/coordination/csv/postings/commit", data={"token": token}).status_code == 400
    assert _postings(app) == []


HEADER = "制度,募集の種類,タイトル,内容"


@pytest.mark.parametrize(("content", "status", "message"), [
    (b"", 400, "CSVファイルを選択してください。"),
    (b"\xef\xbb\xbf\r\n", 400, "ファイルが空です。"),
    (f"{HEADER}\r\n\"閉じていない引用符,x,y,z\r\n".encode(), 400, "引用符"),
    (f"{HEADER}\r\n\"a\"b,x,y,z\r\n".encode(), 400, "引用符"),
    ("タイトル,内容\r\na\x00b,x\r\n".encode(), 400, "NUL文字"),
    ("タイトル,内容\r\n".encode("utf-16"), 400, "NUL文字"),
    (b"\x81\x20\x81\x20", 400, "文字コードを判別できません"),
    ("制度,内容\r\nx,y\r\n".encode("euc-jp"), 400, "見出し行を読み取れません"),  # mojibake: valid cp932, garbage
    ("タイトル,色\r\nx,赤\r\n".encode(), 400, "不明な列があります: 色"),
    ("タイトル,タイトル\r\nx,y\r\n".encode(), 400, "同じ列が2回あります"),
    ("団体名,タイトル\r\nx,y\r\n".encode(), 400, "必須の列がありません"),
    ("制度,募集の種類,タイトル,内容\r\n".encode(), 400, "データの行がありません。"),
    (("制度,募集の種類,タイトル,内容\r\n" + "a,b,c,d\r\n" * 1001).encode(), 413, "行数が多すぎます"),
    (b"a" * (csv_io.MAX_CSV_BYTES + 1), 413, "ファイルが大きすぎます"),
    (f"{HEADER}\r\n\"".encode() + b"x" * 200_000 + b"\",y,z,w\r\n", 400, "CSVの形式が正しくありません"),
])
def test_malformed_files_get_a_japanese_4xx(app, client, kochi, login_as, content, status, message):
    login_as(kochi["coordinator"])
    if content:
        response = _upload(client, "postings", content)
    else:
        response = client.post("/coordination/csv/postings/preview", data={}, content_type="multipart/form-data")
    assert response.status_code == status, response.get_data(as_text=True)
    assert message in response.get_data(as_text=True)
    assert _postings(app) == []


def test_a_body_over_the_request_limit_is_413(client, kochi, login_as, app):
    login_as(kochi["coordinator"])
    response = _upload(client, "postings", b"a" * (app.config["MAX_CONTENT_LENGTH"] + 1))
    assert response.status_code == 413
    assert "送信データが大きすぎます" in response.get_data(as_text=True)


def test_templates_and_the_csv_page(client, kochi, login_as):
    login_as(kochi["coordinator"])
    page = client.get("/coordination/csv").get_data(as_text=True)
    for path in ("/coordination/csv/postings.csv", "/coordination/csv/templates/postings.csv",
                 "/coordination/csv/templates/invitations.csv"):
        assert path in page
    assert "/coordination/csv" in client.get("/coordination/").get_data(as_text=True)
    postings_template = _rows(client.get("/coordination/csv/templates/postings.csv").data)
    assert len(postings_template) == 2 and "募集ID" not in postings_template[0] and "タイトル" in postings_template[0]
    assert postings_template[1][0] == "【記入例】この行は取り込まれません"  # one example row, clearly marked
    invitations_template = _rows(client.get("/coordination/csv/templates/invitations.csv").data)
    assert invitations_template[0] == ["氏名", "メールアドレス", "制度", "メッセージ"]
    assert len(invitations_template) == 2 and invitations_template[1][0].startswith("【記入例】")
    assert client.get("/coordination/csv/templates/other.csv").status_code == 404


# --- invitations -----------------------------------------------------------------------------
def _invitations(app) -> list[Invitation]:
    with app.app_context():
        found = db.session.scalars(sa.select(Invitation).order_by(Invitation.id)).all()
        for i in found:
            db.session.expunge(i)
        return found


def test_invitations_are_mailed_once_and_prefill_registration(app, client, kochi, login_as, mailbox):
    login_as(kochi["coordinator"])
    content = ("氏名,メールアドレス,制度,メッセージ\r\n"
               "山田 花子,Hanako@Example.jp,副業・兼業（プロフェッショナル人材）,ぜひご登録ください。\r\n"
               "佐藤 太郎,taro@example.jp,,\r\n").encode("cp932")
    preview = _upload(client, "invitations", content)
    assert preview.status_code == 200, preview.get_data(as_text=True)
    assert _invitations(app) == [] and mailbox.messages == []
    response = _commit(client, "invitations", preview.get_data(as_text=True))
    assert response.status_code == 302
    invited = _invitations(app)
    assert [(i.email, i.name, i.schemes, i.invited_by_id) for i in invited] == [
        ("hanako@example.jp", "山田 花子", ["side_job"], kochi["coordinator"]),
        ("taro@example.jp", "佐藤 太郎", [], kochi["coordinator"])]
    assert all(i.sent_at is not None and i.accepted_at is None for i in invited)
    message = mailbox.to("hanako@example.jp")[0]
    body = message.get_content()
    assert message["Subject"] == "地域人材マッチングへのご招待"
    assert "山田 花子 様" in body and "ぜひご登録ください。" in body and "副業・兼業（プロフェッショナル人材）" in body
    link = re.search(r"http://localhost(/auth/register\?invitation=\S+)", body).group(1)
    assert link.split("=", 1)[1] not in {i.token_hash for i in invited}  # only a hash is stored
    assert len(mailbox.to("taro@example.jp")) == 1

    # The same file again: every row is already invited, nothing is sent or stored twice.
    again = _upload(client, "invitations", content)
    assert again.status_code == 400 and "既に招待済みです" in again.get_data(as_text=True)
    assert len(_invitations(app)) == 2 and len(mailbox.messages) == 2

    client.post("/auth/logout")
    form = client.get(link).get_data(as_text=True)
    assert 'value="hanako@example.jp"' in form and 'value="山田 花子"' in form
    assert 'value="hanako@example.jp"' not in client.get("/auth/register?invitation=wrong").get_data(as_text=True)
    client.post("/auth/register", data={"email": "hanako@example.jp", "display_name": "山田 花子", "password": "correct-Horse-battery-9",
                                        "password_confirm": "correct-Horse-battery-9", "role": "candidate"}).close()
    verify = re.search(r"http://localhost(/auth/verify/\S+)", mailbox.to("hanako@example.jp")[-1].get_content()).group(1)
    assert client.get(verify).status_code == 200
    accepted = {i.email: i.accepted_at for i in _invitations(app)}
    assert accepted["hanako@example.jp"] is not None and accepted["taro@example.jp"] is None


def test_invitation_row_errors(app, client, kochi, make_user, login_as, mailbox):
    make_user(Role.CANDIDATE, email="member@example.jp")
    login_as(kochi["coordinator"])
    content = ("氏名,メールアドレス,制度\r\n"
               "正しい人,ok@example.jp,事業承継\r\n"
               "形式違い,not-an-email,\r\n"
               "重複,OK@example.jp,\r\n"
               "登録済み,member@example.jp,\r\n"
               ",noname@example.jp,\r\n"
               "制度違い,adviser@example.jp,アドバイザー派遣\r\n"
               "不明な制度,x@example.jp,宇宙\r\n").encode("utf-8")
    response = _upload(client, "invitations", content)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    for text in ("メールアドレスの形式が正しくありません。", "2行目と同じメールアドレスです。", "既に登録されている利用者です。",
                 "入力してください。", "担当していない制度には招待できません: アドバイザー派遣", "不明な制度です: 宇宙"):
        assert text in html
    assert 'name="token"' not in html
    assert _invitations(app) == [] and mailbox.messages == []


# --- dates as offices write them, every error of a row, the example row (issues 15 and 16) ------------
DATED_HEADER = ("団体名", "制度", "募集の種類", "タイトル", "内容", "募集人数", "任用形態／契約形態／求める人材／望む出口／制度",
                "重点テーマ／ミッション／業種／分野", "募集締切日", "募集開始日", "働き方")

def test_wareki_full_width_and_excel_serial_dates_import(app, client, kochi, login_as):
    login_as(kochi["coordinator"])
    rows = [dict(GOOD_ROW, タイトル=f"募集{i}", 募集締切日=day, 募集開始日=start) for i, (day, start) in enumerate([
        ("令和9年3月31日", "R8.4.1"), ("R9/3/31", "令和８年４月１日"), ("46477", "2026/4/1"), ("２０９９年３月３１日", "H31.4.30"),
    ])]
    preview = _upload(client, "postings", _posting_csv(*rows, header=DATED_HEADER).encode("cp932"))
    assert preview.status_code == 200, preview.get_data(as_text=True)[:3000]
    assert _commit(client, "postings", preview.get_data(as_text=True)).status_code == 302
    stored = {p.title: (p.deadline, p.details.get("recruitment_start")) for p in _postings(app)}
    assert stored["募集0"] == (date(2027, 3, 31), "2026-04-01")
    assert stored["募集1"] == (date(2027, 3, 31), "2026-04-01")
    assert stored["募集2"] == (date(2027, 3, 31), "2026-04-01")
    assert stored["募集3"] == (date(2099, 3, 31), "2019-04-30")


def test_impossible_dates_are_refused_in_japanese_and_nothing_is_stored(app, client, kochi, login_as):
    login_as(kochi["coordinator"])
    rows = [GOOD_ROW, dict(GOOD_ROW, 募集締切日="令和8年2月30日"), dict(GOOD_ROW, 募集締切日="平成31年5月1日"),
            dict(GOOD_ROW, 募集開始日="令和元年4月30日")]
    response = _upload(client, "postings", _posting_csv(*rows, header=DATED_HEADER).encode("utf-8"))
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "「令和8年2月30日」は存在しない日付です。" in html
    assert "「平成31年5月1日」は存在しない日付です。 平成は平成元年1月8日から平成31年4月30日までです。" in html
    assert "「令和元年4月30日」は存在しない日付です。 令和は令和元年5月1日からです。" in html
    assert 'name="token"' not in html and _postings(app) == []


def test_every_error_of_a_row_is_reported_not_only_the_first(app, client, kochi, login_as):
    login_as(kochi["coordinator"])
    broken = dict(GOOD_ROW, 制度="宇宙開発", タイトル="", 募集締切日="来年", 募集人数="たくさん", 働き方="毎日")
    also = dict(GOOD_ROW, 募集人数="0", 募集締切日="R8.2.30", 募集開始日="R1.4.1",
                **{"任用形態／契約形態／求める人材／望む出口／制度": "存在しない"})
    response = _upload(client, "postings", _posting_csv(GOOD_ROW, broken, also, header=DATED_HEADER).encode("utf-8"))
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    errors = re.findall(r"<tr><td>(\d+)</td><td>([^<]*)</td><td>([^<]*)</td></tr>", html)
    row3 = {column for number, column, _m in errors if number == "3"}
    assert {"制度", "タイトル", "募集締切日", "募集人数", "働き方"} <= row3, errors
    row4 = {column for number, column, _m in errors if number == "4"}
    assert {"募集人数", "募集締切日", "募集開始日", "任用形態／契約形態／求める人材／望む出口／制度"} <= row4, errors
    assert "3行のうち2行に誤りがあります" in html
    assert _postings(app) == []


def test_the_templates_example_row_is_skipped_and_a_copy_of_it_imports(app, client, kochi, login_as):
    login_as(kochi["coordinator"])
    template = _rows(client.get("/coordination/csv/templates/postings.csv").data)
    header, example = template
    assert "令和9年3月31日" in example  # the example shows the 和暦 an office writes
    copy = ["", *example[1:]]
    body = io.StringIO()
    csv.writer(body).writerows([header, example, copy])
    preview = _upload(client, "postings", body.getvalue().encode("utf-8"))
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200, html[:3000]
    assert "記入例の行（2行目）は取り込みません。" in html and "1行すべてに誤りはありません" in html
    assert _commit(client, "postings", html).status_code == 302
    assert [p.deadline for p in _postings(app)] == [date(2027, 3, 31)]
    # The template alone holds no data row.
    alone = io.StringIO()
    csv.writer(alone).writerows([header, example])
    response = _upload(client, "postings", alone.getvalue().encode("utf-8"))
    assert response.status_code == 400 and "データの行がありません。" in response.get_data(as_text=True)


def test_the_invitation_templates_example_row_is_skipped(app, client, kochi, login_as, mailbox):
    login_as(kochi["coordinator"])
    header, example = _rows(client.get("/coordination/csv/templates/invitations.csv").data)
    body = io.StringIO()
    csv.writer(body).writerows([header, example, ["山田 花子", "hanako@example.jp", "事業承継", ""]])
    preview = _upload(client, "invitations", body.getvalue().encode("utf-8"))
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200, html[:3000]
    assert "記入例の行（2行目）は取り込みません。" in html and "taro.yamada@example.jp" not in html
    assert _commit(client, "invitations", html).status_code == 302
    assert [i.email for i in _invitations(app)] == ["hanako@example.jp"]


def test_the_english_template_has_an_english_example_row(app, client, kochi, login_as):
    login_as(kochi["coordinator"])
    client.post("/language", data={"language": "en"})
    header, example = _rows(client.get("/coordination/csv/templates/postings.csv").data)
    assert example[0] == "[Example] this row is not imported" and "Title" in header


def test_a_retried_commit_imports_the_file_once(app, client, kochi, login_as):
    login_as(kochi["coordinator"])
    preview = _upload(client, "postings", _posting_csv(GOOD_ROW).encode("utf-8"))
    html = preview.get_data(as_text=True)
    key = re.search(r'name="idempotency_key" value="([^"]+)"', html).group(1)
    data = {"token": _token(html), "idempotency_key": key}
    first = client.post("/coordination/csv/postings/commit", data=data)
    second = client.post("/coordination/csv/postings/commit", data=data)
    assert first.status_code == 302 and second.status_code == 303
    assert second.headers["Location"] == first.headers["Location"]
    assert [p.title for p in _postings(app)] == ["デジタル人材の募集"]
