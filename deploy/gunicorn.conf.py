"""gunicorn settings of one app instance (docs/deployment.md).

    gunicorn -c deploy/gunicorn.conf.py --bind 127.0.0.1:8001

The systemd unit, the Containerfile and the deployment tests
(tests/deployment/) all start the app with this file. Settings come from the
environment, like the app's own:

- ``SURVEY_WORKERS`` (default 4): worker processes. Exported again for the
  app, which warns at start when several workers would each keep their own
  rate-limit counters (``SURVEY_RATELIMIT_STORAGE_URI`` memory://).
- ``SURVEY_BIND`` (default 127.0.0.1:8000): overridden by ``--bind``.

Sync workers: a request holds a worker until it is answered, so a slow
client cannot hold one for long behind nginx, which buffers requests and
responses. The timeout covers the slowest page (a PDF report, ~30 s).
"""

import os

wsgi_app = "survey:create_app()"
bind = [os.environ.get("SURVEY_BIND", "127.0.0.1:8000")]
workers = int(os.environ.get("SURVEY_WORKERS", "4"))
os.environ["SURVEY_WORKERS"] = str(workers)
worker_class = "sync"
# The app is built once in the master and the workers are forked from it:
# a start in ~3 s instead of every worker importing everything again, and
# shared memory. create_app opens no connection (the pools of the database
# and of Redis connect in each worker); a new release needs a restart, not
# a HUP.
preload_app = True
timeout = 90
graceful_timeout = 30
# Replace a worker now and then (memory of long report builds).
max_requests = 2000
max_requests_jitter = 200
# No access log: paths carry partner and resume tokens, query strings
# letter codes. The app logs one JSON line per request with the endpoint
# name instead (survey/logs.py).
accesslog = None
errorlog = "-"
# No control socket: its default path ($HOME/.gunicorn/gunicorn.ctl) would be
# shared by two instances on one machine; systemd and signals manage them.
control_socket_disable = True
loglevel = "info"
# gunicorn's own lines (start, workers, timeouts) as JSON too; the app's
# loggers go to the root handler the app installs.
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "survey.logs.JsonFormatter"}},
    "handlers": {
        "stderr": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "stream": "ext://sys.stderr",
        }
    },
    # gunicorn merges this into its defaults: root and gunicorn.access must
    # be named, or they keep pointing at its default handler.
    "root": {"level": "WARNING", "handlers": []},
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": ["stderr"], "propagate": False},
        "gunicorn.access": {"level": "INFO", "handlers": [], "propagate": False},
    },
}
