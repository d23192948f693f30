"""The tracker's question sets, over real HTTP: `ct-tracker publish-question-set`, `GET /question-sets`, and
returns checked against the version they name."""

from __future__ import annotations

import hashlib

import pytest
import requests
from question_set_files import NEW_QUESTION, broken_revision, care_home_revision, write_definition
from sample_returns import care_home_values, summer_care_home_values
from tracker_server import API, running_tracker, submission_body

from ct_desktop.forms.catalogue import DEFINITIONS_DIR
from ct_tracker import cli


def publish(capsys, db_path, path) -> tuple[int, str]:
    code = cli.main(["publish-question-set", "--db", str(db_path), str(path)])
    out, err = capsys.readouterr()
    assert out == ""
    return code, err


def get(url, token, path) -> requests.Response:
    return requests.get(f"{url}{API}{path}", headers={"Authorization": f"Bearer {token}"}, timeout=10)


def put(url, token, body, period="2026-09") -> requests.Response:
    return requests.put(f"{url}{API}/locations/1-101/returns/{period}", json=body, timeout=10,
                        headers={"Authorization": f"Bearer {token}", "Idempotency-Key": body["submission_id"]})


def test_the_built_in_question_sets_are_listed_with_their_hashes_and_served_as_their_files(db_path, token):
    with running_tracker(db_path) as url:
        listed = get(url, token, "/question-sets").json()
        served = get(url, token, "/question-sets/care_home/2024.06").json()
    built_in = (DEFINITIONS_DIR / "care_home-2024-06.toml").read_text(encoding="utf-8")
    entry = next(e for e in listed if (e["service_type"], e["version"]) == ("care_home", "2024.06"))
    assert entry == {"service_type": "care_home", "version": "2024.06", "effective_from": "2024-06-01",
                     "effective_month": "2024-06", "replaces": ["2025.1"],
                     "content_sha256": hashlib.sha256(built_in.encode()).hexdigest()}
    assert {(e["service_type"], e["version"]) for e in listed} >= {("care_home", "2023.07"), ("home_care", "2024.06"),
                                                                  ("supported_living", "2024.06")}
    assert served["text"] == built_in and served["media_type"] == "application/toml"
    assert served["content_sha256"] == entry["content_sha256"]


def test_a_published_revision_is_listed_and_served_exactly_as_its_file_while_the_server_runs(
        tmp_path, capsys, db_path, token):
    path = write_definition(tmp_path, care_home_revision())
    with running_tracker(db_path) as url:
        assert "2026.09" not in [e["version"] for e in get(url, token, "/question-sets").json()]
        code, err = publish(capsys, db_path, path)
        listed = get(url, token, "/question-sets").json()
        served = get(url, token, "/question-sets/care_home/2026.09")
    assert code == 0
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    assert err == (f"ct-tracker: published care_home question set 2026.09, in force from September 2026 "
                   f"(2026-09-01) to {db_path}; sha256 {digest}\n")
    assert {"service_type": "care_home", "version": "2026.09", "effective_from": "2026-09-01",
            "effective_month": "2026-09", "replaces": [], "content_sha256": digest} in listed
    assert served.status_code == 200
    assert served.json()["text"].encode("utf-8") == path.read_bytes()


def test_publishing_the_same_file_again_changes_nothing(tmp_path, capsys, db_path):
    path = write_definition(tmp_path, care_home_revision())
    assert publish(capsys, db_path, path)[0] == 0
    code, err = publish(capsys, db_path, path)
    assert (code, err) == (0, "ct-tracker: care_home question set 2026.09, in force from September 2026 (2026-09-01) "
                              "is already a question set of this tracker, with the same content: nothing to do\n")


def test_other_content_under_a_version_the_tracker_has_is_refused_in_one_line(tmp_path, capsys, db_path, token):
    first = write_definition(tmp_path, care_home_revision(), "first.toml")
    assert publish(capsys, db_path, first)[0] == 0
    changed = write_definition(tmp_path, care_home_revision(new_question=False), "changed.toml")
    code, err = publish(capsys, db_path, changed)
    assert code == 2
    assert err.startswith("ct-tracker: changed.toml: care_home version 2026.09 is already a question set of this "
                          "tracker, with other content (sha256 ")
    assert err.endswith("a revision needs a version of its own\n") and err.count("\n") == 1
    # ... a built-in version too
    built_in = write_definition(tmp_path, care_home_revision("2024.06", "2024-06-01"), "built_in.toml")
    code, err = publish(capsys, db_path, built_in)
    assert code == 2 and "care_home version 2024.06 is already a question set of this tracker" in err
    with running_tracker(db_path) as url:
        served = get(url, token, "/question-sets/care_home/2026.09").json()
    assert served["text"].encode("utf-8") == first.read_bytes()  # the file as it is, line endings too


