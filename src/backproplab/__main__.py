"""``python -m backproplab`` runs the command line (importing this module runs nothing:
the documentation's API pages import every module)."""

from .cli import main

if __name__ == "__main__":
    raise SystemExit(main())
