"""Retry timing for the outbox: exponential backoff with a ceiling."""

from datetime import timedelta


def compute_backoff(attempts: int, base_seconds: float = 30, ceiling_seconds: float = 6 * 3600) -> timedelta:
    """Delay before attempt `attempts + 1`: 30 s, 60 s, 120 s, ... capped at six hours."""
    if attempts < 1:
        return timedelta(0)
    return timedelta(seconds=min(ceiling_seconds, base_seconds * 2 ** (attempts - 1)))
