"""Count the SQL statements an engine runs: the regression check against N+1 queries."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa


@contextmanager
def count_queries(engine: sa.Engine) -> Iterator[list[str]]:
    """Collect the SQL text of every statement ``engine`` executes inside the ``with`` block."""
    statements: list[str] = []

    def before_cursor_execute(conn, cursor, statement, parameters, context, executemany) -> None:  # noqa: ANN001
        statements.append(statement)

    sa.event.listen(engine, "before_cursor_execute", before_cursor_execute)
    try:
        yield statements
    finally:
        sa.event.remove(engine, "before_cursor_execute", before_cursor_execute)
