"""IPA level-4 exams as people write them: boundary cases for every exam, look-alikes, lineage."""
from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

from marketplace.matching.qualifications import EXAMS, codes_in, exam_code, exam_codes, ordered_codes
from marketplace.matching.records import IPA_LEVEL4_EXAMS, SeekerRecord
from marketplace.matching.rules import evaluate_pair, overall_status
from marketplace.matching.evaluate import evaluate
from marketplace.matching.records import posting_from_dict, seeker_from_dict

RULETWIN = Path(__file__).resolve().parents[1] / "data" / "eval_ruletwin"

#: For each exam: ways people write it (all must be recognised) and near misses (none may be).
CASES: dict[str, tuple[list[str], list[str]]] = {
    "ST": (["ITストラテジスト", "ITストラテジスト試験", "ＩＴストラテジスト試験合格", "平成30年度 ITストラテジスト試験 合格",
            "ST", "st", "ＳＴ", "IT Strategist", "システムアナリスト", "上級システムアドミニストレータ試験",
            "ITストラテジスト（令和2年度秋期）"],
           ["ストラテジスト", "ITストラテジスト試験 午前Ⅰ免除", "STEM", "初級システムアドミニストレータ",
            "システムアドミニストレータ", "ITストラテジスト 受験予定"]),
    "SA": (["システムアーキテクト", "システムアーキテクト試験 合格", "ｼｽﾃﾑｱｰｷﾃｸﾄ", "SA", "SA試験", "Systems Architect",
            "アプリケーションエンジニア試験", "令和4年 システムアーキテクト"],
           ["AWS認定ソリューションアーキテクト", "AWS SA", "ソリューションアーキテクト", "SAP", "SAFe", "システムアーキテクト 勉強中"]),
    "PM": (["プロジェクトマネージャ", "プロジェクトマネージャ試験", "プロジェクトマネージャー試験", "プロジェクト・マネジャー",
            "ﾌﾟﾛｼﾞｪｸﾄﾏﾈｰｼﾞｬ", "PM", "pm", "ＰＭ", "PM試験合格", "IPA PM", "IPA-PM", "PM（プロジェクトマネージャ）",
            "Project Manager Examination", "2019年にプロジェクトマネージャ試験に合格", "情報処理技術者試験（プロジェクトマネージャ）"],
           ["PMP", "PMO", "PMBOK", "PMP（プロジェクトマネジメント・プロフェッショナル）", "シニアプロジェクトマネージャ",
            "プロジェクトマネージャとして10年", "PMとして5年", "PM 不合格", "プロジェクトマネージャ試験 受験予定",
            "プロジェクトマネジメント"]),
    "NW": (["ネットワークスペシャリスト", "ネットワークスペシャリスト試験", "ネスペ", "NW", "ＮＷ試験 合格",
            "テクニカルエンジニア（ネットワーク）", "テクニカルエンジニア (ネットワーク) 試験", "オンライン情報処理技術者",
            "Network Specialist"],
           ["CCNA", "ネットワークエンジニア", "テクニカルエンジニア", "NWエンジニア", "ネットワークスペシャリストとして働いた",
            "ネットワークスペシャリスト 勉強中"]),
    "DB": (["データベーススペシャリスト", "データベーススペシャリスト試験合格（令和3年）", "デスペ", "DB", "ＤＢ",
            "テクニカルエンジニア（データベース）", "テクニカルエンジニア(データベース)試験", "Database Specialist"],
           ["DB2", "DBA", "Oracle Master", "データベースエンジニア", "DB設計"]),
    "ES": (["エンベデッドシステムスペシャリスト", "エンベデッドシステムスペシャリスト試験", "ES", "令和元年 ES",
            "テクニカルエンジニア（エンベデッドシステム）", "マイコン応用システムエンジニア", "Embedded Systems Specialist"],
           ["ESG", "ESXi", "組込みソフトウェア技術者試験", "エンベデッドシステム"]),
    "SM": (["ITサービスマネージャ", "ITサービスマネージャー試験", "ＩＴサービスマネージャ", "SM", "SM試験 合格",
            "テクニカルエンジニア（システム管理）", "システム運用管理エンジニア", "IT Service Manager"],
           ["ITIL Foundation", "SMB", "サービスマネージャ", "ITサービスマネジメント"]),
    "AU": (["システム監査技術者", "システム監査技術者試験", "ｼｽﾃﾑ監査技術者", "AU", "R5年 システム監査技術者試験",
            "令和元年度秋期 システム監査技術者試験", "情報処理システム監査技術者", "Systems Auditor", "シス監"],
           ["公認情報システム監査人（CISA）", "CISA", "AUDIT", "システム監査の経験", "内部監査"]),
    "SC": (["情報処理安全確保支援士", "情報処理安全確保支援士試験", "情報処理安全確保支援士（登録番号 第012345号）",
            "登録セキスペ", "セキスペ", "SC", "ＳＣ", "H30 SC", "情報セキュリティスペシャリスト", "情報セキュリティスペシャリスト試験 合格",
            "テクニカルエンジニア（情報セキュリティ）", "RISS", "Registered Information Security Specialist"],
           ["情報セキュリティマネジメント試験", "情報セキュリティアドミニストレータ", "SCRUM", "CISSP", "セキュリティエンジニア",
            "情報処理安全確保支援士試験 不合格"]),
}
#: Exams of other levels, and things that are not exams at all.
NEVER = ["基本情報技術者試験", "応用情報技術者試験", "応用情報技術者試験 合格", "ITパスポート", "情報処理技術者試験",
         "IPA", "試験", "合格", "", "   ", "2019年", "高度試験"]


