"""The schemes: stable codes and their declarations (the registry)."""
from marketplace.schemes.codes import SCHEME_NAMES, SchemeCode, scheme_name

__all__ = ["SCHEME_NAMES", "SchemeCode", "scheme_name"]
