"""Retry timing for the outbox: exponential backoff with a ceiling, spread by jitter."""

from datetime import timedelta


def compute_backoff(
    attempts: int, base_seconds: float = 30, ceiling_seconds: float = 6 * 3600, jitter: float = 0.0
) -> timedelta:
    """Delay before attempt `attempts + 1`: 30 s, 60 s, 120 s, ... capped at six hours.

    `jitter` in [0, 1) (a random draw of the caller) takes up to half of the delay off, so that many messages that
    failed together do not all come back at the same moment ("equal jitter")."""
    if attempts < 1:
        return timedelta(0)
    delay = min(ceiling_seconds, base_seconds * 2 ** (attempts - 1))
    return timedelta(seconds=delay * (1 - min(max(jitter, 0.0), 1.0) / 2))


def retry_delay(attempts: int, jitter: float, retry_after: float | None) -> timedelta:
    """The backoff of `attempts` with `jitter`, but never sooner than the partner's Retry-After (seconds)."""
    delay = compute_backoff(attempts, jitter=jitter)
    if retry_after is not None and retry_after > delay.total_seconds():
        return timedelta(seconds=retry_after)
    return delay
