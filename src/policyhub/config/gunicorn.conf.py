"""gunicorn settings for production: `gunicorn -c src/policyhub/config/gunicorn.conf.py`.

Every value can be overridden from the environment (docs/api.md, "Server setup").
The evaluate endpoint is CPU-bound, so one process per core; the worker class default
was chosen by measurement with `make bench` (docs/api.md).
"""

import os

from policyhub.config.env import envchoice, envint, envstr

wsgi_app = "policyhub.config.wsgi:application"
bind = envstr("POLICYHUB_BIND", "127.0.0.1:8000")
workers = envint("POLICYHUB_WORKERS", os.cpu_count() or 1, minimum=1)
worker_class = envchoice("POLICYHUB_WORKER_CLASS", "sync", frozenset({"sync", "gthread"}))
threads = envint("POLICYHUB_THREADS", 1, minimum=1)
keepalive = envint("POLICYHUB_KEEPALIVE", 5, minimum=0)  # seconds; gthread only
timeout = envint("POLICYHUB_TIMEOUT", 30, minimum=1)
graceful_timeout = envint("POLICYHUB_GRACEFUL_TIMEOUT", 10, minimum=1)
# Access logging costs throughput; set POLICYHUB_ACCESS_LOG=- to log to standard output.
accesslog = envstr("POLICYHUB_ACCESS_LOG", "") or None
errorlog = "-"
loglevel = envstr("POLICYHUB_GUNICORN_LOG_LEVEL", "info")
# No `gunicornc` control socket: its default path is per user, so a second server (say
# `make bench` beside `make serve`) would take it over. Ignored by gunicorn < 25.1.
control_socket_disable = True
# Import Django and the engine once in the master so workers fork ready to serve.
preload_app = True
