"""``gentle-steps package-lambda`` (skill/packaging.py): the zip is small, holds nothing of the build, and runs.

The zip is built from this environment's installed packages. Then, as on Lambda, the handler is imported
from the unzipped bundle alone plus the AWS SDK (boto3, botocore, s3transfer, jmespath: what the Python
runtime provides), in a separate interpreter started with ``-I -S`` so neither the project nor the venv's
site-packages is on its path. With DynamoDB configured, listener state goes to a moto server on loopback.
"""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
import zipfile
from pathlib import Path

import pytest
from gentle_steps.deploy.cli import main
from gentle_steps.deploy.lambda_zip import FORBIDDEN_TOP_LEVEL, MAX_BYTES, build_zip

ROOT = Path(__file__).resolve().parent.parent
SKILL_ID = "amzn1.ask.skill.00000000-0000-4000-8000-000000000005"
BASE = "https://d111111abcdef8.cloudfront.net/"

CATALOG = {
    "schema_version": 2,
    "base_url": BASE,
    "show": {
        "title": "Gentle Steps",
        "invocation_name": "gentle steps",
        "language": "en-US",
        "disclosure": "This is a synthetic voice reading the article.",
        "disclaimer": "Gentle Steps is not a substitute for professional care, and it is not emergency help.",
        "artwork_url": f"{BASE}artwork.png",
    },
    "crisis": {"US": [{"kind": "emergency", "name": "Emergency services", "contact": "Call 911",
                       "spoken": "If you are in immediate danger, call 9 1 1.", "number": "911", "display": "911"}]},
    "episodes": [{
        "id": "can-you-rebuild-trust",
        "number": 1,
        "title": "Can You Rebuild Trust After Betrayal?",
        "page_url": f"{BASE}episodes/can-you-rebuild-trust/",
        "audio_url": f"{BASE}episodes/can-you-rebuild-trust/can-you-rebuild-trust.mp3",
        "duration_ms": 300000,
        "sections": [
            {"id": "introduction", "index": 0, "title": "Introduction", "synonyms": ["part one"],
             "audio_url": f"{BASE}episodes/can-you-rebuild-trust/sections/00-introduction.mp3",
             "duration_ms": 60000, "version": "a1b2c3d4e5f6", "text": "Trust can be rebuilt."},
            {"id": "what-trust-repair-looks-like", "index": 1, "title": "What trust repair looks like",
             "synonyms": ["trust repair", "part two"],
             "audio_url": f"{BASE}episodes/can-you-rebuild-trust/sections/01-what-trust-repair-looks-like.mp3",
             "duration_ms": 120000, "version": "0f1e2d3c4b5a", "text": "Repair takes time."},
        ],
    }],
    "prompts": [
        {"id": "be-gentle-with-yourself", "text": "Be gentle with yourself.",
         "audio_url": f"{BASE}prompts/be-gentle-with-yourself.mp3", "duration_ms": 2500},
        {"id": "one-step-at-a-time", "text": "Take one step at a time toward what feels safe, true, and whole.",
         "audio_url": f"{BASE}prompts/one-step-at-a-time.mp3", "duration_ms": 4500},
    ],
}

# Runs inside the bundle's interpreter: checks what can be imported, then answers the requests in argv[1].
CHILD = r"""
import importlib.util, json, sys
bundle, runtime, events_file = sys.argv[1], sys.argv[2], sys.argv[3]
sys.path[:0] = [bundle]
sys.path.append(runtime)
leaks = [m for m in ("numpy", "onnxruntime", "piper", "pydub", "imageio_ffmpeg", "feedgen", "gentle_steps.audio", "gentle_steps.feed", "gentle_steps.deploy")
         if importlib.util.find_spec(m) is not None]
from gentle_steps.skill.lambda_function import handler
import gentle_steps.skill as skill
answers = [handler(event, None) for event in json.load(open(events_file))]
print(json.dumps({"leaks": leaks, "skill_from": skill.__file__, "boto3_loaded": "boto3" in sys.modules,
                  "answers": answers}))
"""


def envelope(request: dict, *, device: str = "amzn1.ask.device.KITCHEN", session: bool = True) -> dict:
    """A request envelope as Alexa sends it to Lambda."""
    system = {"application": {"applicationId": SKILL_ID}, "user": {"userId": "amzn1.ask.account.LISTENER"},
              "device": {"deviceId": device, "supportedInterfaces": {"AudioPlayer": {}}},
              "apiEndpoint": "https://api.amazonalexa.com"}
    body = {"version": "1.0", "context": {"System": system},
            "request": {"requestId": f"amzn1.echo-api.request.{uuid.uuid4()}", "timestamp": "2026-11-27T07:00:00Z",
                        "locale": "en-US", **request}}
    if session:
        body["session"] = {"new": True, "sessionId": f"amzn1.echo-api.session.{uuid.uuid4()}",
                           "application": {"applicationId": SKILL_ID}, "attributes": {},
                           "user": {"userId": "amzn1.ask.account.LISTENER"}}
    return body


