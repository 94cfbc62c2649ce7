"""CSV helpers: Excel-friendly writing, formula neutralising, strict decoding, signed carry-over, value parsing."""
from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from marketplace.core import csv_io
from marketplace.core.csv_io import CsvColumn, CsvFileError
from marketplace.postings.csv_table import _csv_columns, posting_columns


@pytest.fixture
def ctx(app):
    with app.test_request_context():
        yield app


@pytest.mark.parametrize("text", ["=1+1", "+81", "-5", "@SUM(A1)", "\tx", "\rx",
                                  "＝HYPERLINK(\"http://evil.example\")", "＋81", "－5", "＠SUM(A1)"])
def test_formula_cells_are_neutralised_and_restored(text):
    assert csv_io.neutralise(text) == "'" + text
    assert csv_io.unneutralise(csv_io.neutralise(text)) == text


@pytest.mark.parametrize("text", ["高知県", "", "'quoted", "1+1", "a=b", "高知＝南国", "ー長音"])
def test_plain_cells_are_left_alone(text):
    assert csv_io.neutralise(text) == text
    assert csv_io.unneutralise(text) == text


def test_write_csv_has_bom_crlf_and_quotes():
    body = csv_io.write_csv(["名前", "メモ"], [["山田, 花子", "一行目\r\n二行目"], [None, 1.23456], ["=cmd", date(2026, 4, 1)]])
    assert body.startswith(b"\xef\xbb\xbf")
    text = body.decode("utf-8-sig")
    assert text.endswith("\r\n") and text.count("\r\n") == 4
    assert list(csv.reader(io.StringIO(text, newline=""))) == [
        ["名前", "メモ"], ["山田, 花子", "一行目\n二行目"], ["", "1.235"], ["'=cmd", "2026-04-01"]]


def test_content_disposition_has_ascii_and_rfc5987_names():
    header = csv_io.content_disposition("募集一覧_20261127.csv", "postings_20261127.csv")
    assert header == ("attachment; filename=\"postings_20261127.csv\"; "
                      "filename*=UTF-8''%E5%8B%9F%E9%9B%86%E4%B8%80%E8%A6%A7_20261127.csv")
    assert 'filename="a_b.csv"' in csv_io.content_disposition("x", 'a"b.csv')


def test_decode_accepts_utf8_with_and_without_bom_and_cp932(ctx):
    text = "制度,タイトル\r\n事業承継,後継者～募集\r\n"
    assert csv_io.decode_upload(("\ufeff" + text).encode("utf-8")) == text
    assert csv_io.decode_upload(text.encode("utf-8")) == text
    assert csv_io.decode_upload(text.encode("cp932")) == text


@pytest.mark.parametrize(("data", "status", "message"), [
    (b"", 400, "ファイルが空です"),
    (b"\xef\xbb\xbf \r\n", 400, "ファイルが空です"),
    (b"a\x00b", 400, "NUL文字"),
    (b"\x81\x20", 400, "文字コードを判別できません"),
    (b"x" * (csv_io.MAX_CSV_BYTES + 1), 413, "ファイルが大きすぎます"),
])
def test_decode_refuses_bad_files_in_japanese(ctx, data, status, message):
    with pytest.raises(CsvFileError) as raised:
        csv_io.decode_upload(data)
    assert raised.value.status_code == status and message in raised.value.message


COLUMNS = [CsvColumn("name", frozenset({"氏名", "Name"}), required=True, aliases=frozenset({"名前", "メモ"})),
           CsvColumn("memo", frozenset({"メモ"})), CsvColumn("id", frozenset({"ID"}), ignored=True)]


def test_read_table_matches_headers_loosely_and_skips_blank_lines(ctx):
    table = csv_io.read_table("ＮＡＭＥ , メモ,id\r\n'=x,  a  ,9\r\n,,\r\n\"b\r\nc\",,\r\n", COLUMNS)
    assert [(r.number, r.values) for r in table.rows] == [(2, {"name": "=x", "memo": "a"}),
                                                         (4, {"name": "b\nc", "memo": ""})]


def test_read_table_weaker_aliases_never_take_another_columns_name(ctx):
    table = csv_io.read_table("名前,メモ\r\nx,y\r\n", COLUMNS)
    assert table.rows[0].values == {"name": "x", "memo": "y"}


def test_read_table_flags_cells_beyond_the_header(ctx):
    table = csv_io.read_table("氏名\r\nx,extra\r\n", COLUMNS)
    assert [(e.row, e.message) for e in table.errors] == [(2, "見出しより多くの列に値があります。")]


def test_posting_column_names_are_unambiguous(ctx):
    """No header (Japanese or English) of one posting column is also a header of another."""
    seen: dict[str, str] = {}
    for column in _csv_columns(posting_columns()):
        for name in column.names | {column.key}:
            key = csv_io.normalise_header(name)
            assert seen.setdefault(key, column.key) == column.key, name


def test_signed_upload_round_trips_only_for_its_user_and_purpose(ctx):
    text = "氏名,メールアドレス\r\n" + "山田,a@example.jp\r\n" * 200
    token = csv_io.sign_upload("invitations", 7, text)
    assert len(token) < len(text.encode("utf-8"))  # compressed
    assert csv_io.read_signed_upload("invitations", 7, token) == text
    for purpose, user, bad in (("postings", 7, token), ("invitations", 8, token), ("invitations", 7, token[:-2] + "xx"),
                               ("invitations", 7, ""), ("invitations", 7, "x" * (csv_io.MAX_TOKEN_CHARS + 1))):
        with pytest.raises(CsvFileError):
            csv_io.read_signed_upload(purpose, user, bad)


def test_expired_preview_is_refused(ctx, monkeypatch):
    token = csv_io.sign_upload("postings", 1, "x")
    monkeypatch.setattr(csv_io, "PREVIEW_MAX_AGE", -1)
    with pytest.raises(CsvFileError):
        csv_io.read_signed_upload("postings", 1, token)


@pytest.mark.parametrize(("text", "number"), [("12", 12), ("１２", 12), ("1,000円", 1000), ("¥50,000", 50000),
                                              ("4.0", 4), ("-3", -3), ("", None), ("1.5", None), ("十", None)])
def test_parse_int(text, number):
    assert csv_io.parse_int(text) == number


@pytest.mark.parametrize(("text", "day"), [("2026-04-01", date(2026, 4, 1)), ("2026/4/1", date(2026, 4, 1)),
                                           ("2026年4月1日", date(2026, 4, 1)), ("2026/04/01 0:00", date(2026, 4, 1)),
                                           ("2026-02-30", None), ("来年", None), ("04/01/2026", None)])
def test_parse_date(text, day):
    assert csv_io.parse_date(text) == day


@pytest.mark.parametrize(("text", "value"), [("はい", True), ("TRUE", True), ("○", True), ("1", True),
                                             ("いいえ", False), ("", False), ("×", False), ("たぶん", None)])
def test_parse_bool(text, value):
    assert csv_io.parse_bool(text) is value
