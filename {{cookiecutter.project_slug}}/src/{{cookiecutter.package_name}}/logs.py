"""The process's logging, from the settings: a level, plain lines for people or one JSON object
per line for machines, and on every line the id of the request it was written for."""

import logging
import sys
from contextvars import ContextVar
from typing import TextIO

from asgi_correlation_id import CorrelationIdFilter
from fastapi import Request
from pythonjsonlogger.json import JsonFormatter

from {{ cookiecutter.package_name }}.settings import (
    Settings,
)

# CorrelationIdFilter puts the request id (from CorrelationIdMiddleware) on each record as
# correlation_id; "-" outside a request.
PLAIN = "%(asctime)s %(levelname)s [%(correlation_id)s] %(name)s: %(message)s"
JSON_FIELDS = ["asctime", "levelname", "correlation_id", "name", "message"]
JSON_NAMES = {"asctime": "time", "levelname": "level", "correlation_id": "request_id"}
# The server's loggers: their lines go through the app's handler, with the app's level.
SERVER_LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access")

logger = logging.getLogger(__name__)
# The unhandled error this request's context logged last: uvicorn reports it again once it
# leaves the app, and that second traceback is left out.
LOGGED_ERROR: ContextVar[BaseException | None] = ContextVar("logged_error", default=None)


def configure_logging(settings: Settings, stream: TextIO | None = None) -> None:
    """Send every logger's records at LOG_LEVEL or above to ``stream`` (stderr), as LOG_FORMAT.

    Calling it again replaces the handler it added; other handlers on the root logger (say,
    pytest's) stay.
    """
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.set_name(__name__)
    handler.addFilter(CorrelationIdFilter(default_value="-"))
    handler.setFormatter(
        JsonFormatter(JSON_FIELDS, rename_fields=JSON_NAMES)
        if settings.log_format == "json"
        else logging.Formatter(PLAIN)
    )
    root = logging.getLogger()
    for previous in [each for each in root.handlers if each.get_name() == __name__]:
        root.removeHandler(previous)
        previous.close()
    root.addHandler(handler)
    root.setLevel(settings.log_level)
    for name in SERVER_LOGGERS:
        server_logger = logging.getLogger(name)
        server_logger.handlers.clear()
        server_logger.setLevel(logging.NOTSET)
        server_logger.propagate = True
    logging.getLogger("uvicorn.error").addFilter(not_logged_already)


def log_unhandled_error(request: Request, error: Exception) -> None:
    """Log an error no handler answered, with its traceback (and so its request id)."""
    logger.error(
        "Unhandled error answering %s %s", request.method, request.url.path, exc_info=error
    )
    LOGGED_ERROR.set(error)


def not_logged_already(record: logging.LogRecord) -> bool:
    """False for a server's report of an error that log_unhandled_error has written."""
    logged = LOGGED_ERROR.get()
    return logged is None or record.exc_info is None or record.exc_info[1] is not logged
