"""What the playground's "export" buttons download: bytes made in memory, never a path
the page chose.

- ``model``: ``model.npz``, written by :meth:`Network.save <backproplab.network.Network.save>`
  into a temporary folder of the server's own and read back;
- ``report``: the session's interactive report (:func:`backproplab.viz.page.render_report`)
  over the moments the session kept;
- ``script``: Python that builds the same data, features and network with the library
  and replays the session's training (:mod:`.journal`), so its losses are the page's,
  then trains on (:mod:`backproplab.viz.reproduce`, the report's snippet's generator too).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from ..viz import page, reproduce

KINDS = ("model", "report", "script")


def export(what: str, session) -> tuple[str, str, bytes]:
    """``(file name, MIME type, bytes)`` of one export of ``session`` (its thread only)."""
    if what == "model":
        with tempfile.TemporaryDirectory(prefix="backproplab-export-") as folder:
            path = Path(folder) / "model.npz"
            session.net.save(path, extra={"playground": session.settings.to_dict(),
                                          "features": session.features})  # fmt: skip
            return "model.npz", "application/octet-stream", path.read_bytes()
    if what == "report":
        from .views import run_of

        m = session.moment()  # the newest moment is kept too
        run = run_of(m, session.kept_moments())
        run.journal = session.journal.export(session.steps)  # the snippet replays it
        return "report.html", "text/html", page.render_report(run).encode("utf-8")
    if what == "script":
        return "playground.py", "text/x-python", script(session).encode("utf-8")
    raise ValueError(f"export one of {', '.join(KINDS)}")


def script(session) -> str:
    """Python reproducing the session with the library's public API
    (:func:`backproplab.viz.reproduce.for_session`)."""
    return reproduce.for_session(session)
