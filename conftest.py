"""Collection rules for the whole checkout (pytest runs doctests of every module)."""

import importlib.util

# The playground's web application imports Starlette at module level; without the
# ``serve`` extra its doctests cannot be collected (tests/test_serve*.py skip on their own).
collect_ignore = []
if importlib.util.find_spec("starlette") is None:
    collect_ignore.append("src/backproplab/serve/app.py")
