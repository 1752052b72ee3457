"""The layout's contracts, read from the source's syntax trees: no module of the library
imports another module's ``_private`` name, imports a private module from outside its
package, or reaches into an imported module's ``_private`` attribute.

A leading underscore means "this module's (or this package's) own": what another module
needs must be public there. The checker is tested on small sources first, so that an
empty list of offenders means the rule holds, not that the checker saw nothing.
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).parents[1] / "src"
PACKAGE = SRC / "backproplab"


# Names that start with "_" but are documented public API of the standard library.
DOCUMENTED = {"os._exit"}


def _private(name: str) -> bool:
    """``_x`` but not ``__x__`` (dunders such as ``__version__`` are public protocol)."""
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _module_name(path: Path) -> str:
    parts = path.relative_to(SRC).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _package_of(module: str, is_package: bool) -> str:
    return module if is_package else module.rpartition(".")[0]


def _absolute(node: ast.ImportFrom, package: str) -> str:
    """The module an ``ImportFrom`` reads from, with relative levels resolved."""
    if not node.level:
        return node.module or ""
    base = package.split(".")[: len(package.split(".")) - node.level + 1]
    return ".".join(base + ([node.module] if node.module else []))


def _private_module_reach(target: str, package: str) -> str | None:
    """Why importing module ``target`` from ``package`` breaks the rule, or None.

    A private module (``a._m``) may be imported by the modules of its own package
    (``a``) and their subpackages only; private modules of other libraries never."""
    parts = target.split(".")
    for depth, part in enumerate(parts):
        if _private(part):
            owner = ".".join(parts[:depth])
            if not (package == owner or package.startswith(owner + ".")) or not owner:
                return f"imports the private module {target}"
            if parts[0] != "backproplab":
                return f"imports the private module {target}"
    return None


def offenders_in(source: str, module: str, is_package: bool = False) -> list[str]:
    """Every breach of the rule in one module's source, as ``"line: what"``."""
    tree = ast.parse(source)
    package = _package_of(module, is_package)
    found, imported = [], set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                imported.add(alias.asname or alias.name.split(".")[0])
                why = _private_module_reach(alias.name, package)
                if why:
                    found.append(f"{node.lineno}: {why}")
        elif isinstance(node, ast.ImportFrom):
            source_module = _absolute(node, package)
            why = _private_module_reach(source_module, package)
            if why:
                found.append(f"{node.lineno}: {why}")
            for alias in node.names:
                imported.add(alias.asname or alias.name)
                if not _private(alias.name):
                    continue
                submodule = f"{source_module}.{alias.name}"
                if (SRC / submodule.replace(".", "/")).with_suffix(".py").exists():
                    why = _private_module_reach(submodule, package)  # ``from . import _m``
                    if why:
                        found.append(f"{node.lineno}: {why}")
                else:
                    found.append(f"{node.lineno}: imports {source_module}'s private {alias.name}")
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and _private(node.attr):
            if f"{getattr(node.value, 'id', '')}.{node.attr}" in DOCUMENTED:
                continue
            if isinstance(node.value, ast.Name) and node.value.id in imported:
                found.append(f"{node.lineno}: reaches into {node.value.id}.{node.attr}")
    return found


def test_the_checker_finds_each_kind_of_breach():
    source = (
        "from .costs import _safe_log\n"  # a private name of a sibling module
        "from sklearn.utils._param_validation import Interval\n"  # another library's private module
        "from ..sklearn._base import DTYPE\n"  # a private module of another package
        "import numpy as np\n"
        "x = np._NoValue\n"  # a private attribute of an imported module
        "from . import forward\n"
        "y = forward._helper\n"
    )
    found = offenders_in(source, "backproplab.engine.backward")
    assert [f.split(":")[0] for f in found] == ["1", "2", "3", "5", "7"], found
    allowed = (
        "from ._model_file import LABEL_KINDS\n"  # a private module of its own package
        "from . import _model_file as model_file\n"
        "from .classifier import BackpropClassifier\n"
        "class A:\n"
        "    def f(self):\n"
        "        return self._x, super()._y, __name__\n"  # its own privates
    )
    assert offenders_in(allowed, "backproplab.sklearn.regressor") == []


def test_no_module_uses_another_modules_private_names():
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        module = _module_name(path)
        for found in offenders_in(path.read_text(), module, path.name == "__init__.py"):
            offenders.append(f"{path.relative_to(SRC)}:{found}")
    assert offenders == []


def _attributes_set_outside_init(source: str, class_name: str) -> dict[str, list[str]]:
    """``{attribute: [methods]}`` for each ``self.x = …`` in a method other than
    ``__init__`` whose ``x`` ``__init__`` does not set."""
    cls = next(
        n for n in ast.parse(source).body if isinstance(n, ast.ClassDef) and n.name == class_name
    )
    in_init, elsewhere = set(), {}
    for method in (f for f in cls.body if isinstance(f, ast.FunctionDef)):
        for node in ast.walk(method):
            targets = getattr(node, "targets", None) or [getattr(node, "target", None)]
            for target in targets:
                for t in target.elts if isinstance(target, ast.Tuple) else [target]:
                    if isinstance(t, ast.Attribute) and getattr(t.value, "id", None) == "self":
                        if method.name == "__init__":
                            in_init.add(t.attr)
                        else:
                            elsewhere.setdefault(t.attr, []).append(method.name)
    return {k: v for k, v in elsewhere.items() if k not in in_init}


def test_the_playground_session_sets_every_attribute_in_init():
    source = "class S:\n    def __init__(self):\n        self.a = 1\n    def f(self):\n        self.a, self.b = 2, 3\n"
    assert _attributes_set_outside_init(source, "S") == {"b": ["f"]}  # the checker sees it
    session = (PACKAGE / "serve" / "session.py").read_text()
    assert _attributes_set_outside_init(session, "Session") == {}
