"""Listener state on Amazon DynamoDB, for the skill when it runs on AWS Lambda.

Selected by configuration: the Lambda handler calls :func:`make_adapter` only when ``GENTLE_STEPS_TABLE`` is
set, and this module imports boto3 only inside that call, so the SQLite default never loads the AWS SDK.

The adapter is ask-sdk's own ``DynamoDbAdapter`` (partition key ``id``, one item per key, the attributes
dict under ``attributes``), with the number types fixed in both directions: DynamoDB hands every number back
as ``decimal.Decimal`` (an offset of 91500 would come back as ``Decimal('91500')``, which the skill cannot
put into an AudioPlayer directive), and boto3 refuses Python floats on the way in.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_core.exceptions import PersistenceException

ENDPOINT_ENV = "GENTLE_STEPS_DYNAMODB_ENDPOINT"
"""Environment variable naming a DynamoDB-compatible endpoint (a local server in tests); unset on Lambda."""

LOCAL_REGION = "us-east-1"
"""Region assumed for a local endpoint when none is configured (local servers accept any)."""

PARTITION_KEY = "id"
"""Partition key attribute of the table (a string), as declared in ``deploy/template.yaml``."""


def from_dynamo(value: Any) -> Any:
    """``value`` with every ``Decimal`` made an ``int`` when integral, else a ``float``, recursively.

    Sets (DynamoDB number sets) become sorted lists, so the result is plain JSON data.
    """
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: from_dynamo(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [from_dynamo(v) for v in value]
    if isinstance(value, set | frozenset):
        return sorted(from_dynamo(v) for v in value)
    return value


def to_dynamo(value: Any) -> Any:
    """``value`` with every ``float`` made a ``Decimal`` (boto3 refuses floats), recursively.

    NaN and infinities have no DynamoDB form and raise ``ValueError``.
    """
    if isinstance(value, bool):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"cannot store {value!r} in DynamoDB")
        # str() first: Decimal(0.1) would keep the binary expansion's 55 digits.
        return Decimal(str(value))
    if isinstance(value, dict):
        return {k: to_dynamo(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_dynamo(v) for v in value]
    return value


def _resource(endpoint: str | None) -> Any:
    """A DynamoDB service resource on its own boto3 session (sessions are not shared between threads)."""
    import boto3
    from botocore.config import Config

    session = boto3.session.Session()
    # boto3 reads AWS_DEFAULT_REGION (and config files); Lambda also sets AWS_REGION.
    region = session.region_name or os.environ.get("AWS_REGION") or (LOCAL_REGION if endpoint else None)
    if region is None:
        raise ValueError("no AWS region configured for DynamoDB: set AWS_REGION")
    # Alexa waits 8 s and the function times out at 7: two tries of at most 3 s each, then the skill answers
    # without saved state (skill.state.StateStore logs and carries on).
    config = Config(connect_timeout=1, read_timeout=2, retries={"max_attempts": 2, "mode": "standard"})
    return session.resource("dynamodb", region_name=region, endpoint_url=endpoint or None, config=config)


_ADAPTER_CLASS: type | None = None


def _adapter_class(region: str) -> type:
    """ask-sdk's ``DynamoDbAdapter`` subclassed to return ints and floats instead of Decimals (built once).

    Its module needs a region at import time: the constructor's default argument is
    ``boto3.resource("dynamodb")``, evaluated on import, which raises ``NoRegionError`` without a region in
    the environment even though we always pass our own resource.
    """
    global _ADAPTER_CLASS
    if _ADAPTER_CLASS is not None:
        return _ADAPTER_CLASS
    import boto3

    if boto3.session.Session().region_name:
        from ask_sdk_dynamodb.adapter import DynamoDbAdapter
    else:
        os.environ["AWS_DEFAULT_REGION"] = region
        try:
            from ask_sdk_dynamodb.adapter import DynamoDbAdapter
        finally:
            del os.environ["AWS_DEFAULT_REGION"]

    class IntegralDynamoDbAdapter(DynamoDbAdapter):
        """ask-sdk's DynamoDbAdapter returning ints and floats instead of Decimals, and accepting floats."""

        def get_attributes(self, request_envelope: Any) -> dict[str, Any]:
            """The attributes stored for the envelope's key, ``{}`` when none, with plain numbers."""
            return from_dynamo(super().get_attributes(request_envelope))

        def save_attributes(self, request_envelope: Any, attributes: dict[str, Any]) -> None:
            """Store ``attributes`` (replacing the item) under the envelope's key."""
            try:
                item = to_dynamo(attributes)
            except ValueError as exc:
                raise PersistenceException(f"Failed to save attributes to DynamoDb table: {exc}") from exc
            super().save_attributes(request_envelope, item)

    _ADAPTER_CLASS = IntegralDynamoDbAdapter
    return _ADAPTER_CLASS


def make_adapter(
    table_name: str,
    *,
    dynamodb_resource: Any = None,
    partition_keygen: Callable[[Any], str] | None = None,
) -> AbstractPersistenceAdapter:
    """A persistence adapter storing attributes in the DynamoDB table ``table_name``.

    ``dynamodb_resource`` is a boto3 DynamoDB resource; by default one is made for the Lambda's region, or
    for the endpoint in ``GENTLE_STEPS_DYNAMODB_ENDPOINT`` when set. ``partition_keygen`` maps a request
    envelope to the item's key (default: the user id, as ask-sdk does). The table must already exist (the
    SAM template creates it): the adapter never creates tables.
    """
    if not table_name:
        raise ValueError("no DynamoDB table name given")
    if dynamodb_resource is None:
        dynamodb_resource = _resource(os.environ.get(ENDPOINT_ENV))
    adapter_class = _adapter_class(dynamodb_resource.meta.client.meta.region_name)
    from ask_sdk_dynamodb.partition_keygen import user_id_partition_keygen

    return adapter_class(
        table_name,
        partition_key_name=PARTITION_KEY,
        create_table=False,
        partition_keygen=partition_keygen or user_id_partition_keygen,
        dynamodb_resource=dynamodb_resource,
    )
