"""Every ```python block of the README and of the documentation's pages (``docs/*.md``)
runs as written, in a fresh Python process.

The convention, stated in the README's section "Running the examples": a block runs on
its own unless its first line is ``# continues the previous block`` (then it runs after
that one, in the same process); ``# needs: torch, onnx`` names optional modules, without
which the block (and what continues it) is skipped; ``# not run: <why>`` marks a block
that needs what no test machine has (a cluster).
"""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
# The how-to pages of the site hold the examples that moved out of the README: their
# blocks are held to the same convention and run the same way.
SOURCES = [README, *sorted((ROOT / "docs").glob("*.md"))]
CONTINUES = "# continues the previous block"


def python_blocks(text: str) -> list[str]:
    """The README's ```python blocks, in order."""
    return re.findall(r"^```python\n(.*?)^```", text, re.S | re.M)


def chains(blocks: list[str]) -> list[list[str]]:
    """Blocks grouped into what runs in one process: a block and those continuing it."""
    out: list[list[str]] = []
    for block in blocks:
        if block.startswith(CONTINUES) and out:
            out[-1].append(block)
        else:
            out.append([block])
    return out


def needs(chain: list[str]) -> list[str]:
    found = []
    for block in chain:
        first = block.splitlines()[0]
        if first.startswith("# needs:"):
            found += [m.strip() for m in first.removeprefix("# needs:").split(",")]
    return found


def _chains(path: Path = README):
    text = path.read_text(encoding="utf-8")
    return chains(python_blocks(text))


def _all_chains() -> list[list[str]]:
    return [chain for path in SOURCES for chain in _chains(path)]


def _all_ids() -> list[str]:
    return [f"{path.name}: {_id(chain)}" for path in SOURCES for chain in _chains(path)]


def _id(chain: list[str]) -> str:
    first = next(line for line in chain[0].splitlines() if not line.startswith("#"))
    return first[:40]


def test_the_convention_is_followed():
    total = 0
    for path in SOURCES:
        blocks = python_blocks(path.read_text(encoding="utf-8"))
        total += len(blocks)
        assert not blocks or not blocks[0].startswith(CONTINUES), path
        for block in blocks:
            code = [line.split("#")[0] for line in block.splitlines()]
            assert not any("..." in line for line in code), block  # no elided code
    assert len(python_blocks(README.read_text(encoding="utf-8"))) >= 5
    assert total >= 15


@pytest.mark.slow
@pytest.mark.parametrize("chain", _all_chains(), ids=_all_ids())
def test_every_readme_block_runs_as_written(chain, tmp_path):
    if any(block.startswith("# not run:") for block in chain):
        pytest.skip(chain[0].splitlines()[0])
    missing = [m for m in needs(chain) if importlib.util.find_spec(m) is None]
    if missing:
        pytest.skip(f"needs {', '.join(missing)}")
    script = "\n".join(chain)
    env = dict(os.environ, MPLBACKEND="Agg", PYTHONWARNINGS="error::RuntimeWarning")
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True,
        timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
