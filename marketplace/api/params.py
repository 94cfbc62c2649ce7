"""Strict parsing of API query parameters: anything malformed is a 400 naming the parameter.

The web lists quietly ignore unknown filter values; the API refuses them instead, so that a
client's typo does not silently return everything. Empty values count as absent. Unknown
parameters are ignored.
"""
from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from marketplace.api.errors import ApiError

DEFAULT_PER_PAGE = 20
MAX_PER_PAGE = 100
MAX_PAGE = 10_000
MAX_QUERY_LENGTH = 200
#: Largest id a path may name (ids are 32-bit integers on every database the app runs on).
MAX_ID = 2_147_483_647
#: JIS X 0401 prefecture codes 01–47.
PREFECTURE_PATTERN = r"^(0[1-9]|[1-3][0-9]|4[0-7])$"

_INTEGER = re.compile(r"[+-]?[0-9]{1,12}", re.ASCII)
_NUMBER = re.compile(r"[+-]?([0-9]{1,12}(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]{1,3})?", re.ASCII)
_PREFECTURE = re.compile(PREFECTURE_PATTERN, re.ASCII)


def _bad(name: str, message: object) -> ApiError:
    return ApiError(400, "invalid_parameter", message, parameter=name)


def _raw(args: Mapping[str, str], name: str) -> str | None:
    value = args.get(name)
    if value is None or value.strip() == "":
        return None
    return value.strip()


def integer(args: Mapping[str, str], name: str, *, default: int, minimum: int, maximum: int) -> int:
    """A whole number in [minimum, maximum] written with ASCII digits."""
    raw = _raw(args, name)
    if raw is None:
        return default
    if not _INTEGER.fullmatch(raw):
        if re.fullmatch(r"[+-]?[0-9]+", raw, re.ASCII):
            raise _bad(name, _l("%(name)s は %(minimum)d 以上 %(maximum)d 以下の整数で指定してください。",
                                name=name, minimum=minimum, maximum=maximum))
        raise _bad(name, _l("%(name)s は整数で指定してください。", name=name))
    value = int(raw)
    if not minimum <= value <= maximum:
        raise _bad(name, _l("%(name)s は %(minimum)d 以上 %(maximum)d 以下の整数で指定してください。",
                            name=name, minimum=minimum, maximum=maximum))
    return value


def number(args: Mapping[str, str], name: str, *, minimum: float, maximum: float) -> float | None:
    """A finite decimal number in [minimum, maximum], or None when absent."""
    raw = _raw(args, name)
    if raw is None:
        return None
    if not _NUMBER.fullmatch(raw):
        raise _bad(name, _l("%(name)s は数値で指定してください。", name=name))
    value = float(raw)
    if not math.isfinite(value) or not minimum <= value <= maximum:
        raise _bad(name, _l("%(name)s は %(minimum)s 以上 %(maximum)s 以下の数値で指定してください。",
                            name=name, minimum=f"{minimum:g}", maximum=f"{maximum:g}"))
    return value


def choice(args: Mapping[str, str], name: str, choices: Sequence[str]) -> str | None:
    """One of ``choices``, or None when absent."""
    raw = _raw(args, name)
    if raw is None:
        return None
    if raw not in choices:
        raise _bad(name, _l("%(name)s には次のいずれかを指定してください: %(choices)s",
                            name=name, choices=", ".join(choices)))
    return raw


def prefecture(args: Mapping[str, str], name: str = "prefecture") -> str | None:
    """A two-digit prefecture code (01–47), or None when absent."""
    raw = _raw(args, name)
    if raw is None:
        return None
    if not _PREFECTURE.fullmatch(raw):
        raise _bad(name, _l("%(name)s は2桁の都道府県コード（01〜47）で指定してください。", name=name))
    return raw


def text(args: Mapping[str, str], name: str, *, max_length: int = MAX_QUERY_LENGTH) -> str:
    """Free text of at most ``max_length`` characters; control characters are dropped."""
    raw = args.get(name) or ""
    if len(raw) > max_length:
        raise _bad(name, _l("%(name)s は %(max_length)d 文字以内で指定してください。", name=name, max_length=max_length))
    return "".join(ch for ch in raw if unicodedata.category(ch) not in {"Cc", "Cs", "Co"}).strip()


@dataclass(frozen=True)
class PageParams:
    page: int
    per_page: int

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> "PageParams":
        return cls(page=integer(args, "page", default=1, minimum=1, maximum=MAX_PAGE),
                   per_page=integer(args, "per_page", default=DEFAULT_PER_PAGE, minimum=1, maximum=MAX_PER_PAGE))
