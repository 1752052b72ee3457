"""A deadline on receiving each HTTP request, which uvicorn does not have.

uvicorn's keep-alive timeout covers only the idle time *between* requests, and any byte
received resets it; nothing bounds the time a client takes to send one request. So a
client that sends half a request (or one byte a second) holds its connection, and the
memory behind it, for ever. :class:`DeadlineProtocol` is uvicorn's h11 protocol with one
timer: armed when the connection opens and again when a response is complete (the next
request of a kept-alive connection may start), it closes the connection if the request
has not been received in full within :data:`REQUEST_TIMEOUT` seconds. A WebSocket
upgrade disarms it (the socket then lives as long as its tab), and so does a request
received in full (the response may take its time).
"""

from __future__ import annotations

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

REQUEST_TIMEOUT = 10.0  # seconds to send one whole request: headers and body
_RECEIVED = (h11.DONE, h11.MUST_CLOSE, h11.CLOSED)


class DeadlineProtocol(H11Protocol):
    """uvicorn's h11 protocol, dropping a connection whose request takes longer than
    :attr:`timeout` seconds (:data:`REQUEST_TIMEOUT`) to arrive."""

    timeout = REQUEST_TIMEOUT

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.deadline = None  # the timer of the request being received, if any

    def connection_made(self, transport) -> None:
        super().connection_made(transport)
        self._arm()

    def connection_lost(self, exc) -> None:
        self._disarm()
        super().connection_lost(exc)

    def handle_websocket_upgrade(self, event) -> None:
        self._disarm()
        super().handle_websocket_upgrade(event)

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing():
            self._arm()

    def _arm(self) -> None:
        self._disarm()
        self.deadline = self.loop.call_later(self.timeout, self._expired)

    def _disarm(self) -> None:
        if self.deadline is not None:
            self.deadline.cancel()
            self.deadline = None

    def _expired(self) -> None:
        self.deadline = None
        if self.conn.their_state in _RECEIVED or self.transport.is_closing():
            return  # received in full: the response is under way
        self.transport.close()


def deadline_protocol(timeout: float = REQUEST_TIMEOUT) -> type[DeadlineProtocol]:
    """:class:`DeadlineProtocol` with a deadline of ``timeout`` seconds (uvicorn takes a
    protocol class, not an instance)."""
    if not (isinstance(timeout, (int, float)) and 0 < timeout < float("inf")):
        raise ValueError(f"the request timeout must be a positive number of seconds, got {timeout}")
    if timeout == DeadlineProtocol.timeout:
        return DeadlineProtocol
    return type("DeadlineProtocol", (DeadlineProtocol,), {"timeout": float(timeout)})
