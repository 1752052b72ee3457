"""``backproplab demo`` and ``backproplab train``: the commands and their options.

``train`` runs :func:`backproplab.cli.pipeline.run` with what it was told (and the choices
of :mod:`.defaults` for the rest); ``demo`` is ``train`` with the circles demo's settings
(:data:`DEMO_DEFAULTS`), or one of the two lessons (``demo slowdown``, ``demo vanishing``).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from ..engine.activations import ACTIVATIONS, hidden_activations
from .limits import parse_layers
from .output import Printer, sigint_guard, staged_run
from .pipeline import OUTPUT_FILES, Outputs, TrainingPlan, resolve, run
from .training_options import add_training_flags, training_options

DEMO_DEFAULTS = dict(
    data="circles",
    layers="2,3,3,1",
    activation="sigmoid",
    cost="quadratic",
    epochs=200,
    batch_size=10,
    eta=3.0,
    seed=0,
    frames=80,
    init="gaussian",
    standardize=False,
)
# ``train``: the same, but with the choices of :mod:`.defaults` (standardised inputs; init
# and η chosen from the activation and the cost when not given).
TRAIN_DEFAULTS = dict(DEMO_DEFAULTS, init="auto", eta=None, standardize=True)


def _settings(args: argparse.Namespace) -> TrainingPlan:
    return resolve(
        TrainingPlan(
            data=args.data,
            layers=parse_layers(args.layers),
            activation=args.activation,
            output_activation=args.output_activation,
            cost=args.cost,
            init=args.init,
            epochs=args.epochs,
            batch_size=args.batch_size,
            eta=args.eta,
            seed=args.seed,
            watch_layer=args.watch_layer,
            units=parse_layers(args.units, "--units") if args.units else None,
            frames=args.frames,
            n_samples=args.n_samples,
            noise=args.noise,
            target=args.target,
            training=training_options(args),
            standardize=args.standardize,
        )
    )


def cmd_train(args: argparse.Namespace) -> int:
    """Check the output folder, run into a staging folder, then move the files into place
    as a set (see :mod:`backproplab.cli.output`); print where they are only after that."""
    s, out = _settings(args), Path(args.out)
    inputs = [Path(s.data)] if s.data.lower().endswith(".csv") else []
    with (
        sigint_guard() as interrupts,
        staged_run(
            out,
            command="train",
            names=OUTPUT_FILES,
            inputs=inputs,
            force=args.force,
            interrupts=interrupts,
        ) as stage,
    ):
        run(s, stage.path, quiet=args.quiet, outputs=Outputs(args.history, args.hidden_page))
    say = Printer(args.quiet)
    say(f"wrote {out}/: {' '.join(stage.written)}")
    say(f"open {(out / 'report.html').resolve()}")
    return 0


LESSON_NAMES = ("circles", "slowdown", "vanishing")


def cmd_demo(args: argparse.Namespace) -> int:
    """``demo``: the circles demo (``train`` with :data:`DEMO_DEFAULTS`), or a lesson."""
    if args.lesson == "circles":
        if args.out is None:
            args.out = "backproplab-demo"
        return cmd_train(args)
    from .lessons import cmd_lesson

    changed = sorted(
        f"--{name.replace('_', '-')}"
        for name, value in DEMO_DEFAULTS.items() | _OTHER_DEFAULTS.items()
        if getattr(args, name, value) != value
    )
    if changed:
        raise ValueError(
            f"demo {args.lesson} takes only --out, --quiet and --force, not {', '.join(changed)}"
        )
    out = Path(args.out or f"backproplab-{args.lesson}")
    return cmd_lesson(args.lesson, out, quiet=args.quiet, force=args.force)


_OTHER_DEFAULTS = dict(
    history="epochs", hidden_page=False, target=None, output_activation=None, n_samples=None,
    noise=None, watch_layer=None, units=None, optimizer="sgd", l2=0.0, l1=0.0,
    schedule="constant", dropout=0.0, validation=None, patience=None,
)  # fmt: skip

_HELP = {
    "demo": (
        "train [2,3,3,1] on the circles data and write the animation and report, or run a "
        "lesson (slowdown, vanishing)",
        "The circles demo is `train` with the settings the demo's pictures were tuned for "
        "(quadratic cost, eta 3, Gaussian init, raw inputs); every `train` option works here "
        "too, with these defaults. `demo slowdown` and `demo vanishing` run the two lessons "
        "(learning slowdown, vanishing gradients) and write a figure and a summary.",
    ),
    "train": (
        "train any network on any data set and write the animation and report",
        "Defaults that work across the bundled data sets: inputs standardised (unless "
        "--no-standardize), a sigmoid output for one output and softmax for several with "
        "cross-entropy (sigmoid with the quadratic cost; --activation sets the hidden layers "
        "only), He init for ReLU hidden layers (biases 0.1) and Xavier otherwise, and eta 3.0 "
        "for the quadratic cost, 0.5 for cross-entropy, a fifth of that with ReLU or linear "
        "hidden layers. The end of a run warns about chance-level accuracy, a dead layer and "
        "a rising loss.",
    ),
}


def register(sub) -> None:
    """Add ``demo`` and ``train`` to the ``backproplab`` parser."""
    for name, defaults in (("demo", DEMO_DEFAULTS), ("train", TRAIN_DEFAULTS)):
        help_text, description = _HELP[name]
        p = sub.add_parser(name, help=help_text, description=description)
        if name == "demo":
            p.add_argument(
                "lesson",
                nargs="?",
                default="circles",
                choices=LESSON_NAMES,
                help="what to show: the circles demo, the learning slowdown of a saturated "
                "neuron, or vanishing gradients in a deep network",
            )
        p.add_argument(
            "--data",
            default=defaults["data"],
            help="toy, circles, moons, xor, spirals, blobs, digits, iris, or FILE.csv",
        )
        p.add_argument("--target", help="the target column of --data FILE.csv")
        p.add_argument("--layers", default=defaults["layers"], help="layer sizes, input first")
        hidden = hidden_activations()  # the registry's, so a registered one is listed
        p.add_argument(
            "--activation",
            default=defaults["activation"],
            type=ACTIVATIONS.key,  # "Leaky-ReLU" and the aliases ("logistic") are accepted
            choices=hidden,
            metavar="{" + ",".join(hidden) + "}",
            help="the hidden layers' activation",
        )
        p.add_argument(
            "--output-activation",
            default=None,
            help="the output layer's activation (default: softmax for several outputs with "
            "cross-entropy, else sigmoid)",
        )
        p.add_argument("--cost", default=defaults["cost"], help="quadratic or cross-entropy")
        p.add_argument(
            "--init",
            default=defaults["init"],
            help="gaussian, scaled, xavier, he"
            + (", or auto (he for ReLU hidden layers, else xavier)" if name == "train" else ""),
        )
        p.add_argument(
            "--epochs", type=int, default=defaults["epochs"], help="passes over the data"
        )
        p.add_argument(
            "--batch-size", type=int, default=defaults["batch_size"], help="mini-batch size"
        )
        p.add_argument(
            "--eta",
            type=float,
            default=defaults["eta"],
            help="learning rate"
            + (" (default: 3.0 quadratic, 0.5 cross-entropy; a fifth with ReLU)"
               if name == "train" else ""),
        )  # fmt: skip
        p.add_argument(
            "--standardize",
            action=argparse.BooleanOptionalAction,
            default=defaults["standardize"],
            help="scale every input feature to mean 0 and std 1 (kept in model.npz)",
        )
        p.add_argument(
            "--seed", type=int, default=defaults["seed"], help="seeds the data, init and shuffling"
        )
        p.add_argument(
            "--samples",
            dest="n_samples",
            type=int,
            default=None,
            help="data set size (default: the data set's own)",
        )
        p.add_argument(
            "--noise", type=float, default=None, help="noise of generated data (default: its own)"
        )
        p.add_argument(
            "--watch-layer",
            type=int,
            default=None,
            help="hidden layer to animate (default: the last)",
        )
        p.add_argument(
            "--units",
            default=None,
            help="up to three neurons of a wide layer to show, by their index in the code "
            "(from 0: 0,4,7 are the pictures' neurons 1, 5 and 8)",
        )
        p.add_argument(
            "--frames", type=int, default=defaults["frames"], help="snapshots in the animation"
        )
        p.add_argument(
            "--out",
            default=None if name == "demo" else "backproplab-run",
            help="output folder"
            + (" (default: backproplab-demo, or backproplab-LESSON)" if name == "demo" else ""),
        )
        p.add_argument(
            "--history",
            choices=("epochs", "steps"),
            default="epochs",
            help="history.csv has a row per epoch; 'steps' also writes history-steps.csv, "
            "a row per mini-batch step",
        )
        p.add_argument(
            "--hidden-page",
            action="store_true",
            help="also write hidden.html, the report's hidden-space panel alone",
        )
        p.add_argument("--quiet", action="store_true", help="print nothing but errors")
        add_training_flags(p)
        p.add_argument(
            "--force",
            action="store_true",
            help="write into an --out folder that holds other files (never over an input)",
        )
        p.set_defaults(func=cmd_demo if name == "demo" else cmd_train)
