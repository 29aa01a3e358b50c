"""What every channel's transport is: send one delivery, or raise a TransportError saying what to do."""


class TransportError(Exception):
    """A send that failed.

    gone: the target no longer exists (a push subscription the service forgot): delete it, never
    retry. permanent: retrying cannot help (a request the service refused as malformed is our
    bug): record it, log it, never retry. Neither: transient (throttled, the service down or
    slow): retry with back-off, not before `retry_after` seconds if the service said so.
    """

    def __init__(self, message, *, permanent=False, gone=False, retry_after=None):
        super().__init__(message)
        self.gone = gone
        self.permanent = permanent or gone
        self.retry_after = retry_after


class Transport:
    """One channel. `send(delivery)` returns once the message is accepted, or raises TransportError."""

    def send(self, delivery):
        raise NotImplementedError
