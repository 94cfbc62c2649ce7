"""CSV exports of a coordinator's area: matches and candidates (postings: ``csv_postings``).

Each export is one table of columns (code, header, value). To add a column, add one line to the
table; the header follows the UI language. Candidates' contact details (email, phone) and private
matching inputs (desired pay) are never exported: only what a coordinator sees on screen.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from marketplace.extensions import db
from marketplace.core.i18n import to_jst
from marketplace.models import AuditEvent, CandidateProfile, Match, Prefecture, User
from marketplace.matches.labels import (
    ADOPTION_ROUTE_LABELS,
    APPOINTMENT_LABELS,
    OUTCOME_LABELS,
    REJECT_REASON_LABELS,
    STATUS_LABELS,
)
from marketplace.schemes import fields as f
from marketplace.schemes.registry import SCHEMES
from marketplace.profiles import visibility
from marketplace.core.csv_io import write_csv
from marketplace.postings.csv_table import list_separator

T = TypeVar("T")


@dataclass(frozen=True)
class ExportContext:
    """What every cell may need: the language and reference names."""

    language: str
    prefecture_names: dict[str, str]

    @classmethod
    def load(cls, language: str) -> "ExportContext":
        names = {p.code: p.name(language) for p in db.session.scalars(sa.select(Prefecture))}
        return cls(language, names)

    def prefecture(self, code: str | None) -> str:
        return self.prefecture_names.get(code or "", code or "")

    def join(self, items: Sequence[Any]) -> str:
        return list_separator(self.language).join(str(i) for i in items)


@dataclass(frozen=True)
class ExportColumn(Generic[T]):
    key: str
    header: Any  # a lazy string: Japanese, or English when the UI is in English
    value: Callable[[T, ExportContext], object]


def local_time(value: datetime | None) -> str:
    """A timestamp in Japan time as Excel reads it."""
    return to_jst(value).strftime("%Y-%m-%d %H:%M") if value else ""


def export(columns: Sequence[ExportColumn[T]], items: Sequence[T], language: str) -> bytes:
    context = ExportContext.load(language)
    return write_csv([str(c.header) for c in columns], ([c.value(item, context) for c in columns] for item in items))


def _coordinator_view(profile: CandidateProfile) -> visibility.CandidateView:
    """Exports are for coordinators of the rows' area (the routes filter the rows by area)."""
    return visibility.view_for(profile, visibility.Audience.COORDINATOR)


# --- matches -----------------------------------------------------------------------------
MATCH_STATUS_LABELS = STATUS_LABELS


def seeker_kind(match: Match) -> str:
    return _("人材") if match.candidate_profile_id else _("スタートアップの解決策")


def seeker_display(match: Match) -> str:
    """The candidate's display name, or the solution's title and startup (as on the coordinator's screens)."""
    if match.candidate_profile is not None:
        return _coordinator_view(match.candidate_profile).label
    if match.solution_posting is not None:
        return f"{match.solution_posting.title}（{match.solution_posting.organisation.name}）"
    return match.seeker_ref


