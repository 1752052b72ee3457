"""How a hidden layer's representation of the data evolves through training.

:func:`animate_hidden` turns a :class:`~backproplab.training.callbacks.Recorder`'s snapshots
into a matplotlib animation: every sample's activation in the watched layer, coloured by
class, one frame per snapshot. A layer of width 3 is a 3-D scatter (seen from a camera
chosen from the data, :func:`data_camera`, so the last frame shows the classes apart), 2 a
plane, 1 a line; a wider layer is shown through one fixed projection (PCA fitted on the
final representation, or three units you name), so that motion on screen is change in the
network. When the watched layer feeds a single output neuron directly and nothing is
projected away, the neuron's decision surface ``w · a + b = 0`` (a plane in 3-D) is drawn
in that space as it is at each frame: training moves the points and the plane until the
plane separates them.
"""

from __future__ import annotations

import os
import re
import tempfile

import numpy as np
from matplotlib import rcParams
from matplotlib.animation import FuncAnimation, HTMLWriter, PillowWriter
from mpl_toolkits.mplot3d.art3d import Poly3DCollection

from ..formats.files import atomic_path
from . import moments
from .figure import NotebookFigure
from .moments import plane_in_box
from .plots import CLASS_MARKERS, class_color, class_label

_FONT_AWESOME = re.compile(r'<link rel="stylesheet"\s*href="[^"]*font-awesome[^"]*">')
_ICONS = {  # matplotlib's player buttons, as text instead of a web font fetched online
    "fa fa-minus": "&minus;",
    "fa fa-fast-backward": "|&#9664;&#9664;",
    "fa fa-step-backward": "|&#9664;",
    "fa fa-play fa-flip-horizontal": "&#9664;",
    "fa fa-pause": "&#10074;&#10074;",
    "fa fa-play": "&#9654;",
    "fa fa-step-forward": "&#9654;|",
    "fa fa-fast-forward": "&#9654;&#9654;|",
    "fa fa-plus": "+",
}


class NotebookAnimation(FuncAnimation):
    """A FuncAnimation that a notebook plays (HTML and JavaScript, nothing fetched) when
    it is a cell's value; ``rcParams["animation.html"]``, if set, takes precedence.
    ``fps``: frames per second when played."""

    def __init__(self, fig, func, *, fps: int = 12, **kwargs):
        self.fps = fps
        super().__init__(fig, func, interval=1000 / fps, **kwargs)

    def _repr_html_(self):
        if rcParams["animation.html"] != "none":
            return super()._repr_html_()
        return to_html(self, fps=self.fps)


def _projection(snapshots, layer: int, units):
    """``(project, labels, exact)``: a fixed map from a^ℓ (n, n_ℓ) to ≤ 3 coordinates."""
    width = snapshots[-1].layers[layer].shape[1]
    if units is not None:
        units = [int(u) for u in units]
        if not 1 <= len(units) <= 3 or any(not 0 <= u < width for u in units):
            raise ValueError(
                f"units must name 1 to 3 of the layer's {width} units (0-based), got {units}"
            )
        names = [_neuron_tex(layer, u) for u in units]
        return (lambda a: a[:, units]), names, len(units) == width
    if width <= 3:
        return (lambda a: a), [_neuron_tex(layer, u) for u in range(width)], True
    project, share = moments.pca(snapshots[-1].layers[layer], 3)
    return project, [f"PC{i + 1} ({share[i]:.0%})" for i in range(3)], False


def _neuron_tex(ell: int, u: int) -> str:
    """Neuron u (0-based) of layer ℓ as the notebook writes it, numbered from 1: a²₁."""
    return f"$a^{{{ell}}}_{{{u + 1}}}$"


_BOX_ASPECT = np.array([4.0, 4.0, 3.0])  # mplot3d's default proportions of the 3-D box
_DEFAULT_VIEW = (22.0, -60.0)


