from tests.pipeline.conftest import make_match, world  # noqa: F401  (the same small world)
