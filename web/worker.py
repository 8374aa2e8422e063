"""The timer worker loop: fire due timers, then dispatch the outbox, until told to stop."""

import logging
import os
import socket
import threading
from datetime import timedelta

from engine.services.wiring import Services

log = logging.getLogger("motcua.worker")


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"


def run_once(services: Services, name: str, batch: int) -> tuple[int, int]:
    """One pass: fire every due timer (batch by batch), process inbound messages a crash left unprocessed, queue the
    officers' deadline notices, then send one batch of outbox messages."""
    fired = 0
    while True:
        done = services.timers.run_pass(name, batch)
        fired += done.fired
        if done.leased < batch:
            break
    services.inbox.process_waiting(limit=batch)
    services.deadline_notices.run()
    return fired, services.outbox.dispatch(batch)


def configure_logging() -> None:
    """Worker and server messages to stderr with timestamps (info and above)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for chatty in ("spiff", "alembic"):  # their per-step info lines would drown ours
        logging.getLogger(chatty).setLevel(logging.WARNING)


def run_forever(services: Services, stop: threading.Event, batch: int, interval: float) -> None:
    name = worker_id()
    while not stop.is_set():
        try:
            fired, sent = run_once(services, name, batch)
            if fired or sent:
                log.info("fired %d timers, sent %d messages", fired, sent)
            anchored = services.audit.anchor_if_due(timedelta(hours=services.settings.anchor_hours))
            if anchored is not None:
                log.info("anchored the heads of all histories in %s", anchored)
        except Exception:  # a bad step must not stop the worker; it is logged and retried next pass
            log.exception("worker pass failed")
        stop.wait(interval)


def start_in_background(services: Services, batch: int, interval: float) -> tuple[threading.Thread, threading.Event]:
    stop = threading.Event()
    log.info("timer worker started (every %.1f s, batches of %d)", interval, batch)
    thread = threading.Thread(
        target=run_forever, args=(services, stop, batch, interval), name="motcua-worker", daemon=True
    )
    thread.start()
    return thread, stop
