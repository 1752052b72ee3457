"""What goes out to one tab, and in what order: its messages, then its views.

A tab's session runs on a thread of its own; the WebSocket is written from the event
loop. Two sender tasks carry the session's output across:

- :class:`Outbox`: every message but views (settings, errors, gradient checks, files),
  in the order the session emitted them;
- :class:`ViewSlot`: the next view, one at a time, the newest winning.

A view never overtakes a message emitted before it: the page must read a network's
settings before it draws a view of that network. The outbox numbers what the session
emits; each view carries the number of messages emitted before it and waits until they
have gone.
"""

from __future__ import annotations

import asyncio
import json
import threading

MAX_OUTBOX = 256  # messages waiting for a page that does not read; more are dropped


class Outbox:
    """A tab's messages other than views, in order, with a count of those sent.

    ``emit`` is called from the session's thread only; everything else runs on the event
    loop ``loop``.
    """

    def __init__(self, loop: asyncio.AbstractEventLoop, maxsize: int = MAX_OUTBOX):
        self._loop = loop
        self._queue: asyncio.Queue = asyncio.Queue(maxsize=maxsize)
        self.emitted = 0  # messages emitted by the session (its thread's count)
        self._through = 0  # every message emitted up to this number has been sent or dropped
        self._progressed = asyncio.Event()

    def emit(self, message: dict) -> None:
        """From the session's thread: queue ``message`` as the next one emitted."""
        self.emitted += 1
        try:
            self._loop.call_soon_threadsafe(self.put, message, self.emitted)
        except RuntimeError:  # the tab has gone and its loop with it
            pass

    def put(self, message: dict, number: int | None = None) -> None:
        """On the loop: queue ``message`` (``number``: its place among those emitted; None
        for the server's own answers, such as a bad message's error)."""
        try:
            self._queue.put_nowait((message, number))
        except asyncio.QueueFull:  # the page is not reading: drop, and let views go on
            self._done(number)

    async def send_all(self, send) -> None:
        """Send every message as it comes with ``await send(text)``; runs until cancelled."""
        while True:
            message, number = await self._queue.get()
            await send(json.dumps(message, allow_nan=False))
            self._done(number)

    async def sent(self, number: int) -> None:
        """Return once the first ``number`` emitted messages have gone."""
        while self._through < number:
            self._progressed.clear()
            await self._progressed.wait()

    def _done(self, number: int | None) -> None:
        if number is not None and number > self._through:
            self._through = number
            self._progressed.set()


class ViewSlot:
    """The next view's text, handed from a tab's session thread to its sender task.

    The session puts a view in while the page draws the last one; the sender takes it
    once the page says ``drawn``. A view wakes the event loop only if the sender already
    waits for one: each wake makes the training thread hand over the interpreter lock,
    and with a browser busy on the other core every handover costs training time.
    """

    def __init__(self, loop: asyncio.AbstractEventLoop):
        self._loop, self._lock = loop, threading.Lock()
        self._view: tuple[str, int] | None = None
        self._waiting = False  # the sender waits for a view
        self._arrived = asyncio.Event()

    def empty(self) -> bool:
        """No view waits to be sent (the session offers a new one only then)."""
        return self._view is None

    def put(self, text: str, after: int = 0) -> None:
        """From the session's thread: ``text`` replaces any view not sent yet; it goes
        after the first ``after`` messages the session emitted (:attr:`Outbox.emitted`)."""
        with self._lock:
            self._view = (text, after)
            wake, self._waiting = self._waiting, False
        if wake:
            try:
                self._loop.call_soon_threadsafe(self._arrived.set)
            except RuntimeError:  # the tab has gone and its loop with it
                pass

    async def take(self) -> tuple[str, int]:
        """The newest view and the number of messages that must go before it."""
        while True:
            with self._lock:
                view, self._view = self._view, None
                if view is None:
                    self._waiting = True
                    self._arrived.clear()
            if view is not None:
                return view
            await self._arrived.wait()
