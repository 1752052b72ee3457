"""Bytes on disk, read without trusting them.

- :mod:`.files` — atomic writes (temporary name, fsync, rename) and regular-file reads;
- :mod:`.archive` — the bounded ``.npz`` reader both file formats share;
- :mod:`.modelfile` — model files (``Network.save`` / ``Network.load``);
- :mod:`.runfile` — run files (``run.npz``): what a training run recorded;
- :mod:`.datafiles` — MNIST's IDX files and CSV, within stated caps.

Imports the engine (activation names) and ``validation``; nothing above them.
"""
