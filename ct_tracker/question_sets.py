"""The question sets the tracker accepts: its own (built in) and those published to it, served to the app.

``ct-tracker publish-question-set FILE`` checks a definition exactly as the app checks its built-in
files, then keeps its text in the database; from then on the tracker accepts returns that name its
version and serves it at ``GET /question-sets``, so that next year's revision reaches every
installation when it syncs. A version is never changed once the tracker has it: a revision is a new
version.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from typing import Annotated

from fastapi import APIRouter, Depends, Path
from pydantic import BaseModel, Field

from ct_desktop.forms.catalogue import DefinitionError, FormCatalogue, UnknownForm, parse_definition
from ct_desktop.forms.model import FormDefinition
from ct_tracker.api import _GATE, TrackerContext, available, current_provider, tracker
from ct_tracker.database import (
    ALREADY_PUBLISHED,
    DIFFERENT_CONTENT,
    PUBLISHED,
    Provider,
    PublishedQuestionSet,
    TrackerDatabase,
)
from ct_tracker.errors import ApiError
from ct_tracker.intake import shortened
from ct_tracker.schemas import ErrorBody

TOML_MEDIA_TYPE = "application/toml"
log = logging.getLogger(__name__)


class PublishRefused(ValueError):
    """A definition the tracker will not publish; the message says why in one line."""


class QuestionSetSummary(BaseModel):
    """One version of one service type's question set, as listed."""

    service_type: str = Field(description="e.g. care_home")
    version: str = Field(description="the number a return names as its form_version, e.g. 2024.06")
    effective_from: dt.date = Field(description="the first day it is in force; a month uses the version in force "
                                                "on its first day")
    effective_month: str = Field(description="the first month it is in force, YYYY-MM")
    replaces: list[str] = Field(description="earlier numbers of the same question set, that it stands for")
    content_sha256: str = Field(description="SHA-256 (hex) of the definition's text in UTF-8")


class QuestionSetDefinition(QuestionSetSummary):
    """One version with its definition: the text of a definition file, as the app's built-in ones."""

    media_type: str = Field(default=TOML_MEDIA_TYPE, description="the format of text: TOML")
    text: str = Field(description="the definition, exactly the file that was published (or built in); its "
                                  "SHA-256 is content_sha256")


class TrackerCatalogue:
    """The built-in question sets merged with those published to the database; the published copy is kept
    for a version both have.

    Read again only when the published ones change (a publish while the server runs takes effect at
    the next request); each text is checked once.
    """

    def __init__(self, built_in: FormCatalogue, database: TrackerDatabase):
        self._built_in = built_in
        self._database = database
        self._lock = threading.Lock()
        self._digests: tuple[str, ...] = ()
        self._current = built_in

    def current(self) -> FormCatalogue:
        """Every question set the tracker accepts now."""
        digests = self._database.published_digests()
        with self._lock:
            if digests != self._digests:
                self._current = self._built_in.with_forms(list(_checked(self._database.question_sets())))
                self._digests = digests
            return self._current


def _checked(published: list[PublishedQuestionSet]) -> list[FormDefinition]:
    forms = []
    for entry in published:
        try:
            forms.append(parse_definition(entry.text, f"{entry.service_type} {entry.version} (published)"))
        except DefinitionError as exc:
            # Checked when published; a newer ct-tracker may check more. Never half-used: left out whole.
            log.warning("published question set left out: %s", exc)
    return forms


def publish(database: TrackerDatabase, built_in: FormCatalogue, text: str, name: str,
            now: dt.datetime) -> tuple[str, FormDefinition]:
    """Check a definition and publish it; (PUBLISHED or ALREADY_PUBLISHED, its form).

    PublishRefused when it fails the check, or when its version (or a number it replaces) is already a
    question set of the tracker with other content.
    """
    try:
        form = parse_definition(text, name)
    except DefinitionError as exc:
        raise PublishRefused(f"{exc}: not published") from exc
    catalogue = TrackerCatalogue(built_in, database).current()
    for number in (form.version, *form.replaces):
        try:
            existing = catalogue.form_version(form.service_type, number)
        except UnknownForm:
            continue
        if existing.content_sha256 != form.content_sha256:
            raise PublishRefused(
                f"{name}: {form.service_type} version {number} is already a question set of this tracker, with "
                f"other content (sha256 {existing.content_sha256[:12]}...): a revision needs a version of its own")
        if existing.version == form.version:
            return ALREADY_PUBLISHED, existing
    entry = PublishedQuestionSet(
        service_type=form.service_type, version=form.version, effective_from=form.effective_from.isoformat(),
        content_sha256=form.content_sha256, text=text,
        published_at=now.astimezone(dt.UTC).isoformat(timespec="seconds"))
    outcome, stored = database.publish_question_set(entry)
    if outcome == DIFFERENT_CONTENT:  # published by someone else since the check above
        raise PublishRefused(f"{name}: {form.service_type} version {form.version} was published meanwhile with "
                             f"other content (sha256 {stored.content_sha256[:12]}...)")
    return (PUBLISHED if outcome == PUBLISHED else ALREADY_PUBLISHED), form


def summary(form: FormDefinition) -> QuestionSetSummary:
    """A question set as listed."""
    return QuestionSetSummary(service_type=form.service_type, version=form.version,
                              effective_from=form.effective_from,
                              effective_month=form.effective_from.strftime("%Y-%m"),
                              replaces=list(form.replaces), content_sha256=form.content_sha256)


router = APIRouter(dependencies=[Depends(available)])
Context = Annotated[TrackerContext, Depends(tracker)]
Caller = Annotated[Provider, Depends(current_provider)]
ServiceType = Annotated[str, Path(examples=["care_home"], description="the service type, e.g. care_home")]
Version = Annotated[str, Path(examples=["2024.06"], description="the question set's version, e.g. 2024.06")]


@router.get("/question-sets", response_model=list[QuestionSetSummary], responses=_GATE,
            summary="The question sets the tracker accepts")
def list_question_sets(provider: Caller, ctx: Context) -> list[QuestionSetSummary]:
    """Every version of every service type's question set that a return may name, by service type and date.

    Fetch each one whose content_sha256 is new to you from ``/question-sets/{service_type}/{version}``.
    """
    return [summary(form) for form in ctx.current_catalogue().forms()]


@router.get("/question-sets/{service_type}/{version}", response_model=QuestionSetDefinition,
            summary="One question set, with its definition",
            responses={**_GATE, 404: {"model": ErrorBody,
                                      "description": "no such question set (code question_set_not_found)"}})
def get_question_set(service_type: ServiceType, version: Version, provider: Caller,
                     ctx: Context) -> QuestionSetDefinition:
    """The definition of one version, as the text of a definition file (TOML) with its SHA-256."""
    try:
        form = ctx.current_catalogue().form_version(service_type, version)
    except UnknownForm as exc:
        raise ApiError(404, "question_set_not_found",
                       f"the tracker has no {shortened(service_type)} question set {shortened(version)}") from exc
    if form.version != version:
        # An earlier number: the list names the question set by its own version.
        raise ApiError(404, "question_set_not_found",
                       f"{shortened(version)} is an earlier number of {service_type} question set {form.version}")
    return QuestionSetDefinition(**summary(form).model_dump(), text=form.text)
