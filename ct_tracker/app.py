"""The FastAPI application: create_app() wires the database, the forms and the routes together."""

from __future__ import annotations

import contextlib
import datetime as dt
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path

from fastapi import FastAPI

from ct_desktop import __version__
from ct_desktop.forms.catalogue import FormCatalogue, default_catalogue
from ct_tracker.access import AuthFailureLimit, RateLimiter
from ct_tracker.api import API_PREFIX, PATH_PROBLEMS, TrackerContext, router
from ct_tracker.body_limit import MAX_BODY_BYTES, BodyLimit
from ct_tracker.database import TrackerDatabase
from ct_tracker.docs import install_docs
from ct_tracker.errors import install_error_handlers
from ct_tracker.question_sets import TrackerCatalogue
from ct_tracker.question_sets import router as question_sets_router
from ct_tracker.schemas import ValidationFailed

AUTH_FAILURE_LIMIT = 20
AUTH_FAILURE_WINDOW = 60.0

DESCRIPTION = """\
The provider API of the reference tracker: the locations a token may update, their monthly returns, and
the question sets it accepts (a return names its version; a new version is fetched from `/question-sets`).
Every answer is JSON. Every error is `application/problem+json` (RFC 9457): `{type, title, status, detail,
instance, code, message}`, where `code` names the kind of error (`type` is the address of a page describing
it, under /api/v1/problems) and `message` repeats `detail`; with `errors: [{field, code, message}]` on 422
and `current` on a 409 `revision_conflict`. For development, training and tests: not the national service.
"""


@contextlib.asynccontextmanager
async def _database_closed_on_shutdown(app: FastAPI) -> AsyncIterator[None]:
    # Once the server has stopped taking requests: the WAL checkpointed, every connection closed.
    yield
    app.state.tracker.database.close()


def create_app(db_path: str | Path, *, rate_limit: tuple[int, float] | None = None,
               clock: Callable[[], dt.datetime] | None = None, catalogue: FormCatalogue | None = None,
               maintenance: int | None = None, body_limit: int = MAX_BODY_BYTES,
               auth_failure_limit: int = AUTH_FAILURE_LIMIT) -> FastAPI:
    """The tracker as an ASGI app over the SQLite database at ``db_path`` (created if missing).

    ``rate_limit`` is (requests, per seconds) for each token; ``clock`` gives the timezone-aware time
    used for accepted_at and for the rate limit's window (tests pass a fake one); ``catalogue``
    replaces the bundled form definitions (those published to the database are added to it);
    ``maintenance`` (seconds) starts the app answering 503 with that Retry-After, and
    ``app.state.tracker.maintenance`` may be changed while it runs.
    ``body_limit`` (bytes) is the largest request body accepted; a larger one is answered 413.
    ``auth_failure_limit`` is how many wrong or missing tokens one client address may send in 60 seconds
    before it is answered 429 (0: no limit).
    The database is closed when the server shuts the app down (its lifespan); a server run without one
    closes ``app.state.tracker.database`` itself once it has stopped.
    """
    now = clock or (lambda: dt.datetime.now(dt.UTC))
    # The real limiters measure with the monotonic clock, which never jumps; a fake clock drives all.
    elapsed = (lambda: now().timestamp()) if clock else time.monotonic
    limiter = RateLimiter(*rate_limit, now=elapsed) if rate_limit is not None else None
    auth_failures = (AuthFailureLimit(auth_failure_limit, AUTH_FAILURE_WINDOW, now=elapsed)
                     if auth_failure_limit else None)
    app = FastAPI(
        title="ct-tracker provider API",
        version=__version__,
        description=DESCRIPTION,
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=None,  # served by install_docs, from files on this machine
        redoc_url=None,
        # Operation ids are the route functions' names (put_return...), for readable generated clients.
        generate_unique_id_function=lambda route: route.name,
        lifespan=_database_closed_on_shutdown,
    )
    database = TrackerDatabase(db_path)
    built_in = catalogue or default_catalogue()
    app.state.tracker = TrackerContext(
        database=database,
        catalogue=built_in,
        clock=now,
        rate_limiter=limiter,
        maintenance=maintenance,
        auth_failures=auth_failures,
        question_sets=TrackerCatalogue(built_in, database).current,
    )
    install_error_handlers(app, PATH_PROBLEMS)
    app.add_middleware(BodyLimit, limit=body_limit)
    app.include_router(router, prefix=API_PREFIX)
    app.include_router(question_sets_router, prefix=API_PREFIX)
    install_docs(app, API_PREFIX, validation_schema=ValidationFailed.__name__)
    return app