def data_camera(points: np.ndarray, y, lo, hi, normal=None, tilt: float = 12.0):
    """``(elev, azim)`` in degrees: a camera chosen from the data, looking across the
    direction that tells the classes apart, so that the picture shows them apart.

    That direction is ``normal`` when given (the output neuron's ``w``: the camera then sees
    its decision plane nearly edge-on, ``tilt`` degrees off, with a class on each side),
    else the line between the two classes' means (several classes: the direction along
    which their means spread most). Of the cameras across it, the one nearest mplot3d's
    default view is taken. Worked in the box's drawn proportions (each axis scaled from
    [lo, hi] to the box's side), where the camera's angles are measured.

    >>> P = np.array([[0, 0, 0], [1, 0, 0], [0, 0, 1.0], [1, 0, 1]])
    >>> elev, azim = data_camera(P, [0, 0, 1, 1], np.zeros(3), np.ones(3), tilt=0)
    >>> round(elev, 6)  # the classes differ in z: looked at from the side, not from above
    0.0
    """
    points, y = np.asarray(points, dtype=float), np.asarray(y)
    scale = _BOX_ASPECT / np.maximum(np.asarray(hi) - np.asarray(lo), 1e-12)
    if normal is not None:
        n = np.asarray(normal, dtype=float) / scale  # a plane's normal in drawn proportions
    else:
        means = np.array([points[y == c].mean(axis=0) for c in np.unique(y)]) * scale
        if len(means) < 2:
            return _DEFAULT_VIEW
        n = means[1] - means[0] if len(means) == 2 else np.linalg.svd(means - means.mean(0))[2][0]
    if not np.all(np.isfinite(n)) or np.linalg.norm(n) == 0:
        return _DEFAULT_VIEW
    n = n / np.linalg.norm(n)
    e, a = np.radians(_DEFAULT_VIEW)
    default = np.array([np.cos(e) * np.cos(a), np.cos(e) * np.sin(a), np.sin(e)])
    u = np.cross(n, [0.0, 0.0, 1.0]) if abs(n[2]) < 0.9 else np.cross(n, [1.0, 0.0, 0.0])
    u /= np.linalg.norm(u)
    v = np.cross(n, u)
    theta = np.radians(np.arange(360.0))
    across = np.cos(theta)[:, None] * u + np.sin(theta)[:, None] * v  # every camera across n
    elev = np.degrees(np.arcsin(np.clip(across[:, 2], -1, 1)))
    upright = (elev >= 0) & (elev <= 40)  # from a little above, as a person looks at a box
    if not upright.any():
        upright = elev >= elev.max() - 1e-9
    d = across[upright][np.argmax(across[upright] @ default)]
    t = np.radians(tilt)
    d = np.cos(t) * d + np.sin(t) * n * (1.0 if default @ n >= 0 else -1.0)
    return (
        float(np.degrees(np.arcsin(np.clip(d[2], -1, 1)))),
        float(np.degrees(np.arctan2(d[1], d[0]))),
    )


def _limits(points: list[np.ndarray]):
    lo = np.min([p.min(axis=0) for p in points], axis=0)
    hi = np.max([p.max(axis=0) for p in points], axis=0)
    pad = 0.05 * np.maximum(hi - lo, 1e-9)
    return lo - pad, hi + pad


def animate_hidden(
    recorder,
    y,
    layer: int,
    *,
    units=None,
    fps: int = 12,
    title: str | None = None,
    rotate: bool = True,
) -> FuncAnimation:
    """The watched layer's representation of the recorded samples, frame by frame.

    Args: as :func:`hidden_frames`, and ``fps``, frames per second when played.
    """
    fig, draw, n = hidden_frames(recorder, y, layer, units=units, title=title, rotate=rotate)
    return NotebookAnimation(fig, draw, frames=n, fps=fps, blit=False)


