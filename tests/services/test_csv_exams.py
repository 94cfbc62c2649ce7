"""CSV cells of IPA level-4 exams are read by the normaliser the engine and the forms share."""
from __future__ import annotations

import pytest

from marketplace.schemes.fields import IPA_EXAMS
from marketplace.schemes.registry import SCHEMES
from marketplace.postings.csv_table import _Lookups
from marketplace.core.csv_values import ExamValueIndex, ValueIndex, index_of_choices
from tests.matching.test_qualifications import CASES, NEVER


@pytest.fixture(scope="module")
def exams():
    # IPA_EXAMS labels are plain strings: no locale (app) is needed to index them.
    return ExamValueIndex((code, {label}) for code, label in IPA_EXAMS)


@pytest.mark.parametrize(("code", "written"), [(c, w) for c, (ws, _n) in CASES.items() for w in ws])
def test_every_way_an_exam_is_written_is_read_as_its_code(exams, code, written):
    assert exams.get(written) == code
    assert exams.many(written) == ([code], [])


@pytest.mark.parametrize("near_miss", [n for _c, (_w, ns) in CASES.items() for n in ns] + [n for n in NEVER if n.strip()])
def test_near_misses_and_other_exams_are_unknown_items(exams, near_miss):
    codes, unknown = exams.many(near_miss)
    assert codes == []
    assert unknown == [near_miss]


def test_a_list_cell_mixes_codes_labels_and_names_in_table_order(exams):
    cell = "情報処理安全確保支援士試験 合格、ＰＭ；平成30年度 ITストラテジスト試験\nネスペ"
    assert exams.many(cell) == (["ST", "PM", "NW", "SC"], [])


def test_a_blank_cell_names_no_exam(exams):
    assert exams.many("  ") == ([], [])
    assert exams.get("") is None


def test_a_cell_with_one_unknown_item_reports_only_that_item(exams):
    assert exams.many("PM試験合格、基本情報技術者試験") == (["PM"], ["基本情報技術者試験"])


def test_an_ordinary_choice_index_does_not_guess_exam_names(app):
    with app.test_request_context():
        plain = index_of_choices(IPA_EXAMS)
        assert type(plain) is ValueIndex
        assert plain.get("PM") == "PM"
        assert plain.get("プロジェクトマネージャ試験合格") is None


def test_the_posting_import_reads_an_exam_field_with_the_normaliser(app):
    spec = next(s for s in SCHEMES["accelerator"].candidate_fields if s.name == "exams")
    lookups = _Lookups.__new__(_Lookups)
    lookups._choices = {}
    with app.test_request_context():
        index = lookups.choices(spec)
    assert isinstance(index, ExamValueIndex)
    assert index.many("プロジェクトマネージャー試験、SC") == (["PM", "SC"], [])
