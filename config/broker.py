"""Kombu's Redis transport, with a failed acknowledgement that no longer stops the worker.

When Redis stalls for a few seconds while a task finishes, kombu's Redis QoS.ack raises
before it frees the message's prefetch slot ("Couldn't ack ..., reason: TimeoutError").
Celery logs it and goes on, but the slot is never given back: once as many acks have failed
as the worker prefetches (concurrency x prefetch multiplier), it consumes nothing more, for
good, while `celery inspect ping` keeps answering.

Here the slot is freed whatever Redis answered. The message itself stays in Redis's
"unacked" index and is delivered again once the visibility timeout passes: at least once,
which every task of ours allows (they are idempotent). Selected by CELERY_BROKER_TRANSPORT.

Its connections also retry a timed-out command once, not redis-py's default three times
with back-off: a stalled Redis then costs two socket timeouts, and the worker's own
reconnection (broker_connection_retry) takes over from there.
"""

from kombu.transport import redis, virtual
from redis.backoff import NoBackoff
from redis.retry import Retry

COMMAND_RETRIES = 1


class QoS(redis.QoS):
    def ack(self, delivery_tag):
        try:
            self._remove_from_indices(delivery_tag).execute()
        finally:
            virtual.QoS.ack(self, delivery_tag)

    def reject(self, delivery_tag, requeue=False):
        try:
            if requeue:
                self.restore_by_tag(delivery_tag, leftmost=True)
            else:
                self._remove_from_indices(delivery_tag).execute()
        finally:
            virtual.QoS.ack(self, delivery_tag)


class Channel(redis.Channel):
    QoS = QoS

    def _connparams(self, asynchronous=False):
        return {**super()._connparams(asynchronous), "retry": Retry(NoBackoff(), COMMAND_RETRIES)}


class Transport(redis.Transport):
    Channel = Channel
