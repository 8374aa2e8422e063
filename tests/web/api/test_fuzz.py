"""The API under a fuzzer: schemathesis against `motcua serve` (gunicorn, as deployed) on loopback.

The server is a separate process on an ephemeral port with a database holding the shipped procedures, the demo
accounts and dossiers. Schemathesis reads the OpenAPI document the server publishes and sends generated requests,
valid and invalid, to every operation: once with an administrator's token and once with a one-stop officer's (who
may receive dossiers and work on tasks). The run is bounded (examples per operation, a time budget per token) and
seeded, so it is repeatable. It fails on any 5xx and on any response the document does not describe (status, media
type, headers, body schema), and when invalid input is accepted. Its figures go to test-artifacts/fuzz/.
"""

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from engine.services.accounts import DEMO_ACCOUNTS, DEMO_PASSWORD
from tests.conftest import PROCESSES, RecordingSender
from web import create_app
from web.cli import main

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[3]
REPORTS = ROOT / "test-artifacts" / "fuzz"
CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
    "negative_data_rejection",
)
MAX_EXAMPLES = 20  # per operation and phase
SECONDS_PER_TOKEN = 55
SEED = 20261207


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """(base URL, {role: token}) of `motcua serve` on 127.0.0.1:<free port>; stopped at the end of the module."""
    folder = tmp_path_factory.mktemp("fuzz")
    url = f"sqlite:///{folder / 'motcua.db'}"
    app = create_app({"database_url": url}, sender=RecordingSender())
    services = app.extensions["motcua"]
    services.migrate()
    from engine.services.deploy import read_files

    services.deploy.deploy(read_files([PROCESSES]), "designer")
    for username, full_name, role, division in DEMO_ACCOUNTS:
        services.accounts.create(username, full_name, role, division, DEMO_PASSWORD, exist_ok=True)
    result = CliRunner(env={"MOTCUA_DATABASE_URL": url}).invoke(main, ["demo-dossiers"])
    assert result.exit_code == 0, result.output
    tokens = {role: services.accounts.create_token(user, "fuzz") for user, _n, role, _d in DEMO_ACCOUNTS}
    services.close()

    log = folder / "server.log"
    env = {**os.environ, "MOTCUA_DATABASE_URL": url, "MOTCUA_SECRET_KEY": "fuzz", "MOTCUA_SECURE_COOKIES": "0"}
    command = [sys.executable, "-m", "web.cli", "serve", "--port", "0", "--threads", "4", "--no-worker"]
    with log.open("wb") as output:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        found = None
        while not found and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)  # a real process starting: there is no fake clock to move
            found = re.search(r"Listening at: http://127\.0\.0\.1:(\d+)", log.read_text("utf-8", "replace"))
        assert found, f"the server did not start:\n{log.read_text('utf-8', 'replace')[-3000:]}"
        yield f"http://127.0.0.1:{found[1]}", tokens
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _schemathesis(base: str, token: str, name: str) -> dict:
    REPORTS.mkdir(parents=True, exist_ok=True)
    report = REPORTS / f"{name}.json"
    command = [
        shutil.which("st", path=str(Path(sys.executable).parent)) or "st",
        "run",
        f"{base}/api/v1/openapi.json",
        "--header",
        f"Authorization: Bearer {token}",
        "--checks",
        ",".join(CHECKS),
        "--max-examples",
        str(MAX_EXAMPLES),
        "--max-time",
        str(SECONDS_PER_TOKEN),
        "--seed",
        str(SEED),
        "--workers",
        "1",  # two workers once tripped over schemathesis's own caches (an internal KeyError, no server failure)
        "--request-timeout",
        "30",
        "--report",
        "json",
        "--report-json-path",
        str(report),
    ]
    run = subprocess.run(command, capture_output=True, text=True, timeout=SECONDS_PER_TOKEN + 240, check=False)
    (REPORTS / f"{name}.txt").write_text(run.stdout + run.stderr, "utf-8")
    figures = _figures(run.stdout)
    print(f"schemathesis as {name}: {figures}")
    # Failures are the server's (a 5xx, an answer the document does not describe); an error inside schemathesis
    # itself (it has thrown an internal KeyError once) is shown but is not the server's fault.
    assert figures["test cases"], f"schemathesis as {name} did not run:\n{run.stdout[-12000:]}"
    assert figures["unique failures"] == 0, f"schemathesis as {name} found failures ({figures}):\n{run.stdout[-12000:]}"
    return figures


def _figures(output: str) -> dict:
    """Operations tested, test cases generated and failures, from schemathesis's summary."""
    tested = re.search(r"Tested:\s+(\d+)", output)
    cases = re.search(r"(\d+) generated", output)
    failures = re.search(r"(\d+) found (\d+) unique failures", output)
    return {
        "operations": int(tested[1]) if tested else None,
        "test cases": int(cases[1]) if cases else None,
        "unique failures": int(failures[2]) if failures else 0,
    }


@pytest.mark.parametrize("role", ["admin", "one_stop"])
def test_no_generated_request_gets_a_5xx_or_an_undocumented_answer(server, role):
    base, tokens = server
    figures = _schemathesis(base, tokens[role], role)
    assert figures["operations"] and figures["operations"] >= 15 and figures["test cases"]


def test_a_request_line_too_long_to_read_is_answered_in_json(server):
    base, _tokens = server
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        connection.sendall(b"GET /api/v1/dossiers?procedure=" + b"x" * 5000 + b" HTTP/1.1\r\nHost: x\r\n\r\n")
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400 ")
    assert b"Content-Type: application/json" in head
    assert "dòng yêu cầu quá dài" in json.loads(body)["error"]["message"]
