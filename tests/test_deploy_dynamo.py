"""Listener state on DynamoDB (skill/dynamo.py) against a real DynamoDB-compatible server on loopback.

The server is moto in server mode, started here on a free port of 127.0.0.1; every request goes over HTTP to
it. The table is created as deploy/template.yaml declares it (partition key ``id``, a string, on demand).
"""

from __future__ import annotations

import json
import threading
import uuid
from decimal import Decimal

import boto3
import pytest
from ask_sdk_core.exceptions import PersistenceException  # noqa: E402
from ask_sdk_core.serialize import DefaultSerializer  # noqa: E402
from ask_sdk_dynamodb.partition_keygen import device_id_partition_keygen  # noqa: E402
from ask_sdk_model import Context, Device, RequestEnvelope, User  # noqa: E402
from ask_sdk_model.interfaces.audioplayer import AudioItem, PlayBehavior, PlayDirective, Stream  # noqa: E402
from ask_sdk_model.interfaces.system import SystemState  # noqa: E402
from conftest import use_fake_aws
from gentle_steps.skill.dynamo import ENDPOINT_ENV, make_adapter  # noqa: E402


@pytest.fixture(autouse=True)
def fake_aws(monkeypatch, tmp_path):
    """Credentials and region for the local server only; no shared AWS config is read."""
    use_fake_aws(monkeypatch, tmp_path, "eu-west-1")


@pytest.fixture
def table(endpoint):
    """A fresh table shaped like the template's StateTable; its name."""
    name = f"state-{uuid.uuid4().hex[:8]}"
    client = boto3.client("dynamodb", endpoint_url=endpoint, region_name="eu-west-1")
    client.create_table(TableName=name, BillingMode="PAY_PER_REQUEST",
                        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}])
    return name


@pytest.fixture
def resource(endpoint):
    return boto3.session.Session().resource("dynamodb", endpoint_url=endpoint, region_name="eu-west-1")


def envelope(user_id: str = "amzn1.ask.account.A", device_id: str = "amzn1.ask.device.D") -> RequestEnvelope:
    return RequestEnvelope(context=Context(system=SystemState(user=User(user_id=user_id),
                                                               device=Device(device_id=device_id))))


def test_saved_attributes_load_back_with_int_offsets_not_decimals(table, resource):
    adapter = make_adapter(table, dynamodb_resource=resource)
    saved = {"token": "ep1|02-what-trust-repair|3f9a", "offset_ms": 91500, "index": 2, "volume": 0.75,
             "history": [1, 2, 3], "nested": {"count": 4, "ratio": 1.5}, "activity": "STOPPED", "flag": True}
    adapter.save_attributes(envelope(), saved)

    loaded = make_adapter(table, dynamodb_resource=resource).get_attributes(envelope())

    assert loaded == saved
    assert type(loaded["offset_ms"]) is int and type(loaded["index"]) is int
    assert type(loaded["volume"]) is float and type(loaded["nested"]["ratio"]) is float
    assert all(type(n) is int for n in loaded["history"])
    assert loaded["flag"] is True
    # What the server holds is a DynamoDB number: the conversion is ours, not the server's.
    raw = resource.Table(table).get_item(Key={"id": "amzn1.ask.account.A"})["Item"]
    assert raw["attributes"]["offset_ms"] == Decimal(91500)


def test_nothing_saved_loads_as_empty_dict(table, resource):
    assert make_adapter(table, dynamodb_resource=resource).get_attributes(envelope("amzn1.ask.account.new")) == {}


def test_resume_offset_goes_into_a_play_directive_as_an_int(table, endpoint, monkeypatch):
    # The production path: no resource passed, the endpoint comes from the environment (on Lambda: unset).
    monkeypatch.setenv(ENDPOINT_ENV, endpoint)
    stopped = make_adapter(table)
    stopped.save_attributes(envelope(), {"token": "ep1|01-intro|aa", "offset_ms": 123456})

    # A new adapter, as on the next cold start, reads the position back to resume.
    state = make_adapter(table).get_attributes(envelope())
    assert type(state["offset_ms"]) is int
    directive = PlayDirective(play_behavior=PlayBehavior.REPLACE_ALL, audio_item=AudioItem(stream=Stream(
        token=state["token"], url="https://example.org/a.mp3", offset_in_milliseconds=state["offset_ms"])))
    wire = json.dumps(DefaultSerializer().serialize(directive))

    assert json.loads(wire)["audioItem"]["stream"]["offsetInMilliseconds"] == 123456


