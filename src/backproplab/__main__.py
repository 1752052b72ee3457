"""``python -m backproplab`` runs the command line."""

from .cli import main

raise SystemExit(main())