@pytest.mark.parametrize(("text", "problem"), [
    (broken_revision(), "revision.toml: rule visa_over_headcount: 'visa_direct_nurse' is not a field of this form"),
    ("version = [", "revision.toml: cannot be read:"),
    (care_home_revision().replace("effective_from = 2026-09-01", 'effective_from = "September"'),
     "revision.toml: effective_from must be a date, e.g. 2026-04-01"),
])
def test_a_definition_that_fails_the_check_is_not_published(tmp_path, capsys, db_path, token, text, problem):
    path = write_definition(tmp_path, text, "revision.toml")
    code, err = publish(capsys, db_path, path)
    assert code == 2 and err.startswith(f"ct-tracker: {problem}") and err.count("\n") == 1
    assert "Traceback" not in err
    with running_tracker(db_path) as url:
        versions = [e["version"] for e in get(url, token, "/question-sets").json()]
    assert "2026.09" not in versions and "2026.10" not in versions


def test_publishing_a_file_that_cannot_be_read_is_one_line(tmp_path, capsys, db_path):
    code, err = publish(capsys, db_path, tmp_path / "missing.toml")
    assert (code, err) == (2, f"ct-tracker: cannot read {tmp_path / 'missing.toml'}: no such file\n")
    (tmp_path / "latin1.toml").write_bytes(b"title = \"Caf\xe9\"\n")
    code, err = publish(capsys, db_path, tmp_path / "latin1.toml")
    assert (code, err) == (2, f"ct-tracker: cannot read {tmp_path / 'latin1.toml'}: it is not UTF-8 text\n")


def test_an_unknown_question_set_is_404(db_path, token):
    with running_tracker(db_path) as url:
        missing = get(url, token, "/question-sets/care_home/2099.01")
        alias = get(url, token, "/question-sets/care_home/2025.1")
        unauthorised = requests.get(f"{url}{API}/question-sets", timeout=10)
    assert (missing.status_code, missing.json()["code"]) == (404, "question_set_not_found")
    assert (alias.status_code, alias.json()["code"]) == (404, "question_set_not_found")
    assert "earlier number of care_home question set 2024.06" in alias.json()["message"]
    assert unauthorised.status_code == 401


def test_a_return_is_checked_against_the_version_it_names(tmp_path, capsys, db_path, token):
    assert publish(capsys, db_path, write_definition(tmp_path, care_home_revision()))[0] == 0
    values = care_home_values()
    with running_tracker(db_path) as url:
        # The revision asks one question more: without its answer the return is refused under it...
        refused = put(url, token, submission_body(values, form_version="2026.09"))
        # ... while one queued under 2024.06 before the revision reached its computer is still accepted.
        earlier = put(url, token, submission_body(values, form_version="2024.06"))
        revised = put(url, token, submission_body({**values, NEW_QUESTION: 3}, form_version="2026.09", base=1))
        # A version that is not yet in force for the month, and one the tracker does not know: 422.
        early = put(url, token, submission_body(summer_care_home_values(), form_version="2026.09"), period="2026-08")
        unknown = put(url, token, submission_body({**values, NEW_QUESTION: 3}, form_version="2031.01", base=2))
    assert refused.status_code == 422
    assert [(e["field"], e["code"]) for e in refused.json()["errors"]] == [(NEW_QUESTION, "required")]
    assert (earlier.status_code, revised.status_code) == (201, 201)
    assert early.status_code == 422
    [error] = early.json()["errors"]
    assert (error["field"], error["code"]) == ("form_version", "form_version_not_in_force")
    assert error["message"] == ("form version '2026.09' takes effect on 2026-09-01: it is not in force for "
                                "2026-08 (in force for this month: 2024.06)")
    assert unknown.status_code == 422
    [error] = unknown.json()["errors"]
    assert (error["field"], error["code"]) == ("form_version", "unknown_form_version")
    assert "known: 2023.07, 2024.06, 2026.09" in error["message"]


def test_a_service_type_published_to_the_tracker_can_be_given_to_a_provider(tmp_path, capsys, db_path):
    hospice = care_home_revision().replace('service_type = "care_home"', 'service_type = "hospice"', 1)
    assert publish(capsys, db_path, write_definition(tmp_path, hospice))[0] == 0
    code = cli.main(["add-provider", "St Clare", "--location", "3-301:St Clare Hospice:hospice", "--db", str(db_path)])
    assert code == 0, capsys.readouterr().err


def test_the_openapi_document_describes_the_question_sets(db_path):
    with running_tracker(db_path) as url:
        document = requests.get(f"{url}{API}/openapi.json", timeout=10).json()
    one = document["paths"][f"{API}/question-sets/{{service_type}}/{{version}}"]["get"]
    assert {"200", "401", "404", "429", "503"} <= set(one["responses"])
    listed = document["paths"][f"{API}/question-sets"]["get"]
    assert {"200", "401", "429", "503"} <= set(listed["responses"])
    definition = document["components"]["schemas"]["QuestionSetDefinition"]
    assert {"service_type", "version", "effective_from", "content_sha256", "text"} <= set(definition["required"])
    assert "SHA-256" in definition["properties"]["content_sha256"]["description"]
