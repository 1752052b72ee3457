"""The one ``{{KEY}}`` templater of every page the project writes (the report, its
hidden-space page, the playground).

Substitution is a single pass over the template: each ``{{KEY}}`` is replaced by its
value, and a value is never searched again. So a title holding ``{{SCRIPTS}}`` stays
those eleven characters, whatever order the values come in.

>>> fill("<h1>{{TITLE}}</h1>{{BODY}}", {"TITLE": "{{BODY}}", "BODY": "<p>x</p>"})
'<h1>{{BODY}}</h1><p>x</p>'
"""

from __future__ import annotations

import re
from collections.abc import Mapping

KEY = re.compile(r"\{\{([A-Z][A-Z0-9_]*)\}\}")


def fill(template: str, values: Mapping[str, str]) -> str:
    """``template`` with each ``{{KEY}}`` replaced by ``values[KEY]``, in one pass.

    Values the template does not use are ignored.

    Raises:
        ValueError: if the template names a key that ``values`` lacks, or a value is not
            text.
    """
    missing = sorted({m.group(1) for m in KEY.finditer(template)} - set(values))
    if missing:
        raise ValueError(f"the template's keys {', '.join(missing)} have no value")
    for key, value in values.items():
        if not isinstance(value, str):
            raise ValueError(f"template value {key} must be text, got {type(value).__name__}")
    return KEY.sub(lambda m: values[m.group(1)], template)
