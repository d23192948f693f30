"""``ct-desktop validate --service-type T --period YYYY-MM FILE.json``: check a return without saving it.

It is checked against the question set in force for the month, among the data folder's (the built-in
ones and those fetched from the tracker).

FILE holds either the field values as one JSON object, ``{"beds_max_capacity": 40, ...}``, or an
object with ``values``, optional ``not_known`` (a list of keys) and optional ``previous`` (the last
accepted return: ``{"period": "YYYY-MM", "values": {...}, "not_known": [...]}``) for the
month-on-month checks. ``-`` reads standard input.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ct_desktop.cli.common import (
    EXIT_BAD_INPUT,
    EXIT_FINDINGS,
    EXIT_OK,
    SERVICE_TYPE_HELP,
    CliError,
    parse_period,
    print_json,
)
from ct_desktop.cli.store_session import opened_store
from ct_desktop.forms.catalogue import FormCatalogue, UnknownForm, default_catalogue
from ct_desktop.forms.findings import PreviousReturn, has_errors
from ct_desktop.forms.model import MAX_DIGITS, FormDefinition
from ct_desktop.forms.validate import input_problems, validate
from ct_desktop.paths import resolve_data_dir
from ct_desktop.period import PeriodError
from ct_desktop.store.database import database_path

_ENVELOPE_KEYS = {"values", "not_known", "previous"}


def register(subparsers: argparse._SubParsersAction, parent: argparse.ArgumentParser) -> None:
    """Add the command to the parser."""
    parser = subparsers.add_parser(
        "validate",
        parents=[parent],
        help="check a return in a JSON file against a month's form",
        description="Check field values against the form of a service type and month. Prints the findings "
        "as JSON [{field, severity, code, message}]. Exit 0: no errors (warnings may remain); "
        "1: errors; 2: the input could not be read.",
    )
    parser.add_argument("--service-type", required=True, metavar="T", help=SERVICE_TYPE_HELP)
    parser.add_argument("--period", required=True, metavar="YYYY-MM", help="the month of the return")
    parser.add_argument("file", metavar="FILE.json", help="the values to check ('-' for standard input)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Validate the file and print the findings."""
    period = parse_period(args.period)
    try:
        form = data_folder_catalogue(args).form_for(args.service_type, period)
    except UnknownForm as exc:
        raise CliError(str(exc)) from exc
    document = read_json(args.file)
    values, not_known, previous = split_document(document, form, args.file)
    problems = input_problems(form, values, not_known)
    if problems:
        for problem in problems:
            print(f"ct-desktop: {args.file}: {problem}", file=sys.stderr)
        return EXIT_BAD_INPUT
    findings = validate(form, period, values, not_known, previous)
    print_json([finding.as_dict() for finding in findings])
    return EXIT_FINDINGS if has_errors(findings) else EXIT_OK


def data_folder_catalogue(args: argparse.Namespace) -> FormCatalogue:
    """The question sets of the data folder (those fetched from the tracker too) when it has a database;
    the built-in ones otherwise (checking a file needs no data folder)."""
    if not database_path(resolve_data_dir(getattr(args, "data_dir", None))).exists():
        return default_catalogue()
    with opened_store(args) as store:
        return store.catalogue


def read_json(name: str) -> Any:
    """The parsed document, or a one-line CliError saying why it cannot be read."""
    try:
        text = sys.stdin.read() if name == "-" else Path(name).read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise CliError(f"cannot read {name}: no such file") from exc
    except UnicodeDecodeError as exc:
        raise CliError(f"cannot read {name}: it is not UTF-8 text") from exc
    except OSError as exc:
        if Path(name).is_dir():  # IsADirectoryError on Linux, PermissionError on Windows
            raise CliError(f"cannot read {name}: it is a folder, not a file") from exc
        raise CliError(f"cannot read {name}: {exc.strerror or exc}") from exc
    try:
        return json.loads(text, parse_int=_figure(int), parse_float=_figure(float))
    except _NotAFigure as exc:
        raise CliError(f"{name}: {exc}") from exc
    except json.JSONDecodeError as exc:
        raise CliError(f"{name} is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}") from exc
    except RecursionError as exc:
        raise CliError(f"{name} is nested too deeply to be a return") from exc


class _NotAFigure(ValueError):
    """A JSON number that no figure of a return is written as."""


def _figure(convert: Callable[[str], Any]) -> Callable[[str], Any]:
    # Numbers are checked as they are read: json would turn 1e-400 into 0.0 and fail with Python's own
    # error on an integer of over 4,300 digits. (An infinite one is left to input_problems, per field.)
    def read(text: str) -> Any:
        digits = sum(ch.isdigit() for ch in text)
        if digits > MAX_DIGITS:
            raise _NotAFigure(f"a number of {digits:,} digits is too long for a figure (at most {MAX_DIGITS})")
        value = convert(text)
        mantissa = text.lower().partition("e")[0]
        if value == 0 and any(ch in "123456789" for ch in mantissa):
            raise _NotAFigure(f"the number {text} is too small to be a figure: it would be read as 0")
        return value

    return read


def split_document(
    document: Any, form: FormDefinition, name: str
) -> tuple[dict[str, Any], list[str], PreviousReturn | None]:
    """Values, not-known keys and the previous return, from either accepted file shape."""
    if not isinstance(document, dict):
        raise CliError(f"{name} must hold a JSON object of field values, not {_kind(document)}")
    if "values" not in document:
        return document, [], None
    extra = sorted(set(document) - _ENVELOPE_KEYS)
    if extra:
        raise CliError(f"{name}: next to 'values' only 'not_known' and 'previous' may appear, not {', '.join(extra)}")
    values = _object(document["values"], f"{name}: 'values'")
    not_known = _key_list(document.get("not_known", []), f"{name}: 'not_known'")
    previous = _previous(document.get("previous"), form, name)
    return values, not_known, previous


def _previous(data: Any, form: FormDefinition, name: str) -> PreviousReturn | None:
    if data is None:
        return None
    data = _object(data, f"{name}: 'previous'")
    try:
        period = parse_period(str(data["period"]))
    except KeyError as exc:
        raise CliError(f"{name}: 'previous' needs a 'period' (YYYY-MM)") from exc
    except (CliError, PeriodError) as exc:
        raise CliError(f"{name}: 'previous': {exc}") from exc
    values = _object(data.get("values", {}), f"{name}: 'previous.values'")
    not_known = _key_list(data.get("not_known", []), f"{name}: 'previous.not_known'")
    problems = input_problems(form, values, not_known)
    if problems:
        raise CliError(f"{name}: 'previous': {problems[0]}")
    return PreviousReturn(period=period, values=values, not_known=frozenset(not_known))


def _object(data: Any, where: str) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise CliError(f"{where} must be a JSON object, not {_kind(data)}")
    return data


def _key_list(data: Any, where: str) -> list[str]:
    if not isinstance(data, list) or not all(isinstance(item, str) for item in data):
        raise CliError(f"{where} must be a list of field keys, not {_kind(data)}")
    return data


def _kind(data: Any) -> str:
    names = {dict: "an object", list: "a list", str: "a string", bool: "true/false", type(None): "null"}
    return names.get(type(data), "a number")