def hidden_frames(recorder, y, layer: int, *, units=None, title=None, rotate: bool = True):
    """``(figure, draw, n_frames)``: ``draw(i)`` draws snapshot i of the watched layer's
    representation of the recorded samples into the figure.

    Args:
        recorder: a :class:`~backproplab.training.callbacks.Recorder` that recorded ``layer``.
        y: the recorded samples' class labels, shape (n_samples,), for the colours.
        layer: ℓ, the layer to show.
        units: up to three unit indices to show instead of a PCA projection.
        title: the first line of each frame's title.
        rotate: turn a 3-D view slowly, which makes depth easier to see.
    """
    snaps = recorder.snapshots
    if not snaps or layer not in snaps[0].layers:
        raise ValueError(f"the recorder holds no snapshots of layer {layer}")
    y = np.asarray(y)
    project, labels, exact = _projection(snaps, layer, units)
    points = [project(s.layers[layer]) for s in snaps]
    dim = points[0].shape[1]
    lo, hi = _limits(points)
    L = len(snaps[0].weights)
    plane = exact and layer == L - 1 and snaps[0].weights[-1].shape[0] == 1
    classes = np.unique(y)
    fig = NotebookFigure(figsize=(6.4, 5.6), layout="constrained" if dim < 3 else None, dpi=90)
    ax = fig.add_subplot(projection="3d" if dim == 3 else None)
    if dim == 3:  # drawn in the order added, the last class on top, not sorted by depth,
        ax.computed_zorder = False  # which buries a whole class under another's clump
    heading = title or f"hidden layer {layer}"
    # The axes, labels and legend are drawn once; each frame moves the points, the surface
    # and the title (rebuilding the axes every frame would cost most of a frame's time).
    scatters = []
    for c, label in enumerate(classes):
        style = dict(
            s=16,
            alpha=0.65,
            edgecolors="none",
            label=class_label(label),
            c=class_color(c, len(classes)),
            marker=CLASS_MARKERS[c % len(CLASS_MARKERS)],
        )
        if dim == 3:
            style["depthshade"] = False
        scatters.append(ax.scatter(*[np.zeros(0)] * max(dim, 2), **style))
    surface = None
    if plane and dim == 3:
        surface = Poly3DCollection([], facecolor="0.3", alpha=0.25, edgecolor="none")
        ax.add_collection3d(surface)
    elif plane:
        (surface,) = ax.plot([], [], color="k", lw=2, ls="--")
    ax.set_xlim(lo[0], hi[0])
    ax.set_xlabel(labels[0])
    if dim > 1:
        ax.set_ylim(lo[1], hi[1])
        ax.set_ylabel(labels[1])
    else:  # one unit: a row per class
        ax.set_yticks(range(len(classes)), [class_label(c) for c in classes])
        ax.set_ylim(-0.5, len(classes) - 0.5)
    if dim == 3:
        ax.set_zlim(lo[2], hi[2])
        ax.set_zlabel(labels[2])
    heading_text = ax.set_title("", fontsize=10)
    ax.legend(loc="upper left", fontsize=8)
    if dim == 3:
        last = snaps[-1]
        normal = None
        if plane:
            normal = last.weights[-1][0] if units is None else last.weights[-1][0][list(units)]
        elev, azim = data_camera(points[-1], y, lo, hi, normal)

    def draw(i: int):
        P, snap = points[i], snaps[i]
        for c, label in enumerate(classes):
            pts = P[y == label]
            rows = np.full(len(pts), float(c))  # one unit: a row per class
            scatters[c].set_offsets(np.column_stack([pts[:, 0], pts[:, 1] if dim > 1 else rows]))
            if dim == 3:
                scatters[c].set_3d_properties(pts[:, 2], "z")
        missing = ""
        if plane:
            w = snap.weights[-1][0] if units is None else snap.weights[-1][0][list(units)]
            V = plane_in_box(w, float(snap.biases[-1][0, 0]), lo, hi)
            if len(V) < max(dim, 1):
                missing = "\n(no plane: w·a + b = 0 is outside the box, every point on one side)"
            if dim == 3:
                surface.set_verts([V] if len(V) >= 3 else [])
            elif dim == 2 and len(V) == 2:
                t = np.linspace(0, 1, 30)[:, None]
                line = V[0] + t * (V[1] - V[0])
                surface.set_data(line[:, 0], line[:, 1])
            elif dim == 1 and len(V) == 1:
                surface.set_data([V[0, 0]] * 2, [-0.5, len(classes) - 0.5])
            else:
                surface.set_data([], [])
        if dim == 3:
            turn = 40 * (i / max(1, len(snaps) - 1) - 1) if rotate else 0  # ends at the camera
            ax.view_init(elev=elev, azim=azim + turn)
        loss = "" if np.isnan(snap.loss) else f"   loss {snap.loss:.4f}"
        heading_text.set_text(
            f"{heading}\nepoch {snap.epoch:.1f}   step {snap.step}{loss}{missing}"
        )
        return []

    if not rotate:  # the camera and axes stay: only these change from frame to frame
        fig.moving_artists = [*scatters, *([surface] if surface is not None else []), heading_text]
    return fig, draw, len(snaps)