def test_two_devices_updating_at_once_keep_their_own_positions(table, endpoint):
    # Two Lambda instances (own adapter, own boto3 session) saving positions for two devices of one account.
    devices = ["amzn1.ask.device.KITCHEN", "amzn1.ask.device.BEDROOM"]
    errors: list[BaseException] = []
    start = threading.Barrier(len(devices))

    def device_session(device_id: str, base: int) -> None:
        try:
            res = boto3.session.Session().resource("dynamodb", endpoint_url=endpoint, region_name="eu-west-1")
            adapter = make_adapter(table, dynamodb_resource=res, partition_keygen=device_id_partition_keygen)
            env = envelope("amzn1.ask.account.SHARED", device_id)
            start.wait()
            for step in range(15):
                adapter.save_attributes(env, {"token": f"{device_id}|{step}", "offset_ms": base + step * 1000})
                assert adapter.get_attributes(env)["token"].startswith(device_id)
        except BaseException as exc:  # reported in the main thread
            errors.append(exc)

    threads = [threading.Thread(target=device_session, args=(d, i * 10_000_000)) for i, d in enumerate(devices)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    assert not errors, errors
    res = boto3.session.Session().resource("dynamodb", endpoint_url=endpoint, region_name="eu-west-1")
    reader = make_adapter(table, dynamodb_resource=res, partition_keygen=device_id_partition_keygen)
    for i, device_id in enumerate(devices):
        state = reader.get_attributes(envelope("amzn1.ask.account.SHARED", device_id))
        assert state == {"token": f"{device_id}|14", "offset_ms": i * 10_000_000 + 14_000}


def test_skill_state_store_keeps_device_and_user_state_apart_on_dynamodb(table, resource):
    # The skill's own StateStore (device-keyed playback, user-keyed prompt rotation) on this adapter.
    from gentle_steps.skill import state as state_module
    store = state_module.StateStore(make_adapter(table, dynamodb_resource=resource))

    assert store.save_device("amzn1.ask.device.D1", {"token": "ep1|02|ab", "offset_ms": 4200})
    assert store.save_device("amzn1.ask.device.D2", {"token": "ep1|03|cd", "offset_ms": 900})
    assert store.save_user("amzn1.ask.account.U", {"last_prompt": "be-gentle"})

    assert store.device("amzn1.ask.device.D1") == {"token": "ep1|02|ab", "offset_ms": 4200}
    assert type(store.device("amzn1.ask.device.D1")["offset_ms"]) is int
    assert store.device("amzn1.ask.device.D2")["offset_ms"] == 900
    assert store.user("amzn1.ask.account.U") == {"last_prompt": "be-gentle"}
    # Raw Alexa ids never reach the table: keys are digests.
    keys = [item["id"] for item in resource.Table(table).scan()["Items"]]
    assert len(keys) == 3 and not any("amzn1" in k for k in keys)


def test_missing_table_is_a_persistence_exception(resource):
    adapter = make_adapter("no-such-table", dynamodb_resource=resource)
    with pytest.raises(PersistenceException):
        adapter.get_attributes(envelope())
    with pytest.raises(PersistenceException):
        adapter.save_attributes(envelope(), {"offset_ms": 1})


def test_values_dynamodb_cannot_hold_are_refused_as_persistence_errors(table, resource):
    adapter = make_adapter(table, dynamodb_resource=resource)
    with pytest.raises(PersistenceException):
        adapter.save_attributes(envelope(), {"offset_ms": float("nan")})
    assert adapter.get_attributes(envelope()) == {}


def test_empty_table_name_is_refused():
    with pytest.raises(ValueError, match="table"):
        make_adapter("")


def test_lambda_region_variable_is_honoured(endpoint, monkeypatch):
    # Lambda sets AWS_REGION; boto3 itself only reads AWS_DEFAULT_REGION.
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    monkeypatch.setenv("AWS_REGION", "ap-southeast-2")
    monkeypatch.setenv(ENDPOINT_ENV, endpoint)
    adapter = make_adapter("any-table")
    assert adapter.dynamodb.meta.client.meta.region_name == "ap-southeast-2"
