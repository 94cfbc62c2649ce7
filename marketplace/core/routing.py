"""URL converters: ``<int:...>`` holds no more than a database integer column can.

A larger number in a URL (``/postings/99999999999999999999``) would overflow the database driver
and crash the request; with this converter the route does not match, and the answer is a 404.
"""
from __future__ import annotations

from werkzeug.routing import IntegerConverter, Map

#: The largest value of a 32-bit signed INTEGER column (PostgreSQL ``integer``).
MAX_DATABASE_INTEGER = 2**31 - 1


class DatabaseIntegerConverter(IntegerConverter):
    """Werkzeug's ``int`` converter with ``max`` defaulting to :data:`MAX_DATABASE_INTEGER`."""

    def __init__(self, map: Map, fixed_digits: int = 0, min: int | None = None,  # noqa: A002 (Werkzeug's names)
                 max: int | None = MAX_DATABASE_INTEGER, signed: bool = False) -> None:  # noqa: A002
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)
