"""Mini-batch training over the engine.

- :mod:`.loop` — epochs and steps, validation, early stopping, the callbacks' hooks;
- :mod:`.history` — what a run recorded, step by step and epoch by epoch;
- :mod:`.callbacks` — :class:`~.callbacks.Recorder` (snapshots of chosen layers) and a
  progress bar;
- :mod:`.advice` — the warnings at the end of a run (chance level, a dead layer, a rising loss).

Imports the engine, ``data`` and ``validation``; nothing above them.
"""
