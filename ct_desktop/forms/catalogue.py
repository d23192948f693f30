"""Loading form definitions from TOML files and choosing the version in force for a month.

Each ``*.toml`` file in the definitions folder (other than ``seasons.toml``) is one version of one
service type's question set. A definition is checked as it loads, so a mistake in a new file
(a rule naming a field that does not exist, say) is reported by file and key, not at run time.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import itertools
import tomllib
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from ct_desktop.forms.model import (
    FIELD_TYPES,
    RULE_KINDS,
    Campaign,
    Condition,
    Field,
    FormDefinition,
    Grid,
    GridRow,
    Option,
    Rule,
    Season,
    Section,
    Total,
    count_text,
    is_number,
)
from ct_desktop.period import Period

DEFINITIONS_DIR = Path(__file__).with_name("definitions")
SEASONS_FILE = "seasons.toml"
SEVERITIES = ("error", "warning")
# Rule parameters that hold field keys; every key they name must be a field of the form.
_FIELD_PARAMS = ("left", "left_when_given", "right", "fields")
# Rule parameters that are numbers; checked here so a typo fails at load, not when a return is checked.
_NUMBER_PARAMS = ("factor", "percent", "min_change")


class DefinitionError(ValueError):
    """A definition file that cannot be used; the message names the file and the problem."""


class UnknownForm(LookupError):
    """No question set for that service type, or none in force for that month."""


class FormCatalogue:
    """All versions of all service types' question sets."""

    def __init__(self, forms: list[FormDefinition]):
        self._by_type: dict[str, list[FormDefinition]] = {}
        for form in forms:
            self._by_type.setdefault(form.service_type, []).append(form)
        for versions in self._by_type.values():
            versions.sort(key=lambda f: f.effective_from)

    def service_types(self) -> list[str]:
        """The service types that have a question set, sorted."""
        return sorted(self._by_type)

    def versions(self, service_type: str) -> list[FormDefinition]:
        """Every version of a service type's question set, oldest first."""
        if service_type not in self._by_type:
            known = ", ".join(self.service_types())
            raise UnknownForm(f"unknown service type '{service_type}': choose one of {known}")
        return list(self._by_type[service_type])

    def form_for(self, service_type: str, period: Period) -> FormDefinition:
        """The version in force on the first day of the month."""
        versions = self.versions(service_type)
        in_force = [f for f in versions if f.effective_from <= period.first_day]
        if not in_force:
            first = versions[0]
            raise UnknownForm(
                f"no {service_type} question set is in force for {period}: "
                f"the first one ({first.version}) took effect on {first.effective_from.isoformat()}"
            )
        return in_force[-1]

    def forms(self) -> list[FormDefinition]:
        """Every version of every service type, by service type and then oldest first."""
        return [form for key in self.service_types() for form in self._by_type[key]]

    def with_forms(self, forms: list[FormDefinition]) -> FormCatalogue:
        """A catalogue with these versions added; each replaces a version of the same number (or alias).

        The numbers a replaced version answered to stay numbers of its replacement, so that a return
        saved under any of them (``replaces``) still opens.
        """
        replaced = {(f.service_type, number) for f in forms for number in (f.version, *f.replaces)}
        kept = [f for versions in self._by_type.values() for f in versions
                if not ({(f.service_type, n) for n in (f.version, *f.replaces)} & replaced)]
        return FormCatalogue([*kept, *(self._inheriting(form) for form in forms)])

    def _inheriting(self, form: FormDefinition) -> FormDefinition:
        numbers = {form.version, *form.replaces}
        inherited = [n for old in self._by_type.get(form.service_type, []) if {old.version, *old.replaces} & numbers
                     for n in (old.version, *old.replaces) if n not in numbers]
        if not inherited:
            return form
        return dataclasses.replace(form, replaces=(*form.replaces, *dict.fromkeys(inherited)))

    def form_version(self, service_type: str, version: str) -> FormDefinition:
        """A particular version, e.g. the one a saved return was made with."""
        for form in self.versions(service_type):
            if form.version == version or version in form.replaces:
                return form
        raise UnknownForm(f"no {service_type} question set has version '{version}'")


