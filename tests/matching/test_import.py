"""The matching package imports neither Flask nor SQLAlchemy."""
from __future__ import annotations

import subprocess
import sys


def test_import_without_flask_or_sqlalchemy() -> None:
    code = ("import marketplace.matching, sys; "
            "assert 'flask' not in sys.modules, 'flask'; assert 'sqlalchemy' not in sys.modules, 'sqlalchemy'")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
