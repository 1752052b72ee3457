"""``python -m benchmarks.training`` runs the training benchmark."""

from .cli import main

raise SystemExit(main())
