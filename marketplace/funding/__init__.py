"""National funding that may apply to a match: the programmes as data and the pure assessment.

No Flask or SQLAlchemy here; ``marketplace.matches.funding_panel`` reads a Match into inputs.
"""