def load_catalogue(directory: Path | None = None) -> FormCatalogue:
    """Load every definition in a folder (the bundled one by default)."""
    folder = Path(directory) if directory else DEFINITIONS_DIR
    seasons = load_seasons(folder / SEASONS_FILE)
    paths = sorted(p for p in folder.glob("*.toml") if p.name != SEASONS_FILE)
    forms = []
    seen: dict[tuple[str, str], Path] = {}
    for path in paths:
        form = load_definition(path, seasons)
        for number in (form.version, *form.replaces):
            key = (form.service_type, number)
            if key in seen:
                raise DefinitionError(
                    f"{path.name}: {form.service_type} version {number} is also in {seen[key].name}"
                )
            seen[key] = path
        forms.append(form)
    return FormCatalogue(forms)


@lru_cache(maxsize=1)
def default_catalogue() -> FormCatalogue:
    """The bundled question sets, loaded once."""
    return load_catalogue()


@lru_cache(maxsize=1)
def default_seasons() -> dict[str, Season]:
    """The bundled seasons (flu, COVID-19 vaccination), by key."""
    return load_seasons(DEFINITIONS_DIR / SEASONS_FILE)


def form_for(service_type: str, period: Period) -> FormDefinition:
    """The bundled question set in force for a service type and month."""
    return default_catalogue().form_for(service_type, period)


def load_definition(path: Path, seasons: Mapping[str, Season]) -> FormDefinition:
    """Read and check one definition file."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DefinitionError(f"{Path(path).name}: cannot be read: {exc}") from exc
    return parse_definition(text, Path(path).name, seasons)


def parse_definition(text: str, name: str, seasons: Mapping[str, Season] | None = None) -> FormDefinition:
    """Check the text of one definition exactly as a bundled file is checked; ``name`` is said in errors.

    The same check serves a definition fetched from the tracker: one that fails it is never used.
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise DefinitionError(f"{name}: cannot be read: {exc}") from exc
    try:
        form = _build_form(data, default_seasons() if seasons is None else seasons)
    except (KeyError, TypeError, ValueError) as exc:
        raise DefinitionError(f"{name}: {_reason(exc)}") from exc
    return dataclasses.replace(form, text=text, content_sha256=content_hash(text))


def content_hash(text: str) -> str:
    """The SHA-256 of a definition's text (UTF-8), in hex: how the tracker and the app name one copy."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def bundled_definition_texts() -> list[tuple[FormDefinition, str]]:
    """Each bundled definition with its text, in file order."""
    seasons = default_seasons()
    found = []
    for path in sorted(p for p in DEFINITIONS_DIR.glob("*.toml") if p.name != SEASONS_FILE):
        text = path.read_text(encoding="utf-8")
        found.append((parse_definition(text, path.name, seasons), text))
    return found


def _reason(exc: Exception) -> str:
    if isinstance(exc, KeyError):
        return f"missing entry {exc}"
    return str(exc)


def load_seasons(path: Path) -> dict[str, Season]:
    """Read a seasons file: each season's months of the year."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise DefinitionError(f"{path.name}: cannot be read: {exc}") from exc
    try:
        return seasons_from(data)
    except (KeyError, TypeError, ValueError) as exc:
        raise DefinitionError(f"{path.name}: {_reason(exc)}") from exc


def seasons_from(data: Mapping[str, Any]) -> dict[str, Season]:
    """Seasons from the parsed TOML of a seasons file; ValueError naming the season and the problem.

    A season has either ``windows`` (months of every year) or ``campaigns`` (each with a name, a
    first_day and a last_day, in order and not overlapping).
    """
    seasons = {}
    for key, entry in data.items():
        if not isinstance(entry, Mapping):
            raise ValueError(f"season '{key}' must be a table")
        campaigns = tuple(_build_campaign(key, item) for item in entry.get("campaigns", []))
        windows = tuple((int(a), int(b)) for a, b in entry.get("windows", []))
        if campaigns and windows:
            raise ValueError(f"season '{key}' has both windows and campaigns: give one")
        if not campaigns and (not windows or any(not (1 <= m <= 12) for pair in windows for m in pair)):
            raise ValueError(f"season '{key}' needs months 1 to 12")
        for before, after in itertools.pairwise(campaigns):
            if after.first_day <= before.last_day:
                raise ValueError(f"season '{key}': campaign '{after.name}' starts before '{before.name}' ends")
        seasons[key] = Season(key=key, label=str(entry.get("label", key)), windows=windows, campaigns=campaigns)
    return seasons


