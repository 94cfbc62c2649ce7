"""National funding that may apply to a match: the programmes as data and the pure assessment.

No Flask or SQLAlchemy here; ``marketplace.services.funding`` reads a Match into inputs.
"""
