"""The WSGI application for a server of your choice, e.g. `gunicorn --workers 2 --threads 4 web.wsgi:app`.

Settings come from the environment (MOTCUA_DATABASE_URL, MOTCUA_SECRET_KEY, ...; see the README). Timers and the
outbox are then the job of separate `motcua worker` processes (`motcua serve` runs one inside the web process).
"""

from web import create_app

app = create_app()