def _build_campaign(season: str, data: Mapping[str, Any]) -> Campaign:
    name = str(data["name"])
    first, last = data["first_day"], data["last_day"]
    for day in (first, last):
        if not isinstance(day, dt.date) or isinstance(day, dt.datetime):
            raise ValueError(f"season '{season}': campaign '{name}' needs first_day and last_day as dates, "
                             "e.g. 2025-10-01")
    if last < first:
        raise ValueError(f"season '{season}': campaign '{name}' ends before it starts")
    return Campaign(name=name, first_day=first, last_day=last)


def _build_form(data: dict[str, Any], seasons: Mapping[str, Season]) -> FormDefinition:
    effective = data["effective_from"]
    if not isinstance(effective, dt.date) or isinstance(effective, dt.datetime):
        raise ValueError("effective_from must be a date, e.g. 2026-04-01")
    sections = tuple(_build_section(entry, seasons) for entry in data["sections"])
    form = FormDefinition(
        service_type=str(data["service_type"]),
        title=str(data["title"]),
        version=str(data["version"]),
        effective_from=effective,
        sections=sections,
        rules=tuple(_build_rule(entry) for entry in data.get("rules", [])),
        seasons=dict(seasons),
        replaces=_key_list(data.get("replaces", []), "replaces"),
    )
    _check_references(form)
    return form


def _build_section(data: dict[str, Any], seasons: Mapping[str, Season]) -> Section:
    key = str(data["key"])
    fields = tuple(_build_field(entry, key, seasons) for entry in data["fields"])
    totals = tuple(_build_total(entry, key) for entry in data.get("totals", []))
    grid = _build_grid(data["grid"], key, fields) if "grid" in data else None
    return Section(key=key, title=str(data["title"]), guidance=str(data.get("guidance", "")), fields=fields,
                   totals=totals, grid=grid)


def _build_grid(data: Any, section: str, fields: tuple[Field, ...]) -> Grid:
    # Checked here so a slip in a grid is reported by file and section when the question set loads.
    where = f"section {section}: grid"
    if not isinstance(data, dict):
        raise ValueError(f"{where} must be a table with columns and rows")
    columns = data.get("columns")
    if not isinstance(columns, list) or not columns or not all(isinstance(c, str) and c.strip() for c in columns):
        raise ValueError(f"{where}: columns must be a list of column headings")
    raw_rows = data.get("rows")
    if not isinstance(raw_rows, list) or not raw_rows:
        raise ValueError(f"{where}: rows must be a list of rows, each with a label and cells")
    numeric = {item.key: item.numeric for item in fields}
    seen: set[str] = set()
    rows = []
    for number, raw in enumerate(raw_rows, start=1):
        if not isinstance(raw, dict) or not isinstance(raw.get("label"), str) or not isinstance(raw.get("cells"), list):
            raise ValueError(f"{where}: row {number} needs a label and a list of cells")
        label = raw["label"]
        if len(raw["cells"]) != len(columns):
            raise ValueError(f"{where}: row '{label}' has {count_text(len(raw['cells']), 'cell')} for "
                             f"{count_text(len(columns), 'column')}")
        cells: list[str | None] = []
        for cell in raw["cells"]:
            if cell == "":
                cells.append(None)  # no such figure in this row
                continue
            if not isinstance(cell, str) or cell not in numeric:
                raise ValueError(f"{where}: row '{label}': {cell!r} is not a field of section {section}")
            if not numeric[cell]:
                raise ValueError(f"{where}: row '{label}': '{cell}' is not a number field")
            if cell in seen:
                raise ValueError(f"{where}: '{cell}' is in more than one cell")
            seen.add(cell)
            cells.append(cell)
        rows.append(GridRow(label=label, cells=tuple(cells)))
    total = data.get("total_label", "")
    if not isinstance(total, str):
        raise ValueError(f"{where}: total_label must be text")
    return Grid(columns=tuple(columns), rows=tuple(rows), total_label=total)


def _build_total(data: dict[str, Any], section: str) -> Total:
    label = str(data["label"])
    keys = _key_list(data["fields"], f"section {section}: total '{label}'")
    compare = _key_list(data.get("compare_to", []), f"section {section}: total '{label}'")
    if compare and not data.get("compare_label"):
        raise ValueError(f"section {section}: total '{label}' has compare_to but no compare_label")
    return Total(label=label, fields=keys, compare_to=compare, compare_label=str(data.get("compare_label", "")))


