"""Descriptors by name: the one table of activations (or of costs) that every layer reads.

A :class:`Registry` maps a canonical name (``"sigmoid"``, ``"quadratic"``) to a
descriptor that carries everything the project knows about it. ``Network``, the
command line's choices, the estimators, export, the report and the playground all look
names up here, so :meth:`Registry.register` is the one edit that makes a new activation or
cost available everywhere, and :meth:`Registry.unregister` the one that takes it away
again (a test registers inside ``try``/``finally``, or with :meth:`Registry.registered`).

>>> from dataclasses import dataclass
>>> @dataclass(frozen=True)
... class Colour:
...     name: str
...     rgb: str
>>> table = Registry("colour", Colour, aliases={"grey": "gray"})
>>> _ = table.register(Colour("gray", "#888"))
>>> table.lookup("Grey").rgb, list(table)
('#888', ['gray'])
>>> table.lookup("teal")
Traceback (most recent call last):
...
ValueError: unknown colour 'teal'; choose one of: gray
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager


class Registry(dict):
    """A dict from canonical names to descriptors, with aliases and guarded changes.

    Args:
        kind: what the entries are, for messages (``"activation"``).
        descriptor_type: the type every entry has; it has a ``name`` (a bare
            descriptor passed to :meth:`lookup` is returned as it is).
        aliases: other spellings, ``{alias: canonical name}``.
        more_names: names the caller resolves itself before :meth:`lookup` (costs:
            ``"cross_entropy"``), listed with the known ones in messages.

    Names are looked up case-insensitively with ``-`` read as ``_``. The entries present
    when :meth:`seal` is called are the built-in ones: they cannot be replaced or removed.
    """

    def __init__(
        self,
        kind: str,
        descriptor_type: type,
        aliases: Mapping[str, str] = (),
        more_names: tuple[str, ...] = (),
    ):
        super().__init__()
        self.kind = kind
        self.descriptor_type = descriptor_type
        self.aliases = dict(aliases)
        self.more_names = more_names
        self.built_in: frozenset[str] = frozenset()

    def key(self, name: str) -> str:
        """The canonical spelling of ``name``: lower case, ``_`` for ``-``, aliases resolved."""
        key = name.lower().replace("-", "_")
        return self.aliases.get(key, key)

    def lookup(self, name):
        """The descriptor called ``name`` (or ``name`` itself if it is a descriptor).

        Raises:
            TypeError: ``name`` is neither a str nor a descriptor.
            ValueError: an unknown name; the message lists the known ones.
        """
        if isinstance(name, self.descriptor_type):
            return name
        if not isinstance(name, str):
            raise TypeError(f"{self.kind} must be a name (str), got {type(name).__name__}")
        key = self.key(name)
        if key not in self:
            known = ", ".join(sorted([*self, *self.more_names]))
            raise ValueError(f"unknown {self.kind} {name!r}; choose one of: {known}")
        return self[key]

    def register(self, descriptor, *, replace: bool = False):
        """Make ``descriptor`` available under its ``name``; returns it.

        Raises:
            TypeError: ``descriptor`` is not of the registry's type.
            ValueError: ``name`` is not a lower-case identifier, is an alias, is built in,
                or is taken and ``replace`` is False.
        """
        if not isinstance(descriptor, self.descriptor_type):
            raise TypeError(
                f"register needs a {self.descriptor_type.__name__}, got {type(descriptor).__name__}"
            )
        name = descriptor.name
        if not isinstance(name, str) or not name.isidentifier() or name != name.lower():
            raise ValueError(f"a {self.kind} name must be a lower-case identifier, got {name!r}")
        if name in self.aliases or name in self.more_names or name in self.built_in:
            raise ValueError(f"{name!r} is a built-in {self.kind} name; choose another")
        if name in self and not replace:
            raise ValueError(f"a {self.kind} named {name!r} is registered; pass replace=True")
        self[name] = descriptor
        return descriptor

    def unregister(self, name: str):
        """Remove the registered (not built-in) entry ``name``; returns it.

        Raises:
            ValueError: ``name`` is built in or not registered.
        """
        if name in self.built_in:
            raise ValueError(f"{name!r} is a built-in {self.kind}; it cannot be removed")
        if name not in self:
            raise ValueError(f"no {self.kind} named {name!r} is registered")
        return self.pop(name)

    @contextmanager
    def registered(self, descriptor) -> Iterator:
        """``with table.registered(d):`` — ``d`` is available inside the block only."""
        self.register(descriptor)
        try:
            yield descriptor
        finally:
            self.unregister(descriptor.name)

    def seal(self) -> None:
        """Mark the present entries as built in (called once, where the table is filled)."""
        self.built_in = frozenset(self)
