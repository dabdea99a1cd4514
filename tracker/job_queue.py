"""The job queue: RQ on Redis when ``REDIS_URL`` is set. Without it each kind of work
has its own way (report batches run in a thread of the web process; the outbox waits
for the timed ``send-outbox``).

Jobs are queued by their dotted name (``"tracker.printing.batch_jobs.run_report_batch"``),
so the code that queues a job never imports the module that runs it: a worker module
builds its own app with ``create_app()``, which no view may import. Workers are started
next to the web app with the same environment::

    rq worker --url "$REDIS_URL" reports outbox
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

THREAD = "thread"
RQ = "rq"


class QueueUnavailable(RuntimeError):
    """The job queue (Redis) could not take the job; the message is the class name of
    the Redis error only (its own message may quote the server's address)."""


def backend_for(config: Mapping[str, Any]) -> str:
    """RQ when Redis is configured, else a thread of this process."""
    return RQ if config.get("REDIS_URL") else THREAD


def enqueue(
    config: Mapping[str, Any],
    queue: str,
    job: str,
    *args: Any,
    description: str,
    job_timeout: int,
) -> None:
    """Queue ``job`` (a dotted name) with ``args`` on the RQ queue named ``queue`` of the
    Redis server in ``config``.

    Raises ``QueueUnavailable`` when Redis cannot take it.
    """
    from redis import Redis
    from redis.exceptions import RedisError
    from rq import Queue

    connection = Redis.from_url(config["REDIS_URL"])
    try:
        Queue(queue, connection=connection).enqueue(
            job, *args, job_timeout=job_timeout, description=description
        )
    except RedisError as exc:
        raise QueueUnavailable(type(exc).__name__) from None
    finally:
        connection.close()
