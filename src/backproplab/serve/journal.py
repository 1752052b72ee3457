"""What a playground session did to its network since it was built, as a list a script
can replay: the exported script and the report's snippet train the same steps, in the
same calls, with the same edits, and reach the page's parameters bit for bit.

Everything that changes the network's parameters is an entry, in order:

- ``{"kind": "optimizer", "name": ...}``: a new optimizer object (its state, e.g. Adam's
  moments, starts afresh) — when the network is built and when the setting changes;
- ``{"kind": "train", "steps": ..., "epochs": ..., "partial": ..., "batch_size": ...,
  "eta": ..., "l1": ..., "l2": ..., "dropout": ...}``: one ``Network.train`` call of
  ``epochs`` epochs that took ``steps`` steps on the session's one generator (shuffles
  and dropout masks), ``partial`` when it stopped mid-epoch (paused, then a change). A call
  ends when a training setting changes or a weight is edited by hand, so edits fall
  between calls;
- ``{"kind": "edit", "layer": ℓ, "j": j, "k": k, "value": v}``: ``W^ℓ[j, k] = v``.

Two calls in a row with the same options merge when the first ended at an epoch's end:
one call of their total steps trains exactly as the two did. A journal that cannot be
replayed (the loss became NaN, whose call raised; or more than :data:`MAX_ENTRIES`
entries) says why in :attr:`Journal.broken`, and the exports fall back to the parameters.
"""

from __future__ import annotations

MAX_ENTRIES = 1000  # a longer session's exports set the parameters instead of replaying
TRAIN_OPTIONS = ("batch_size", "eta", "l1", "l2", "dropout")


class Journal:
    """One network's journal; :meth:`entries` is its list (JSON-ready)."""

    def __init__(self, optimizer: str, n_train: int):
        self.n_train = n_train  # training samples: a call's steps per epoch follow
        self.broken: str | None = None
        self._entries: list[dict] = []
        self._open: dict | None = None  # the train call under way
        self._open_from = 0  # the session's step count when it began
        self.optimizer(optimizer)

    def optimizer(self, name: str) -> None:
        self._add({"kind": "optimizer", "name": name})

    def begin(self, steps_now: int, **options) -> None:
        """A train call begins, at the session's step ``steps_now``, with ``options``
        (:data:`TRAIN_OPTIONS`)."""
        self._open = {"kind": "train", "steps": 0, **{k: options[k] for k in TRAIN_OPTIONS}}
        self._open_from = steps_now

    def end(self, steps_now: int) -> None:
        """The call under way ended at the session's step ``steps_now``."""
        call, self._open = self._open, None
        if call is None or steps_now == self._open_from:
            return
        call["steps"] = steps_now - self._open_from
        last = self._entries[-1] if self._entries else None
        same = (
            last is not None
            and last["kind"] == "train"
            and all(last[k] == call[k] for k in TRAIN_OPTIONS)
        )
        if same and last["steps"] % steps_per_epoch(self.n_train, last) == 0:
            last["steps"] += call["steps"]
        else:
            self._add(call)

    def edit(self, layer: int, j: int, k: int, value: float) -> None:
        self._add({"kind": "edit", "layer": layer, "j": j, "k": k, "value": float(value)})

    def diverged(self, step: int) -> None:
        self.broken = f"the loss became NaN or infinite at step {step}"

    def entries(self, steps_now: int) -> list[dict]:
        """The entries, the call under way counted up to ``steps_now`` (copies)."""
        out = [dict(e) for e in self._entries]
        if self._open is not None and steps_now > self._open_from:
            out.append(self._open | {"steps": steps_now - self._open_from})
        for e in out:
            if e["kind"] == "train":
                per_epoch = steps_per_epoch(self.n_train, e)
                e["epochs"] = -(-e["steps"] // per_epoch)
                e["partial"] = e["steps"] % per_epoch != 0
        return out

    def export(self, steps_now: int) -> list[dict] | str:
        """What the exports replay: :meth:`entries`, or the reason they cannot (a text)."""
        return self.broken or self.entries(steps_now)

    def _add(self, entry: dict) -> None:
        if len(self._entries) >= MAX_ENTRIES:
            self.broken = self.broken or f"the session holds more than {MAX_ENTRIES} changes"
            return
        self._entries.append(entry)


def steps_per_epoch(n_train: int, call: dict) -> int:
    """Mini-batches in one epoch of ``call`` (its batch size, the last batch smaller)."""
    return -(-n_train // call["batch_size"])
