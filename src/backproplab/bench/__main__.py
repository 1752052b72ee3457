"""``python -m backproplab.bench`` runs the training benchmark."""

from .cli import main

raise SystemExit(main())
