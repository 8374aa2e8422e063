"""`motcua serve`: gunicorn (one process, several threads) with the timer worker running in the same process."""

from flask import Flask
from gunicorn.app.base import BaseApplication

from engine.services.wiring import Services
from web.worker import start_in_background


class _Server(BaseApplication):
    def __init__(self, app: Flask, options: dict):
        self._app, self._options = app, options
        super().__init__()

    def load_config(self):
        for key, value in self._options.items():
            self.cfg.set(key, value)

    def load(self):
        return self._app


def serve(app: Flask, services: Services, host: str, port: int, threads: int, worker: bool = True) -> None:
    stop = None

    def post_worker_init(_worker):
        nonlocal stop
        services.db.dispose()  # connections opened before the fork must not be shared with the parent
        if worker:
            _thread, stop = start_in_background(
                services, services.settings.worker_batch, services.settings.worker_interval
            )

    def worker_exit(_server, _worker):
        if stop is not None:
            stop.set()

    _Server(
        app,
        {
            "bind": f"{host}:{port}",
            "workers": 1,
            "threads": threads,
            "accesslog": "-",
            "post_worker_init": post_worker_init,
            "worker_exit": worker_exit,
        },
    ).run()