def animate_output_curve(
    recorder, X, y, *, fps: int = 12, title: str = "input to output"
) -> FuncAnimation:
    """For 1-D inputs: the network's output as a function of x, frame by frame."""
    fig, draw, n = output_curve_frames(recorder, X, y, title=title)
    return NotebookAnimation(fig, draw, frames=n, fps=fps, blit=False)


def output_curve_frames(recorder, X, y, *, title: str = "input to output"):
    """``(figure, draw, n_frames)`` of the output as a function of x (1-D inputs)."""
    snaps = recorder.snapshots
    L = len(snaps[0].weights)
    if L not in snaps[0].layers:
        raise ValueError(f"the recorder holds no snapshots of the output layer {L}")
    x = np.asarray(X, dtype=float)[:, 0]
    order = np.argsort(x)
    outs = [s.layers[L][:, 0] for s in snaps]
    lo = min(float(np.min(o)) for o in outs + [np.asarray(y, float)])
    hi = max(float(np.max(o)) for o in outs + [np.asarray(y, float)])
    fig = NotebookFigure(figsize=(6.4, 4.5), layout="constrained", dpi=90)
    ax = fig.add_subplot()

    def draw(i: int):
        ax.cla()
        ax.scatter(x, y, s=6, c="0.6", label="targets")
        ax.plot(x[order], outs[i][order], color="#d62728", lw=2.5, label="network output")
        ax.set(xlabel="$x$", ylabel="$a^L$", ylim=(lo - 0.1, hi + 0.1))
        loss = "" if np.isnan(snaps[i].loss) else f"   loss {snaps[i].loss:.4f}"
        ax.set_title(
            f"{title}\nepoch {snaps[i].epoch:.1f}   step {snaps[i].step}{loss}", fontsize=10
        )
        ax.legend(loc="upper left", fontsize=8)
        return []

    return fig, draw, len(snaps)


def save_gif(animation: FuncAnimation, path, fps: int = 12, progress=None) -> None:
    """Write the animation as a GIF; nothing appears under ``path`` until it is complete.

    ``progress(frame, n_frames)`` is called as each frame is drawn."""
    with atomic_path(path) as tmp, _drawing_errstate():
        animation.save(tmp, writer=PillowWriter(fps=fps), progress_callback=progress)


def _drawing_errstate():
    """mplot3d projects a decision plane that runs far off screen with ``np.dot``, which
    can overflow; the picture is right (the plane is clipped), so drawing ignores it."""
    return np.errstate(over="ignore", invalid="ignore")


def to_html(
    animation: FuncAnimation, fps: int = 12, progress=None, embed_limit_mb: float = 60
) -> str:
    """The animation as a self-contained HTML fragment with play, pause and step controls.

    This is matplotlib's JavaScript player (what ``to_jshtml`` returns) with its web-font
    icons, which it would fetch online, replaced by text.
    """
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "animation.html")
        writer = HTMLWriter(
            fps=fps, embed_frames=True, default_mode="loop", embed_limit=embed_limit_mb
        )
        with _drawing_errstate():
            animation.save(path, writer=writer, progress_callback=progress)
        with open(path, encoding="utf-8") as f:
            text = f.read()
    text = _FONT_AWESOME.sub("", text)
    for cls, symbol in _ICONS.items():
        text = text.replace(f'<i class="{cls}"></i>', f"<span>{symbol}</span>")
    return text