def _key_list(raw: Any, where: str) -> tuple[str, ...]:
    # A single key is a list of one, as in the rules.
    keys = (raw,) if isinstance(raw, str) else tuple(raw)
    if not all(isinstance(key, str) for key in keys):
        raise ValueError(f"{where}: field keys must be text")
    return keys


def _build_field(data: dict[str, Any], section: str, seasons: Mapping[str, Season]) -> Field:
    key = str(data["key"])
    kind = data["type"]
    if kind not in FIELD_TYPES:
        raise ValueError(f"field {key}: type '{kind}' is not one of {', '.join(FIELD_TYPES)}")
    season = data.get("season")
    if season is not None and season not in seasons:
        raise ValueError(f"field {key}: season '{season}' is not defined in {SEASONS_FILE}")
    options = tuple(Option(key=str(o["key"]), label=str(o["label"])) for o in data.get("options", []))
    if (kind == "choices") != bool(options):
        raise ValueError(f"field {key}: options go with type 'choices' and only with it")
    return Field(
        key=key,
        label=str(data["label"]),
        type=kind,
        section=section,
        mandatory=bool(data.get("mandatory", False)),
        required_when=_build_condition(data.get("required_when"), key),
        empty_unless=_build_condition(data.get("empty_unless"), key),
        season=season,
        guidance=str(data.get("guidance", "")),
        include=str(data.get("include", "")),
        exclude=str(data.get("exclude", "")),
        unit=str(data.get("unit", "")),
        options=options,
        max=data.get("max"),
        decimals=int(data.get("decimals", 2 if kind == "hours" else 0)),
    )


def _build_condition(data: dict[str, Any] | None, key: str) -> Condition | None:
    if data is None:
        return None
    condition = Condition(field=str(data["field"]), op=str(data["op"]), value=data["value"])
    if condition.op not in (">", ">=", "<", "<=", "==", "!="):
        raise ValueError(f"field {key}: condition operator '{condition.op}' is not known")
    return condition


def _build_rule(data: dict[str, Any]) -> Rule:
    kind = data["kind"]
    if kind not in RULE_KINDS:
        raise ValueError(f"rule {data.get('code')}: kind '{kind}' is not one of {', '.join(RULE_KINDS)}")
    severity = data.get("severity", "error")
    if severity not in SEVERITIES:
        raise ValueError(f"rule {data['code']}: severity must be error or warning")
    params = {k: v for k, v in data.items() if k not in ("kind", "code", "severity", "message")}
    return Rule(kind=kind, code=str(data["code"]), severity=severity, message=str(data["message"]), params=params)


def _check_references(form: FormDefinition) -> None:
    keys = [f.key for f in form.fields]
    duplicates = sorted({k for k in keys if keys.count(k) > 1})
    if duplicates:
        raise ValueError(f"field keys used twice: {', '.join(duplicates)}")
    for item in form.fields:
        for condition in (item.required_when, item.empty_unless):
            if condition and not form.has_field(condition.field):
                raise ValueError(f"field {item.key}: condition names unknown field '{condition.field}'")
    _check_totals(form)
    for rule in form.rules:
        for name in _FIELD_PARAMS:
            for key in rule.keys(name):
                if not form.has_field(key):
                    raise ValueError(f"rule {rule.code}: '{key}' is not a field of this form")
        for name in _NUMBER_PARAMS:
            if name in rule.params and not is_number(rule.params[name]):
                raise ValueError(f"rule {rule.code}: '{name}' must be a number, not {rule.params[name]!r}")
        season = rule.params.get("season")
        if season is not None and season not in form.seasons:
            raise ValueError(f"rule {rule.code}: season '{season}' is not defined")


def _check_totals(form: FormDefinition) -> None:
    # A total adds numbers: every key must be a count or hours field of this form.
    for section in form.sections:
        for total in section.totals:
            if not total.fields:
                raise ValueError(f"section {section.key}: total '{total.label}' adds up no fields")
            for key in (*total.fields, *total.compare_to):
                if not form.has_field(key):
                    raise ValueError(f"section {section.key}: total '{total.label}': '{key}' is not a field "
                                     "of this form")
                if not form.field(key).numeric:
                    raise ValueError(f"section {section.key}: total '{total.label}': '{key}' is not a number "
                                     "field")
