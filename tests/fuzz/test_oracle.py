"""The checks of the fuzz suite catch what they claim to: each rule is broken once on purpose."""
from __future__ import annotations

from werkzeug.wrappers import Response

from tests.fuzz import snapshots
from tests.fuzz.html_forms import FieldSpec, FormSpec, parse_forms
from tests.fuzz.judge import Request, verdict
from tests.fuzz.responses import response_problems

PAGE = '<html lang="ja"><body><main>{}</main></body></html>'
FORM = FormSpec("post", "/x", "", {"title": FieldSpec("title", "text"), "kind": FieldSpec("kind", "select", ["a", "b"])})


def _page(status: int, main: str, **headers: str) -> Response:
    return Response(PAGE.format(main), status=status, content_type="text/html; charset=utf-8", headers=headers)


def _snapshot(**tables: list[dict]) -> snapshots.Snapshot:
    return {name: {(row["id"],): row for row in rows} for name, rows in tables.items()}


def _request(hostile: dict[str, list[str]] | None = None, actor: int | None = 1) -> Request:
    return Request("x", "/x/1", actor, [("postings", 1)], FORM, hostile or {})  # as if the URL named posting 1


def test_server_errors_tracebacks_and_redirects_off_site_are_caught():
    assert response_problems(_page(500, "<h1>エラー</h1>"), api=False)
    assert response_problems(_page(200, 'Traceback (most recent call last): File "/app.py"'), api=False)
    assert response_problems(_page(302, "", Location="https://evil.example/"), api=False)
    assert response_problems(_page(302, "", Location="//evil.example/"), api=False)
    assert not response_problems(_page(302, "", Location="/postings"), api=False)


def test_a_refusal_must_say_why_in_japanese():
    assert response_problems(_page(400, '<form method="post"><input name="a"></form>'), api=False)
    assert response_problems(_page(400, '<ul class="errors"><li>Required.</li></ul><form method="post"></form>'),
                             api=False)
    assert not response_problems(_page(400, '<ul class="errors"><li>入力してください。</li></ul>'
                                            '<form method="post"></form>'), api=False)
    assert not response_problems(_page(404, "<h1>ページが見つかりません</h1>"), api=False)
    assert response_problems(Response("<html>oops</html>", status=400, content_type="text/plain"), api=False)
    assert response_problems(Response("not json", status=400, content_type="text/html"), api=True)
    assert not response_problems(Response('{"error": {"code": "bad_request", "message": "正しくありません"}}',
                                          status=400, content_type="application/json"), api=True)


def test_a_refused_request_may_not_change_a_row():
    before = _snapshot(users=[{"id": 1, "display_name": "山田"}])
    after = _snapshot(users=[{"id": 1, "display_name": "x"}])
    problems = verdict(_request(), _page(400, '<p class="flash flash-error">だめです</p>'), before, after)
    assert any("refused" in p for p in problems)


def test_an_accepted_request_may_change_only_its_own_rows():
    before = _snapshot(users=[{"id": 1, "display_name": "山田"}, {"id": 2, "display_name": "佐藤"}])
    own = _snapshot(users=[{"id": 1, "display_name": "山田 花子"}, {"id": 2, "display_name": "佐藤"}])
    other = _snapshot(users=[{"id": 1, "display_name": "山田"}, {"id": 2, "display_name": "山田 花子"}])
    lost = _snapshot(users=[{"id": 1, "display_name": "山田"}])
    redirect = _page(302, "", Location="/")
    assert not verdict(_request(), redirect, before, own)
    assert any("updated users row 2" in p for p in verdict(_request(), redirect, before, other))
    assert any("deleted users row 2" in p for p in verdict(_request(), redirect, before, lost))


def test_accepted_text_must_be_stored_intact_and_choices_kept():
    before = _snapshot(postings=[{"id": 1, "title": "", "kind": "a"}])
    garbled = _snapshot(postings=[{"id": 1, "title": "𠮷野?", "kind": "a"}])
    intact = _snapshot(postings=[{"id": 1, "title": "𠮷野家", "kind": "a"}])
    normalised = _snapshot(postings=[{"id": 1, "title": "テスト(株)", "kind": "a"}])
    outside = _snapshot(postings=[{"id": 1, "title": "", "kind": "c\u200b"}])
    redirect = _page(302, "", Location="/")
    request = _request({"title": ["𠮷野家"]})
    assert verdict(request, redirect, before, garbled)
    assert not verdict(request, redirect, before, intact)
    assert not verdict(_request({"title": [" ﾃｽﾄ㈱ "]}), redirect, before, normalised)  # NFKC, trimmed
    assert verdict(_request({"kind": ["c\u200b"]}), redirect, before, outside)


def test_text_postgresql_would_refuse_is_caught():
    before = _snapshot(postings=[{"id": 1, "title": ""}])
    after = _snapshot(postings=[{"id": 1, "title": "a\x00b"}])
    assert any("NUL" in p for p in verdict(_request(), _page(302, "", Location="/"), before, after))


def test_forms_are_read_with_their_fields_and_choices():
    html = ('<form method="post" action="/a/1"><input name="t" maxlength="5"><select name="s" multiple>'
            '<option value="x">X</option><option value="y">Y</option></select><textarea name="n">z</textarea>'
            '<input type="radio" name="r" value="1"><input type="radio" name="r" value="2">'
            '<button name="go" value="ok">Go</button></form><form method="get"><input name="q"></form>')
    post, get = parse_forms(html, "/page?x=1")
    assert (post.method, post.path, get.method, get.action) == ("post", "/a/1", "get", "/page?x=1")
    assert post.fields["s"].options == ["x", "y"] and post.fields["s"].multiple
    assert post.fields["r"].options == ["1", "2"] and post.fields["t"].maxlength == 5
    assert post.fields["n"].value == "z" and post.fields["go"].options == ["ok"]