MATCH_COLUMNS: tuple[ExportColumn[Match], ...] = (
    ExportColumn("id", _l("マッチID"), lambda m, c: m.id),
    ExportColumn("scheme", _l("制度"), lambda m, c: SCHEMES[m.scheme].name(c.language)),
    ExportColumn("prefecture", _l("都道府県"), lambda m, c: c.prefecture(m.posting.prefecture_code)),
    ExportColumn("posting_id", _l("募集ID"), lambda m, c: m.posting_id),
    ExportColumn("posting", _l("募集のタイトル"), lambda m, c: m.posting.title),
    ExportColumn("organisation", _l("団体名"), lambda m, c: m.posting.organisation.name),
    ExportColumn("seeker_kind", _l("相手の種類"), lambda m, c: seeker_kind(m)),
    ExportColumn("seeker", _l("人材・解決策"), lambda m, c: seeker_display(m)),
    ExportColumn("score", _l("スコア"), lambda m, c: round(m.score, 3)),
    ExportColumn("flagged", _l("要確認"), lambda m, c: _("はい") if m.flagged else ""),
    ExportColumn("status", _l("状態"), lambda m, c: str(MATCH_STATUS_LABELS.get(m.status.value, m.status.value))),
    ExportColumn("outcome", _l("結果"), lambda m, c: str(OUTCOME_LABELS.get(m.outcome, m.outcome)) if m.outcome else ""),
    ExportColumn("reject_reason", _l("見送りの理由"),
                 lambda m, c: str(REJECT_REASON_LABELS.get(m.reject_reason, m.reject_reason)) if m.reject_reason else ""),
    ExportColumn("next_step", _l("次の一手"), lambda m, c: m.next_step),
    ExportColumn("next_step_due", _l("次の一手の期日"), lambda m, c: m.next_step_due),
    ExportColumn("appointment_status", _l("任用の状況"),
                 lambda m, c: str(APPOINTMENT_LABELS.get(m.appointment_status, "")) if m.appointment_status else ""),
    ExportColumn("adoption_route", _l("導入の方法"),
                 lambda m, c: str(ADOPTION_ROUTE_LABELS.get(m.adoption_route, "")) if m.adoption_route else ""),
    ExportColumn("created_at", _l("作成日時"), lambda m, c: local_time(m.created_at)),
    ExportColumn("approved_at", _l("承認日時"), lambda m, c: local_time(m.approved_at) if m.approved_at else ""),
    ExportColumn("introduced_at", _l("紹介成立日時"), lambda m, c: local_time(m.introduced_at) if m.introduced_at else ""),
    ExportColumn("agreed_at", _l("合意日時"), lambda m, c: local_time(m.agreed_at) if m.agreed_at else ""),
    ExportColumn("updated_at", _l("更新日時"), lambda m, c: local_time(m.updated_at)),
)


# --- candidates --------------------------------------------------------------------------
CANDIDATE_REMOTE_LABELS = {"remote": _l("リモートを希望"), "either": _l("どちらでもよい"), "onsite": _l("現地で働きたい")}
_FORM_LABELS = dict(f.ACCELERATOR_FORMS + f.SIDE_JOB_FORMS + f.SUCCESSION_FORMS + f.ADVISER_PROGRAMMES)
_EXAM_LABELS = dict(f.IPA_EXAMS)

CANDIDATE_COLUMNS: tuple[ExportColumn[CandidateProfile], ...] = (
    ExportColumn("id", _l("人材ID"), lambda p, c: p.id),
    ExportColumn("display_name", _l("表示名"), lambda p, c: _coordinator_view(p).name or ""),
    ExportColumn("residence", _l("お住まいの都道府県"), lambda p, c: c.prefecture(p.residence_prefecture)),
    ExportColumn("work_prefectures", _l("働ける・移住できる都道府県"),
                 lambda p, c: c.join(c.prefecture(code) for code in p.work_prefectures)),
    ExportColumn("remote", _l("リモートワークの希望"), lambda p, c: str(CANDIDATE_REMOTE_LABELS.get(p.remote, p.remote))),
    ExportColumn("available_from", _l("開始可能日"), lambda p, c: p.available_from),
    ExportColumn("hours_per_month", _l("月に使える時間"), lambda p, c: p.hours_per_month),
    ExportColumn("employment_forms", _l("受けられる働き方"),
                 lambda p, c: c.join(_FORM_LABELS.get(v, v) for v in p.employment_forms)),
    ExportColumn("skills", _l("スキル"), lambda p, c: c.join(p.skills)),
    ExportColumn("qualifications", _l("IPA高度試験（合格したもの）"),
                 lambda p, c: c.join(_EXAM_LABELS.get(v, v) for v in p.qualifications)),
    ExportColumn("other_qualifications", _l("その他の資格"), lambda p, c: p.other_qualifications),
    ExportColumn("schemes", _l("参加している制度"), lambda p, c: c.join(SCHEMES[o.scheme].name(c.language)
                                                                   for o in p.opt_ins if o.scheme in SCHEMES)),
    ExportColumn("self_intro", _l("自己紹介"), lambda p, c: _coordinator_view(p).self_intro or ""),
    ExportColumn("updated_at", _l("更新日時"), lambda p, c: local_time(p.updated_at)),
)


def record_export(actor: User, kind: str, rows: int) -> None:
    """Keep an audit entry: personal data left the site as a file."""
    db.session.add(AuditEvent(actor_id=actor.id, event="csv.export", subject=kind, detail={"rows": rows}))