def test_table_is_the_records_constant() -> None:
    assert [e.code for e in EXAMS] == list(IPA_LEVEL4_EXAMS)
    assert {e.code: (e.name_ja, e.name_en) for e in EXAMS} == IPA_LEVEL4_EXAMS


@pytest.mark.parametrize("code", list(CASES))
def test_every_written_form_names_the_exam(code: str) -> None:
    positives, _negatives = CASES[code]
    wrong = {text: sorted(codes_in(text)) for text in positives if codes_in(text) != {code}}
    assert wrong == {}


@pytest.mark.parametrize("code", list(CASES))
def test_near_misses_name_no_exam(code: str) -> None:
    _positives, negatives = CASES[code]
    wrong = {text: sorted(codes_in(text)) for text in negatives if codes_in(text)}
    assert wrong == {}


@pytest.mark.parametrize("text", NEVER)
def test_other_levels_are_not_level_4(text: str) -> None:
    assert codes_in(text) == frozenset()


def test_lists_and_free_text() -> None:
    assert codes_in("PM、SC") == {"PM", "SC"}
    assert codes_in("基本情報技術者、応用情報技術者、ネットワークスペシャリスト") == {"NW"}
    assert codes_in("PM合格、SC受験予定") == {"PM"}
    assert codes_in("平成29年にデータベーススペシャリスト試験に合格し、現在はITストラテジストの勉強中です。") == {"DB"}
    assert codes_in("情報処理安全確保支援士として登録しています") == {"SC"}
    assert exam_code("PM / SC") is None and exam_code("PM試験") == "PM"
    assert ordered_codes(["SC", "プロジェクトマネージャ試験", "応用情報"]) == ["PM", "SC"]
    assert exam_codes(["PMP", "AWS SA"]) == frozenset()


def test_eligibility_rule_reads_official_names() -> None:
    posting = posting_from_dict({"id": "p", "scheme": "accelerator", "prefecture": "39"})
    for text in ("プロジェクトマネージャ試験", "情報処理安全確保支援士試験", "テクニカルエンジニア（ネットワーク）"):
        seeker = SeekerRecord(id="s", scheme="accelerator", prefecture="39", years_experience=2.0, qualifications=(text,))
        verdict = next(v for v in evaluate_pair(seeker, posting) if v.check == "eligibility")
        assert (verdict.status, verdict.code) == ("ok", "ipa_level4"), text
    seeker = SeekerRecord(id="s", scheme="accelerator", prefecture="39", years_experience=2.0,
                          qualifications=("応用情報技術者試験",))
    assert overall_status(evaluate_pair(seeker, posting)) == "ruled_out"


def test_module_is_pure_python() -> None:
    """Loaded on its own, the normaliser pulls in neither numpy, scipy, scikit-learn nor Flask."""
    path = Path(__file__).resolve().parents[2] / "marketplace" / "matching" / "qualifications.py"
    code = (f"import importlib.util, sys; spec = importlib.util.spec_from_file_location('q', {str(path)!r}); "
            "m = importlib.util.module_from_spec(spec); sys.modules['q'] = m; spec.loader.exec_module(m); "
            "assert m.codes_in('PM試験') == {'PM'}; "
            "bad = [x for x in ('numpy', 'scipy', 'sklearn', 'flask', 'sqlalchemy') if x in sys.modules]; "
            "assert not bad, bad")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert importlib.util.find_spec("marketplace.matching.qualifications") is not None


def _rows(name: str) -> list[dict]:
    return [json.loads(line) for line in (RULETWIN / name).read_text(encoding="utf-8").splitlines()]


def test_ruletwin_set_breaks_exactly_one_rule_per_twin() -> None:
    postings = {p["id"]: posting_from_dict(p) for p in _rows("postings.jsonl")}
    seekers = {s["id"]: seeker_from_dict(s) for s in _rows("seekers.jsonl")}
    qrels = _rows("qrels.jsonl")
    assert len(postings) >= 10
    assert {p.scheme for p in postings.values()} == {"accelerator", "side_job", "succession", "startup", "adviser"}
    written_as_names = 0
    for q in qrels:
        seeker, posting = seekers[q["seeker_id"]], postings[q["posting_id"]]
        verdicts = evaluate_pair(seeker, posting)
        ruled_out = [v.check for v in verdicts if v.status == "ruled_out"]
        if q["grade"] > 0:
            assert all(v.status == "ok" for v in verdicts), (seeker.id, verdicts)
            written_as_names += any(not text.isascii() for text in seeker.qualifications)
        else:
            assert ruled_out == [seeker.id.rsplit("-", 1)[1]], (seeker.id, verdicts)
    assert written_as_names >= 12


def test_ruletwin_precision_is_one_without_violations() -> None:
    result = evaluate(str(RULETWIN), k=10)
    assert result["precision@5"] == 1.0
    assert result["rule_violations"] == 0
    assert result["queries"] >= 10
