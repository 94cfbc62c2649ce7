"""Candidates' pages."""
from flask import Blueprint

bp = Blueprint("candidates", __name__)


@bp.context_processor
def _privacy_labels() -> dict[str, object]:
    from marketplace.privacy.labels import consent_value_label, privacy_label

    return {"privacy_label": privacy_label, "consent_value_label": consent_value_label}


from marketplace.profiles import views  # noqa: E402,F401
