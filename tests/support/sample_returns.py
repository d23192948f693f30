"""The one source of complete sample returns (from examples/), the two locations they are for, and a way
to record one as accepted.

    from sample_returns import CARE_HOME, HOME_CARE, accept, care_home_values, home_care_values

The validation tests take a return as asked in flu season and change one answer at a time:
``care_home_return(beds_occupied=36)``, ``home_care_return(...)`` or ``FLU_SEASON_RETURNS[service_type]``.
"""

from __future__ import annotations

import json
from pathlib import Path

from ct_desktop.forms.catalogue import form_for
from ct_desktop.models import AcceptedRevision, Location
from ct_desktop.period import Period
from ct_desktop.store import Store

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
CARE_HOME = Location("1-101", "Sunny Care", "care_home", "Leeds")
HOME_CARE = Location("1-202", "Home Help", "home_care", "York")


def care_home_values() -> dict:
    """A complete, valid September care home return (flu questions answered)."""
    return json.loads((EXAMPLES / "care_home-2026-09.json").read_text())["values"]


def summer_care_home_values() -> dict:
    """The same without the flu questions, as asked April to August."""
    return {k: v for k, v in care_home_values().items() if not k.startswith("flu_")}


def home_care_values() -> dict:
    """A complete, valid July home care return (no sponsorship licence, no flu question)."""
    return json.loads((EXAMPLES / "home_care-2026-07.json").read_text())


def care_home_return(**changes) -> dict:
    """The September care home return with ``changes`` made: complete and consistent without them."""
    return {**care_home_values(), **changes}


def home_care_return(**changes) -> dict:
    """The July home care return as asked in flu season, from a provider with a sponsorship licence (so
    visa and flu answers too), with ``changes`` made: complete and consistent without them."""
    return {**home_care_values(), "sponsor_licence": "yes", "visa_direct_care": 5, "flu_vacc_staff": 12, **changes}


FLU_SEASON_RETURNS = {"care_home": care_home_return, "home_care": home_care_return}

# The COVID-19 vaccination answers, asked only in the months of a vaccination campaign (the examples are
# for months without one); add them to a return for a campaign month.
COVID_ANSWERS = {"care_home": {"covid_vacc_direct": 20, "covid_vacc_agency": 1, "covid_vacc_residents": 30},
                 "home_care": {"covid_vacc_staff": 18}}


def as_asked(service_type: str, period: Period, values: dict) -> dict:
    """``values`` with the COVID-19 answers added where the question set of ``period`` asks them."""
    form = form_for(service_type, period)
    return {**values, **{key: figure for key, figure in COVID_ANSWERS[service_type].items()
                         if form.is_asked(form.field(key), period)}}


def accept(store: Store, location_id: str, period: Period, values: dict, *, revision: int = 1, by: str = "AB",
           accepted_at: str = "2026-08-11T09:12:00+01:00") -> AcceptedRevision:
    """Enter, submit, 'send' and record the tracker's acceptance, as the sync engine would.

    In the months of a COVID-19 vaccination campaign the campaign's answers are added where ``values`` has none.
    """
    service_type = next(location.service_type for location in store.locations() if location.id == location_id)
    values = {**as_asked(service_type, period, {}), **values}
    store.set_values(location_id, period, values, by)
    submission = store.submit(location_id, period, by, confirm_warnings=True)
    store.begin_attempt(submission.item.submission_id)
    return store.mark_accepted(submission.item.submission_id, revision, accepted_at,
                               f"CT-{location_id}-{period}-r{revision}-0000ABCD")
