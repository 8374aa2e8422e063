"""`motcua serve`: gunicorn (one process, several threads) with the timer worker running in the same process."""

import json

from flask import Flask
from gunicorn.app.base import BaseApplication
from gunicorn.workers.gthread import ThreadWorker

from engine.services.wiring import Services
from web.worker import start_in_background


class _Captured:
    """Stands in for the client's socket while gunicorn writes its error answer, to keep only the status line."""

    def __init__(self, client):
        self._client, self.data = client, b""

    def gettimeout(self):
        return 0.0

    def sendall(self, data: bytes) -> None:
        self.data += data

    def __getattr__(self, name):
        return getattr(self._client, name)


class JsonErrorWorker(ThreadWorker):
    """gunicorn's threaded worker, answering requests it cannot even parse (a request line over 4094 bytes, a bad
    header) in JSON like the rest of the API, instead of gunicorn's HTML. gunicorn decides the status and logs."""

    def handle_error(self, req, client, addr, exc):
        captured = _Captured(client)
        super().handle_error(req, captured, addr, exc)
        status_line = captured.data.split(b"\r\n", 1)[0].decode("latin-1")
        _version, _, status = status_line.partition(" ")
        code = int(status.split(" ", 1)[0]) if status[:3].isdigit() else 500
        detail = f" ({exc})" if code < 500 else ""
        body = json.dumps(
            {
                "error": {
                    "code": "bad_request" if code < 500 else "internal_error",
                    "message": "Yêu cầu HTTP không đọc được: dòng yêu cầu quá dài hoặc tiêu đề sai dạng; rút ngắn địa "
                    f"chỉ, gửi tham số dài trong nội dung yêu cầu{detail}"
                    if code < 500
                    else "Lỗi máy chủ khi đọc yêu cầu; thử lại sau",
                }
            },
            ensure_ascii=False,
        ).encode()
        head = (
            f"HTTP/1.1 {status or '500 Internal Server Error'}\r\nConnection: close\r\n"
            f"Content-Type: application/json; charset=utf-8\r\nContent-Length: {len(body)}\r\n\r\n"
        )
        try:
            client.sendall(head.encode("latin-1") + body)
        except OSError:
            self.log.debug("Failed to send error message.")


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
            "worker_class": JsonErrorWorker,
            "accesslog": "-",
            "post_worker_init": post_worker_init,
            "worker_exit": worker_exit,
        },
    ).run()
