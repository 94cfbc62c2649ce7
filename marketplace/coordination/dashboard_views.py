"""Dashboards for prefecture meetings and the prefectures' support-structure status (coordinators, admins)."""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from marketplace.core.access import role_required
from marketplace.coordination import bp
from marketplace.coordination.support_forms import SupportStructureForm
from marketplace.extensions import db
from marketplace.core.i18n import current_language
from marketplace.matches.labels import APPOINTMENT_LABELS, STATUS_LABELS
from marketplace.models import SUPPORT_FUNCTIONS, Prefecture, Role, User
from marketplace.schemes import scheme_name
from marketplace.coordination import dashboards
from marketplace.organisations import support_structure as support
from marketplace.core.domain_errors import DomainError


# --- chart data (what static/js/dashboard-charts.js draws; the tables show the same numbers) ---
def _chart(kind: str, labels: list[str], datasets: list[tuple[str, list[Any]]], **options: Any) -> dict[str, Any]:
    return {"type": kind, "labels": labels,
            "datasets": [{"label": label, "data": data} for label, data in datasets], **options}


def month_label(row: dashboards.MonthRow, language: str) -> str:
    return row.key if language == "en" else f"{row.year}年{row.month}月"


def _charts(board: dashboards.Dashboard, language: str) -> dict[str, dict[str, Any]]:
    stages = board.stages
    months = board.months
    timed = [r for r in board.durations if r.scheme is not None]
    progress = board.accelerators
    return {
        "stages": _chart("bar", [str(STATUS_LABELS[s]) for s in stages.statuses],
                         [(scheme_name(r.scheme, language), [r.counts[s] for s in stages.statuses])
                          for r in stages.by_scheme], stacked=True, integer=True),
        "months": _chart("line", [month_label(r, language) for r in months],
                         [(_("提案"), [r.created for r in months]), (_("紹介"), [r.introduced for r in months]),
                          (_("合意"), [r.agreed for r in months])], integer=True),
        "durations": _chart("bar", [scheme_name(r.scheme, language) for r in timed],
                            [(_("紹介まで"), [r.to_introduction for r in timed]),
                             (_("合意まで"), [r.to_agreement for r in timed])], horizontal=True, unit=_("日")),
        "target": _chart("bar", [_("全国")],
                         [(str(APPOINTMENT_LABELS["appointed"]), [progress.appointed]),
                          (_("目標までの残り"), [progress.remaining])],
                         stacked=True, horizontal=True, integer=True, max=max(progress.target, progress.appointed)),
        "prefectures": _chart("bar", [r.prefecture.name(language) for r in progress.rows],
                              [(str(APPOINTMENT_LABELS["appointed"]), [r.appointed for r in progress.rows]),
                               (str(APPOINTMENT_LABELS["recommended"]), [r.recommended for r in progress.rows])],
                              stacked=True, integer=True),
        "follow_ups": _chart("bar", [_("%(n)dか月後", n=r.months) for r in board.follow_ups],
                             [(_("継続中"), [r.still_going for r in board.follow_ups]),
                              (_("終了"), [r.ended for r in board.follow_ups]),
                              (_("回答待ち"), [r.awaiting for r in board.follow_ups])], stacked=True, integer=True),
    }


def _prefecture_names(language: str) -> dict[str, str]:
    return {p.code: p.name(language) for p in db.session.scalars(sa.select(Prefecture))}


# --- pages --------------------------------------------------------------------------
@bp.route("/dashboards")
@role_required(Role.COORDINATOR)
def dashboards_page() -> str:
    """The figures of the coordinator's area (admins: the whole country), with charts and tables."""
    filters = dashboards.parse_filters(current_user, request.args.get("scheme"), request.args.get("prefecture"))
    board = dashboards.build(current_user, filters)
    language = current_language()
    table = support.national_table()
    own = [r for r in table.rows if support.may_edit(current_user, r.prefecture.code)]
    return render_template(
        "coordination/dashboards.html", board=board, charts=_charts(board, language), language=language,
        month_label=month_label, prefecture_names=_prefecture_names(language), schemes=dashboards.area_schemes(current_user),
        prefectures=dashboards.area_prefectures(current_user), support_table=table,
        own_support=own if current_user.role != Role.ADMIN else [], functions=SUPPORT_FUNCTIONS,
        function_labels=support.FUNCTION_LABELS, status_labels=STATUS_LABELS)


@bp.route("/support-structure")
@role_required(Role.COORDINATOR)
def support_structures() -> str:
    """All 47 prefectures' support structures: the four functions and how many have all four."""
    table = support.national_table()
    editable = {r.prefecture.code for r in table.rows if support.may_edit(current_user, r.prefecture.code)}
    per_function = table.per_function()
    support_chart = _chart("bar", [str(support.FUNCTION_LABELS[c]) for c in SUPPORT_FUNCTIONS] + [_("4機能すべて")],
                   [(_("都道府県数"), [per_function[c] for c in SUPPORT_FUNCTIONS] + [table.complete])],
                   integer=True, max=len(table.rows) or None)
    return render_template("coordination/support_structures.html", table=table, editable=editable,
                           per_function=per_function, support_chart=support_chart, functions=SUPPORT_FUNCTIONS,
                           function_labels=support.FUNCTION_LABELS, language=current_language())


@bp.route("/support-structure/<code>", methods=["GET", "POST"])
@role_required(Role.COORDINATOR)
def support_structure_edit(code: str) -> Response | tuple[str, int]:
    """Edit one prefecture's four functions (its coordinators, under any scheme, and admins)."""
    prefecture = support.prefecture_or_404(code)
    if not support.may_edit(current_user, prefecture.code):
        abort(403)
    structure = support.structure_of(prefecture.code)
    form = SupportStructureForm(obj=structure)
    if form.validate_on_submit():
        try:
            support.update(current_user, prefecture.code, form.functions(), form.note.data or "")
        except DomainError as exc:
            db.session.rollback()
            form.note.errors = [exc.message]
        else:
            db.session.commit()
            flash(_("%(name)sの支援体制を保存しました。", name=prefecture.name(current_language())), "info")
            return redirect(url_for("coordination.support_structures"))
    status = 400 if form.is_submitted() else 200
    events = support.history(prefecture.code)
    actor_ids = {e.actor_id for e in events if e.actor_id} | ({structure.updated_by_id} if structure and
                                                                structure.updated_by_id else set())
    actors = {u.id: u for u in db.session.scalars(sa.select(User).where(User.id.in_(actor_ids)))} if actor_ids else {}
    return render_template("coordination/support_structure_edit.html", form=form, prefecture=prefecture,
                           structure=structure, events=events, actors=actors, functions=SUPPORT_FUNCTIONS,
                           function_labels=support.FUNCTION_LABELS), status
