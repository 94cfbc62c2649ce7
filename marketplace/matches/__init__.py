"""The participants' side of a match: introduction requests, contacts, messages, debriefs."""
from flask import Blueprint

bp = Blueprint("matches", __name__)


@bp.app_context_processor
def _labels() -> dict[str, object]:
    from marketplace.matches.labels import label_helpers
    from marketplace.matches.operations import awaiting_answer

    return {**label_helpers(), "awaiting_answer": awaiting_answer}


from marketplace.matches import views  # noqa: E402,F401
