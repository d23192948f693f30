"""``ct-tracker add-provider`` and ``ct-tracker serve``: in process, and serve for real as a subprocess."""

from __future__ import annotations

import importlib.metadata
import socket
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import platformdirs
import pytest
import requests
from tracker_server import API, running_tracker

from ct_tracker import cli
from ct_tracker.access import token_digest
from ct_tracker.database import TrackerDatabase

ROSE_HOUSE = "1-101:Rose House:care_home:Leeds:Yorkshire and the Humber"
ROSE_AT_HOME = "1-102:Rose at Home:home_care"


def add_rose(db_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    code = cli.main(["add-provider", "Rose Care", "--location", ROSE_HOUSE, "--location", ROSE_AT_HOME,
                     "--db", str(db_path)])
    out, err = capsys.readouterr()
    assert code == 0, err
    return out


def test_add_provider_prints_only_the_token_and_keeps_only_its_hash(db_path, capsys):
    out = add_rose(db_path, capsys)
    token = out.strip()
    assert out == token + "\n" and len(token) == 43
    database = TrackerDatabase(db_path)
    provider = database.provider_by_token(token_digest(token))
    assert provider is not None and provider.name == "Rose Care"
    assert token.encode() not in db_path.read_bytes()
    with running_tracker(db_path) as url:
        locations = requests.get(f"{url}{API}/locations", headers={"Authorization": f"Bearer {token}"},
                                 timeout=10).json()
    assert locations == [
        {"id": "1-101", "name": "Rose House", "service_type": "care_home", "local_authority": "Leeds",
         "region": "Yorkshire and the Humber"},
        {"id": "1-102", "name": "Rose at Home", "service_type": "home_care", "local_authority": None,
         "region": None},
    ]


def test_a_location_of_another_provider_is_refused_and_nothing_is_added(db_path, capsys):
    add_rose(db_path, capsys)
    code = cli.main(["add-provider", "Oak Care", "--location", "2-201:Oak Lodge:care_home",
                     "--location", "1-101:Rose House:care_home", "--db", str(db_path)])
    out, err = capsys.readouterr()
    assert code == 2
    assert out == ""
    assert err == "ct-tracker: location 1-101 already belongs to provider 'Rose Care'\n"
    database = TrackerDatabase(db_path)
    assert database.provider_count() == 1
    assert database.location("2-201") is None


@pytest.mark.parametrize(("arguments", "message"), [
    (["Oak", "--location", "2-201:Oak Lodge:hospice"], "unknown service type 'hospice': choose one of care_home, "
                                                       "home_care"),
    (["Oak", "--location", "2-201:Oak Lodge"], "write ID:NAME:SERVICE_TYPE[:LA[:REGION]]"),
    (["Oak", "--location", "2-201:Oak:care_home:LA:Region:extra"], "write ID:NAME:SERVICE_TYPE[:LA[:REGION]]"),
    (["Oak", "--location", "2/201:Oak Lodge:care_home"], "'2/201' is not a location id"),
    (["Oak", "--location", "2-201::care_home"], "the location needs a name"),
    (["Oak", "--location", "2-201:A:care_home", "--location", "2-201:B:care_home"], "2-201 is given more than once"),
    (["  ", "--location", "2-201:Oak Lodge:care_home"], "the provider needs a name"),
    (["Rose Care", "--location", "2-201:Oak Lodge:care_home"], "a provider named 'Rose Care' already exists"),
])
def test_bad_add_provider_input_is_refused_in_one_line(db_path, capsys, arguments, message):
    add_rose(db_path, capsys)
    code = cli.main(["add-provider", *arguments, "--db", str(db_path)])
    out, err = capsys.readouterr()
    assert (code, out) == (2, "")
    assert message in err and err.count("\n") == 1


def test_add_provider_needs_a_location(db_path, capsys):
    with pytest.raises(SystemExit) as stopped:
        cli.main(["add-provider", "Oak", "--db", str(db_path)])
    assert stopped.value.code == 2
    assert "--location" in capsys.readouterr().err


def test_the_default_database_is_in_the_user_data_folder(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(platformdirs, "user_data_dir", lambda name, appauthor=None: str(tmp_path / "data" / name))
    assert cli.main(["add-provider", "Rose Care", "--location", ROSE_HOUSE]) == 0
    assert (tmp_path / "data" / "ct-tracker" / "tracker.db").is_file()
    assert str(tmp_path / "data" / "ct-tracker" / "tracker.db") in capsys.readouterr().err  # backslashes on Windows


class FakeUvicorn:
    """Stands in for uvicorn.run: records what would have been served."""

    def __init__(self) -> None:
        self.calls: list[tuple[object, dict]] = []

    def __call__(self, app: object, **options: object) -> None:
        self.calls.append((app, options))


@pytest.fixture
def fake_uvicorn(monkeypatch: pytest.MonkeyPatch) -> FakeUvicorn:
    fake = FakeUvicorn()
    monkeypatch.setattr(cli.uvicorn, "run", fake)
    return fake


def test_serve_logs_the_url_and_the_database(db_path, capsys, fake_uvicorn):
    add_rose(db_path, capsys)
    assert cli.main(["serve", "--port", "9123", "--db", str(db_path)]) == 0
    err = capsys.readouterr().err
    assert err == f"ct-tracker: serving the provider API at http://127.0.0.1:9123/api/v1 (database: {db_path})\n"
    (app, options), = fake_uvicorn.calls
    assert options == {"host": "127.0.0.1", "port": 9123}
    assert app.state.tracker.rate_limiter is None


def test_serve_on_a_non_loopback_address_warns(db_path, capsys, fake_uvicorn):
    add_rose(db_path, capsys)
    assert cli.main(["serve", "--host", "0.0.0.0", "--db", str(db_path)]) == 0
    lines = capsys.readouterr().err.splitlines()
    assert lines[0].startswith("ct-tracker: serving the provider API at http://0.0.0.0:8765/api/v1")
    assert "no TLS" in lines[1] and "development and training" in lines[1]
    assert cli.main(["serve", "--host", "::1", "--db", str(db_path)]) == 0
    assert capsys.readouterr().err.splitlines()[0].startswith("ct-tracker: serving the provider API at http://[::1]")


def test_serve_with_no_providers_says_how_to_add_one(db_path, capsys, fake_uvicorn):
    assert cli.main(["serve", "--db", str(db_path)]) == 0
    assert "no providers yet: add one with ct-tracker add-provider" in capsys.readouterr().err


def test_serve_passes_the_rate_limit(db_path, capsys, fake_uvicorn):
    assert cli.main(["serve", "--rate-limit", "10/60", "--db", str(db_path)]) == 0
    limiter = fake_uvicorn.calls[0][0].state.tracker.rate_limiter
    assert (limiter.requests, limiter.per_seconds) == (10, 60.0)


@pytest.mark.parametrize(("arguments", "message"), [
    (["--rate-limit", "ten"], "--rate-limit: 'ten' is not a rate limit"),
    (["--port", "70000"], "--port must be 1 to 65535"),
])
def test_serve_refuses_bad_options(db_path, capsys, fake_uvicorn, arguments, message):
    assert cli.main(["serve", *arguments, "--db", str(db_path)]) == 2
    assert message in capsys.readouterr().err
    assert fake_uvicorn.calls == []


def test_a_database_that_cannot_be_made_is_one_line(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    code = cli.main(["add-provider", "Rose Care", "--location", ROSE_HOUSE, "--db", str(blocker / "tracker.db")])
    assert code == 2
    assert capsys.readouterr().err.startswith(f"ct-tracker: cannot use the database {blocker / 'tracker.db'}")


def test_the_console_script_is_declared():
    (entry,) = importlib.metadata.entry_points(group="console_scripts", name="ct-tracker")
    assert entry.load() is cli.main


def free_port() -> int:
    with closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_serve_runs_for_real_until_terminated(tmp_path, db_path, capsys):
    token = add_rose(db_path, capsys).strip()
    port = free_port()
    url = f"http://127.0.0.1:{port}{API}"
    log = tmp_path / "serve.log"
    with log.open("w") as log_file:
        process = subprocess.Popen(
            [sys.executable, "-m", "ct_tracker", "serve", "--port", str(port), "--db", str(db_path)],
            stdout=log_file, stderr=subprocess.STDOUT, cwd=Path(__file__).resolve().parents[1])
        try:
            deadline = time.monotonic() + 30
            while True:
                assert process.poll() is None, log.read_text()
                assert time.monotonic() < deadline, "ct-tracker serve did not answer within 30 seconds"
                try:
                    if requests.get(f"{url}/openapi.json", timeout=2).status_code == 200:
                        break
                except requests.ConnectionError:
                    time.sleep(0.1)
            answer = requests.get(f"{url}/locations", headers={"Authorization": f"Bearer {token}"}, timeout=10)
            assert [location["id"] for location in answer.json()] == ["1-101", "1-102"]
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
    assert f"serving the provider API at {url} (database: {db_path})" in log.read_text()