def intent(name: str) -> dict:
    return envelope({"type": "IntentRequest", "intent": {"name": name, "confirmationStatus": "NONE", "slots": {}}})


def launch() -> dict:
    return envelope({"type": "LaunchRequest"})


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("dist")
    (root / "catalog.json").write_text(json.dumps(CATALOG), encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def package(dist, tmp_path_factory):
    if not (ROOT / "skill" / "lambda_function.py").is_file():
        pytest.fail("skill/lambda_function.py (the Lambda handler) does not exist yet")
    return build_zip(dist, tmp_path_factory.mktemp("build") / "lambda.zip")


@pytest.fixture(scope="module")
def bundle(package, tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("task")  # Lambda unpacks the zip into /var/task
    with zipfile.ZipFile(package.path) as zf:
        zf.extractall(target)
    return target


@pytest.fixture(scope="module")
def lambda_runtime(tmp_path_factory) -> Path:
    """A folder holding only the AWS SDK, as the Lambda Python runtime provides it."""
    import boto3
    import botocore
    import jmespath
    import s3transfer

    target = tmp_path_factory.mktemp("runtime")
    for module in (boto3, botocore, s3transfer, jmespath):
        source = Path(module.__file__)
        name = source.parent.name if source.name == "__init__.py" else source.name
        (target / name).symlink_to(source.parent if source.name == "__init__.py" else source)
    return target


def run_bundle(bundle: Path, runtime: Path, events: list[dict], env: dict[str, str], tmp_path: Path) -> dict:
    events_file = tmp_path / f"events-{uuid.uuid4().hex[:6]}.json"
    events_file.write_text(json.dumps(events), encoding="utf-8")
    base_env = {"PATH": "/usr/bin:/bin", "AWS_LAMBDA_FUNCTION_NAME": "gentle-steps-test",
                "GENTLE_STEPS_SKILL_ID": SKILL_ID, "GENTLE_STEPS_STATE": str(tmp_path / "state.sqlite3"),
                "AWS_CONFIG_FILE": str(tmp_path / "none"), "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none")}
    result = subprocess.run(
        [sys.executable, "-I", "-S", "-c", CHILD, str(bundle), str(runtime), str(events_file)],
        check=False, capture_output=True, text=True, timeout=120, cwd=tmp_path, env={**base_env, **env})
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def speech(answer: dict) -> str:
    return answer["response"]["outputSpeech"]["ssml"]


def play(answer: dict) -> dict:
    (directive,) = [d for d in answer["response"]["directives"] if d["type"] == "AudioPlayer.Play"]
    return directive


def test_zip_is_small_and_holds_only_the_skill_its_dependencies_and_the_catalog(package, dist):
    names = set(package.entries)
    top = {name.split("/")[0] for name in names}

    assert package.size == package.path.stat().st_size < MAX_BYTES
    assert not top & FORBIDDEN_TOP_LEVEL
    assert not {"boto3", "botocore", "s3transfer", "jmespath"} & top
    assert {"ask_sdk_core", "ask_sdk_model", "ask_sdk_runtime", "ask_sdk_dynamodb", "dateutil", "six.py",
            "requests", "urllib3", "catalog.json", "gentle_steps"} <= top
    skill_modules = {"gentle_steps/" + p.relative_to(ROOT).as_posix() for p in (ROOT / "skill").glob("*.py")}
    assert skill_modules <= names
    assert not [n for n in names if "__pycache__" in n or n.endswith((".pyc", ".so", ".pyd"))]
    with zipfile.ZipFile(package.path) as zf:
        assert zf.read("catalog.json") == (dist / "catalog.json").read_bytes()
        assert zf.testzip() is None


def test_zip_is_byte_identical_when_nothing_changed(package, dist, tmp_path):
    again = build_zip(dist, tmp_path / "again.zip")
    assert again.path.read_bytes() == package.path.read_bytes()


def test_handler_answers_launch_from_the_bundle_alone(bundle, lambda_runtime, tmp_path):
    out = run_bundle(bundle, lambda_runtime, [launch()], {}, tmp_path)

    assert out["leaks"] == []
    assert out["skill_from"].startswith(str(bundle))
    assert out["boto3_loaded"] is False  # SQLite configuration: the AWS SDK is never imported
    (answer,) = out["answers"]
    assert "Welcome to Gentle Steps" in speech(answer)
    assert answer["response"]["shouldEndSession"] is False
    assert answer["response"]["reprompt"]["outputSpeech"]["ssml"]


def test_bundled_bytecode_is_used_without_the_sources(dist, lambda_runtime, tmp_path):
    # Lambda's /var/task is read-only: bytecode shipped in the zip is the only bytecode a cold start gets.
    # (package-lambda bundles it when run under the function's Python; here it is forced for this one.)
    first = build_zip(dist, tmp_path / "first.zip", bytecode=True)
    tag = sys.implementation.cache_tag

    assert first.bytecode == tag and first.size < MAX_BYTES
    assert f"gentle_steps/skill/__pycache__/lambda_function.{tag}.pyc" in first.entries
    assert f"ask_sdk_model/__pycache__/request_envelope.{tag}.pyc" in first.entries
    task = tmp_path / "task"
    with zipfile.ZipFile(first.path) as zf:
        zf.extractall(task)
    for module in ("gentle_steps/skill/lambda_function.py", "gentle_steps/skill/handlers.py", "ask_sdk_core/skill.py"):
        (task / module).write_text("raise SystemExit('the source was compiled at cold start')\n", encoding="utf-8")

    out = run_bundle(task, lambda_runtime, [launch()], {}, tmp_path)

    assert "Welcome to Gentle Steps" in speech(out["answers"][0])


def test_bundle_keeps_listener_state_in_dynamodb_across_cold_starts(bundle, lambda_runtime, tmp_path):
    import boto3
    from moto import server as moto_server
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        endpoint = f"http://{host}:{port}"
        table = f"state-{uuid.uuid4().hex[:8]}"
        boto3.client("dynamodb", endpoint_url=endpoint, region_name="eu-west-1",
                     aws_access_key_id="testing", aws_secret_access_key="testing").create_table(
            TableName=table, BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}])
        env = {"GENTLE_STEPS_TABLE": table, "GENTLE_STEPS_DYNAMODB_ENDPOINT": endpoint, "AWS_REGION": "eu-west-1",
               "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}

        # Cold start 1: play the episode; Alexa reports the stop at 4.2 s.
        started = run_bundle(bundle, lambda_runtime, [intent("PlayEpisodeIntent")], env, tmp_path)
        assert started["boto3_loaded"] is True
        token = play(started["answers"][0])["audioItem"]["stream"]["token"]
        stopped = envelope({"type": "AudioPlayer.PlaybackStopped", "token": token, "offsetInMilliseconds": 4200},
                           session=False)
        run_bundle(bundle, lambda_runtime, [stopped], env, tmp_path)

        # Cold start 2, no AudioPlayer context in the requests: only the table knows the position.
        resumed = run_bundle(bundle, lambda_runtime, [launch(), intent("AMAZON.ResumeIntent")], env, tmp_path)
        welcome, resume = resumed["answers"]
        assert "Welcome back" in speech(welcome)
        stream = play(resume)["audioItem"]["stream"]
        assert (stream["token"], stream["offsetInMilliseconds"]) == (token, 4200)
        items = boto3.resource("dynamodb", endpoint_url=endpoint, region_name="eu-west-1",
                               aws_access_key_id="testing",
                               aws_secret_access_key="testing").Table(table).scan()["Items"]
        assert any(item["attributes"].get("offset_ms") == 4200 for item in items)
    finally:
        server.stop()


def test_cli_prints_the_size(dist, tmp_path, capsys):
    out = tmp_path / "build" / "lambda.zip"
    assert main(["package-lambda", "--dist", str(dist), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert f"wrote {out}: " in printed and " MB (" in printed and out.is_file()


@pytest.mark.parametrize(
    ("case", "message"),
    [("no-dist", "no such folder"), ("no-catalog", "catalog.json: missing"),
     ("not-json", "not valid JSON"), ("not-a-catalog", "not a skill catalog")],
)
def test_bad_dist_is_one_line_and_exit_2(case, message, tmp_path, capsys):
    dist = tmp_path / "dist"
    if case != "no-dist":
        dist.mkdir()
    if case == "not-json":
        (dist / "catalog.json").write_text("{oops", encoding="utf-8")
    elif case == "not-a-catalog":
        (dist / "catalog.json").write_text("[1, 2]", encoding="utf-8")
    out = tmp_path / "lambda.zip"

    assert main(["package-lambda", "--dist", str(dist), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert not out.exists()
