"""The pages' JavaScript as ES modules: listed once (the panel registry), carried by the
report in an import map, served by the playground from a fixed table."""

from __future__ import annotations

import base64
import json
import re
from importlib import resources

import pytest

from backproplab.viz import page
from backproplab.viz.panels import PANELS


def _web_files(package: str) -> set[str]:
    return {f.name for f in resources.files(package).joinpath("web").iterdir()}


def test_every_panel_is_one_entry_whose_files_exist():
    viz = _web_files("backproplab.viz")
    ids = [p.id for p in PANELS]
    assert len(set(ids)) == len(ids)
    for p in PANELS:
        assert p.script in viz
        assert p.controls is None or p.controls in viz
        text = page.module_text(f"viz/web/{p.script}")
        for name in ("init", "draw"):  # the module is a panel: what view.addPanel calls
            assert re.search(rf"^export (function {name}\b|{{ {name} }})", text, re.M), p.script


def test_the_report_carries_exactly_its_modules_in_an_import_map():
    imports = json.loads(page.import_map())["imports"]
    names = set(imports)
    wanted = {page.MODULE_PREFIX + m for m in (page.REPORT_ENTRY, *page.panel_modules())}
    assert wanted <= names
    for name, url in imports.items():
        assert url.startswith("data:text/javascript;base64,")
        text = base64.b64decode(url.split(",", 1)[1]).decode("utf-8")
        source = page.module_text(name.removeprefix(page.MODULE_PREFIX))
        # the one change: relative imports name their module by its import-map name
        for spec in re.findall(r'from "([^"]+)"', text):
            assert spec in names, (name, spec)
        assert re.sub(r'from "[^"]+"', "", text) == re.sub(r'from "[^"]+"', "", source)
    # every module is reached from the entry or a panel: nothing carried for nothing
    reached = set(page.module_closure((page.REPORT_ENTRY, *page.panel_modules())))
    assert {n.removeprefix(page.MODULE_PREFIX) for n in names} == reached


def test_each_panel_is_listed_for_the_page_in_registry_order():
    listed = json.loads(page.panel_list("/modules/"))
    assert [p["id"] for p in listed] == [p.id for p in PANELS]
    assert all(
        p["module"] == f"/modules/viz/web/{q.script}" for p, q in zip(listed, PANELS, strict=True)
    )


def test_a_module_may_not_import_outside_the_package(monkeypatch):
    texts = {"viz/web/a.js": 'import { x } from "../../../evil.js";\n'}
    monkeypatch.setattr(page, "module_text", lambda path: texts.get(path, ""))
    page.module_closure.cache_clear()
    try:
        with pytest.raises(ValueError, match="bad module import"):
            page.module_closure(("viz/web/a.js",))
    finally:
        page.module_closure.cache_clear()


@pytest.mark.parametrize("package", ["backproplab.viz", "backproplab.serve"])
def test_the_modules_share_nothing_through_window_and_patch_no_prototype(package):
    for name in sorted(n for n in _web_files(package) if n.endswith(".js")):
        text = resources.files(package).joinpath("web", name).read_text("utf-8")
        assert "window." not in text and "BPL" not in text, name
        assert ".prototype." not in text and "_fullLayout" not in text, name
        assert re.search(r"^(import|export) ", text, re.M), f"{name} is not an ES module"
