"""The hidden-space GIF, drawn once with matplotlib's Agg canvas on two cores.

Each frame is one snapshot drawn by :func:`~backproplab.viz.animate.hidden_frames` (or
:func:`~backproplab.viz.animate.output_curve_frames` for 1-D inputs). The frames are split
in two halves: this process draws the first while a forked worker draws the second; each
frame is reduced to a 256-colour palette (Pillow's fast octree) where it is drawn, and
Pillow assembles the GIF.
Nothing appears under the GIF's name until it is complete.

The worker never outlives this process: it is terminated when :func:`write_gif` ends
for any reason (an error, Ctrl-C), and if this process is killed outright (SIGTERM,
SIGKILL) the worker is killed with it (Linux's parent-death signal; elsewhere it checks
every half second that its parent is still there).
"""

from __future__ import annotations

import multiprocessing
import os
from dataclasses import dataclass

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from PIL import Image

from ..formats.files import atomic_path
from .animate import hidden_frames, output_curve_frames


@dataclass
class Frames:
    """What to draw: ``snapshots`` (a Recorder's) and the drawer's other arguments.

    ``kind`` is ``"hidden"`` (``kwargs``: y, layer, units, title) or ``"curve"`` (X, y).
    """

    kind: str
    snapshots: list
    kwargs: dict

    @property
    def snapshot_count(self) -> int:
        return len(self.snapshots)


def _drawer(frames: Frames):
    if frames.kind == "hidden":
        return hidden_frames(frames, rotate=False, **frames.kwargs)
    if frames.kind == "curve":
        return output_curve_frames(frames, **frames.kwargs)
    raise ValueError(f"kind must be 'hidden' or 'curve', got {frames.kind!r}")


def render_frames(frames: Frames, indices, progress=None) -> list[Image.Image]:
    """Draw snapshots ``indices`` as palette images; ``progress()`` after each one.

    A figure whose camera and axes stay the same from frame to frame (it lists its
    ``moving_artists``) is drawn whole once; each frame then draws only what moves over
    a copy of that background (matplotlib's blitting), which is the same picture at a
    fraction of the cost."""
    fig, draw, _ = _drawer(frames)
    canvas = FigureCanvasAgg(fig)
    moving = getattr(fig, "moving_artists", None)
    background = None
    if moving and len(indices):
        for artist in moving:
            artist.set_animated(True)  # left out of the whole drawing
        draw(indices[0])  # the camera, which the frames set, in place
        with np.errstate(over="ignore"):
            canvas.draw()
        background = canvas.copy_from_bbox(fig.bbox)
    images = []
    for i in indices:
        draw(i)
        with np.errstate(over="ignore"):  # mplot3d's projection matrix product can overflow
            if background is None:  # for far-off view geometry; drawn all the same
                canvas.draw()
            else:
                canvas.restore_region(background)
                for artist in moving:
                    if hasattr(artist, "do_3d_projection"):  # as Axes3D.draw would
                        artist.do_3d_projection()
                    fig.draw_artist(artist)
        rgb = Image.frombuffer("RGBA", canvas.get_width_height(), canvas.buffer_rgba()).convert(
            "RGB"
        )
        images.append(rgb.quantize(colors=256, method=Image.Quantize.FASTOCTREE))
        if progress is not None:
            progress()
    return images


def _context():
    """Fork where the platform has it (the worker starts at once, with everything
    imported); elsewhere the platform's default."""
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else None)


def _die_with_parent(parent: int) -> None:
    """In a worker: end when ``parent`` does, however it ends."""
    import ctypes
    import signal
    import threading
    import time

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, int(signal.SIGKILL))  # PR_SET_PDEATHSIG: the kernel kills us with the parent
    except (OSError, AttributeError):  # not Linux: watch the parent instead
        pass

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    if os.getppid() != parent:  # the parent died before the signal was armed
        os._exit(1)
    threading.Thread(target=watch, daemon=True).start()


def write_gif(
    frames: Frames, path, fps: int = 12, workers: int = 2, progress=None, meanwhile=None
) -> None:
    """Draw every snapshot once and write the GIF to ``path`` atomically.

    Args:
        workers: processes drawing frames (this one included); 1 draws everything here.
        progress: called with ``(frames_done, n_frames)`` as frames are finished.
        meanwhile: work for this process while the workers start drawing (called first).
    """
    n = frames.snapshot_count
    done = [0]

    def tick(k: int = 1):
        done[0] += k
        if progress is not None:
            progress(done[0], n)

    workers = max(1, min(workers, os.cpu_count() or 1, n))
    cut = -(-n // workers)
    if workers == 1:
        if meanwhile is not None:
            meanwhile()
        images = render_frames(frames, range(n), tick)
    else:
        pool = _context().Pool(workers - 1, _die_with_parent, (os.getpid(),))
        with pool:  # leaving it, however, terminates the workers
            parts = [
                pool.apply_async(render_frames, (frames, range(start, min(start + cut, n))))
                for start in range(cut, n, cut)
            ]
            if meanwhile is not None:
                meanwhile()
            images = render_frames(frames, range(cut), tick)
            for part in parts:
                drawn = part.get()
                tick(len(drawn))
                images += drawn
    with atomic_path(path) as tmp:
        images[0].save(
            tmp,
            format="GIF",
            save_all=True,
            append_images=images[1:],
            duration=round(1000 / fps),
            loop=0,
        )
