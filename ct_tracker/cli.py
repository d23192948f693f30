"""The ``ct-tracker`` command: ``serve`` the provider API, ``add-provider`` to create a token,
``publish-question-set`` to add a question set version.

All take ``--db PATH``; the default database is ``tracker.db`` in the user data folder of
"ct-tracker" (platformdirs). Exit codes: 0 done, 2 refused or unusable input (one line on stderr).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Sequence
from pathlib import Path

import platformdirs
import uvicorn

from ct_desktop import __version__
from ct_desktop.forms.catalogue import default_catalogue
from ct_desktop.location_id import is_location_id
from ct_desktop.sync.address import is_loopback
from ct_tracker.access import new_token, parse_rate_limit, token_digest
from ct_tracker.api import API_PREFIX
from ct_tracker.app import AUTH_FAILURE_LIMIT, create_app
from ct_tracker.database import (
    ALREADY_PUBLISHED,
    RegistrationRefused,
    TrackedLocation,
    TrackerDatabase,
    TrackerDatabaseError,
)
from ct_tracker.question_sets import PublishRefused, TrackerCatalogue, publish

APP_NAME = "ct-tracker"
DB_FILE = "tracker.db"
EXIT_REFUSED = 2

class CliError(Exception):
    """A problem reported in one line; the command exits with EXIT_REFUSED."""


def default_db_path() -> Path:
    """The database used when --db is not given."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / DB_FILE


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of both commands."""
    parser = argparse.ArgumentParser(
        prog="ct-tracker",
        description="The reference Capacity Tracker server (provider API) for development, training and tests.",
    )
    parser.add_argument("--version", action="version", version=f"ct-tracker {__version__}")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND", required=True)
    db = argparse.ArgumentParser(add_help=False)
    db.add_argument("--db", metavar="PATH", type=Path, default=None,
                    help=f"the tracker database (default: {default_db_path()})")

    serve = commands.add_parser("serve", parents=[db], help="serve the provider API over HTTP",
                                description="Serve the provider API at http://HOST:PORT/api/v1 (no TLS).")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8765, help="port to listen on (default: 8765)")
    serve.add_argument("--rate-limit", metavar="N/S", default=None,
                       help="answer 429 when a token makes more than N requests in S seconds")
    serve.add_argument("--auth-failure-limit", metavar="N", type=int, default=AUTH_FAILURE_LIMIT,
                       help="answer 429 to an address that sent more than N wrong or missing tokens in 60 seconds "
                            f"(default: {AUTH_FAILURE_LIMIT}; 0: no limit)")
    serve.set_defaults(run=run_serve)

    add = commands.add_parser(
        "add-provider", parents=[db], help="add a provider with its locations; prints its token once",
        description="Add a provider and its locations, and print the provider's new token on standard output. "
                    "Only a hash of the token is kept: it cannot be shown again.")
    add.add_argument("name", metavar="NAME", help="the provider's name")
    add.add_argument("--location", dest="locations", metavar="ID:NAME:SERVICE_TYPE[:LA[:REGION]]",
                     action="append", required=True,
                     help="a location of the provider (repeat for several); LA and REGION are optional")
    add.set_defaults(run=run_add_provider)

    publish = commands.add_parser(
        "publish-question-set", parents=[db], help="add a question set version, served to the app when it syncs",
        description="Check a question set definition (a TOML file like those of ct_desktop/forms/definitions) "
                    "as the app checks its own, and publish it: the tracker then accepts returns that name its "
                    "version, and each installation fetches it when it syncs. A version is published once; "
                    "a revision needs a version of its own. A server already running takes it at once.")
    publish.add_argument("file", metavar="FILE", type=Path, help="the definition file (UTF-8 TOML)")
    publish.set_defaults(run=run_publish_question_set)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; the return value is the process exit code."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.run(args) or 0)
    except (CliError, TrackerDatabaseError, RegistrationRefused) as exc:
        print(f"ct-tracker: {exc}", file=sys.stderr)
        return EXIT_REFUSED
    except KeyboardInterrupt:
        return 130


def run_serve(args: argparse.Namespace) -> int:
    """Serve the API until interrupted."""
    if not 1 <= args.port <= 65535:
        raise CliError(f"--port must be 1 to 65535, not {args.port}")
    rate_limit = None
    if args.rate_limit is not None:
        try:
            rate_limit = parse_rate_limit(args.rate_limit)
        except ValueError as exc:
            raise CliError(f"--rate-limit: {exc}") from exc
    if args.auth_failure_limit < 0:
        raise CliError(f"--auth-failure-limit must be 0 (no limit) or more, not {args.auth_failure_limit}")
    db_path = (args.db or default_db_path()).expanduser().resolve()
    app = create_app(db_path, rate_limit=rate_limit, auth_failure_limit=args.auth_failure_limit)
    host = f"[{args.host}]" if ":" in args.host else args.host
    say(f"serving the provider API at http://{host}:{args.port}{API_PREFIX} (database: {db_path})")
    if not is_loopback(args.host):
        say(f"warning: listening on {args.host}, reachable from other machines, over plain HTTP (no TLS); "
            "the reference tracker is for development and training only")
    if app.state.tracker.database.provider_count() == 0:
        say("no providers yet: add one with ct-tracker add-provider NAME --location ID:NAME:SERVICE_TYPE")
    uvicorn.run(app, host=args.host, port=args.port)
    return 0


def run_add_provider(args: argparse.Namespace) -> int:
    """Add the provider and print its token, once."""
    name = args.name.strip()
    if not name:
        raise CliError("the provider needs a name")
    db_path = (args.db or default_db_path()).expanduser().resolve()
    locations = [parse_location(text, _service_types(db_path)) for text in args.locations]
    ids = [location.id for location in locations]
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    if repeated:
        raise CliError(f"location {', '.join(repeated)} is given more than once")
    token = new_token()
    created_at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    with TrackerDatabase(db_path) as database:
        database.add_provider(name, locations, token_digest(token), created_at)
    print(token, flush=True)
    count = f"{len(locations)} location{'s' if len(locations) != 1 else ''}"
    say(f"added provider '{name}' with {count} to {db_path}; the token above is shown only this once")
    return 0


def _service_types(db_path: Path) -> list[str]:
    # A service type published to this tracker (a hospice, say) is as good as a built-in one.
    if not db_path.exists():
        return default_catalogue().service_types()
    with TrackerDatabase(db_path) as database:
        return TrackerCatalogue(default_catalogue(), database).current().service_types()


def run_publish_question_set(args: argparse.Namespace) -> int:
    """Check the file and publish it (or say it is published already)."""
    path: Path = args.file
    try:
        # Its bytes as they are (line endings too, as a Windows editor writes them): what is published,
        # served and hashed is exactly the file.
        text = path.read_bytes().decode("utf-8")
    except FileNotFoundError as exc:
        raise CliError(f"cannot read {path}: no such file") from exc
    except UnicodeDecodeError as exc:
        raise CliError(f"cannot read {path}: it is not UTF-8 text") from exc
    except OSError as exc:
        raise CliError(f"cannot read {path}: {exc.strerror or exc}") from exc
    db_path = (args.db or default_db_path()).expanduser().resolve()
    with TrackerDatabase(db_path) as database:
        try:
            outcome, form = publish(database, default_catalogue(), text, path.name, dt.datetime.now(dt.UTC))
        except PublishRefused as exc:
            raise CliError(str(exc)) from exc
    what = (f"{form.service_type} question set {form.version}, in force from "
            f"{form.effective_from.strftime('%B %Y')} ({form.effective_from.isoformat()})")
    if outcome == ALREADY_PUBLISHED:
        say(f"{what} is already a question set of this tracker, with the same content: nothing to do")
    else:
        say(f"published {what} to {db_path}; sha256 {form.content_sha256}")
    return 0


def parse_location(text: str, known: list[str] | None = None) -> TrackedLocation:
    """``ID:NAME:SERVICE_TYPE[:LA[:REGION]]`` as a location; CliError naming the problem otherwise.

    ``known``: the service types with a question set (the built-in ones by default)."""
    parts = [part.strip() for part in text.split(":")]
    if not 3 <= len(parts) <= 5:
        raise CliError(f"--location '{text}': write ID:NAME:SERVICE_TYPE[:LA[:REGION]] (no ':' inside a part)")
    parts += [""] * (5 - len(parts))
    location_id, name, service_type, local_authority, region = parts
    if not is_location_id(location_id):
        raise CliError(f"--location '{text}': '{location_id}' is not a location id "
                       "(letters, digits, '.', '_' and '-', e.g. 1-123456789)")
    if not name:
        raise CliError(f"--location '{text}': the location needs a name")
    known = known if known is not None else default_catalogue().service_types()
    if service_type not in known:
        raise CliError(f"--location '{text}': unknown service type '{service_type}': choose one of "
                       f"{', '.join(known)}")
    return TrackedLocation(id=location_id, name=name, service_type=service_type,
                           local_authority=local_authority or None, region=region or None)


def say(message: str) -> None:
    """One line for the person at the terminal, on standard error (standard output is for data)."""
    print(f"ct-tracker: {message}", file=sys.stderr, flush=True)
