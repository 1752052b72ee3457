"""``backproplab demo``: the main job."""

from __future__ import annotations

import argparse


def _circles(n_samples: int = 1000, seed: int = 0):
    from sklearn.datasets import make_circles

    return make_circles(n_samples=n_samples, factor=0.3, noise=0.1, random_state=seed)


def cmd_demo(args: argparse.Namespace) -> int:
    """Train a [2, 3, 3, 1] sigmoid network on the circles data and report progress."""
    from ..network import Network

    X, y = _circles(seed=args.seed)
    net = Network([2, 3, 3, 1], seed=args.seed)
    print(f"Training {net} on make_circles(1000, factor=0.3, noise=0.1)")

    class _EpochPrinter:
        def on_epoch_end(self, net, history, epoch):
            if (epoch + 1) % max(1, args.epochs // 10) == 0:
                acc = history.accuracy_epoch[epoch]
                loss = history.loss_epoch[epoch]
                print(f"  epoch {epoch + 1:4d}  loss {loss:.4f}  accuracy {acc:.1%}")

    net.train(
        X,
        y,
        epochs=args.epochs,
        batch_size=10,
        eta=3.0,
        seed=args.seed,
        callbacks=[_EpochPrinter()],
    )
    print(f"final training accuracy: {net.accuracy(X, y):.1%}")
    return 0


def register(sub) -> None:
    """Add this module's sub-commands to the ``backproplab`` parser."""
    demo = sub.add_parser("demo", help="train a small network on the circles data")
    demo.add_argument("--epochs", type=int, default=200)
    demo.add_argument("--seed", type=int, default=0)
    demo.set_defaults(func=cmd_demo)
