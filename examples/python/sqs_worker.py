"""An SqsWorker handler in Python, standard library only.

It keeps the contract the README's "Handlers in any runtime" section lists for SqsWorker:

- Each record is processed on its own. A body that is not JSON, or a record function that
  raises anything at all, fails that record only; the handler returns it in
  ``{"batchItemFailures": [{"itemIdentifier": <messageId>}]}`` (the event source mapping has
  ``ReportBatchItemFailures`` on), in delivery order, so SQS retries only it and, after
  ``maxReceiveCount``, moves it to the dead-letter queue.
- FIFO (``SQS_WORKER_FIFO=true``): records run in delivery order; a failed record and every
  later record of the SAME message group are handed back unprocessed; other groups keep flowing
  (the Node.js runtime's default ``fifoFailureScope: 'group'``).
- A batch in which every record fails raises ``FullBatchFailureError``: the invocation fails,
  the function's Errors alarm sees it, and SQS retries the batch.

No idempotency: this example does not read ``IDEMPOTENCY_TABLE_NAME``. Wire it with
``idempotency: { enabled: false }``, or add Powertools for Python's idempotency with the
construct's table (the same layout: ``id``, ``expiration``, ``status``, ``data``,
``in_progress_expiration``)::

    from aws_lambda_powertools.utilities.idempotency import (
        DynamoDBPersistenceLayer, IdempotencyConfig, idempotent_function)

    persistence = DynamoDBPersistenceLayer(table_name=os.environ["IDEMPOTENCY_TABLE_NAME"])
    config = IdempotencyConfig(
        event_key_jmespath=os.environ.get("IDEMPOTENCY_KEY_PATH", "messageId"),
        expires_after_seconds=int(os.environ.get("IDEMPOTENCY_TTL_SECONDS", "3600")),
        raise_on_no_idempotency_key=True)

    # The worker's records live in the stack's shared table under its own prefix, and its role may
    # touch only those keys: pass the prefix (Powertools for Python >= 3.5 takes key_prefix).
    @idempotent_function(data_keyword_argument="record", persistence_store=persistence, config=config,
                         key_prefix=os.environ.get("IDEMPOTENCY_KEY_PREFIX"))
    def process_record(record): ...

and call ``config.register_lambda_context(context)`` in the handler.

Run it locally: ``python3 sqs_worker.py < event.json`` prints ``{"response": ...}`` or
``{"error": {"name": ..., "message": ...}}``.
"""
import json
import math
import os
import sys
import traceback


class InvalidOrderError(Exception):
    """An order that fails validation (the same rules as lambda/sqs-worker/order.ts)."""


class MalformedMessageError(Exception):
    """A body that is not valid JSON."""


class FullBatchFailureError(Exception):
    """Every record of the batch failed: the invocation fails and SQS retries the batch."""


def _reject_constant(name):
    # Python's json accepts NaN and Infinity; JSON (and JSON.parse) does not.
    raise ValueError(f"{name} is not valid JSON")


def parse_body(record):
    try:
        return json.loads(record["body"], parse_constant=_reject_constant)
    except (ValueError, TypeError) as err:
        raise MalformedMessageError(f"message {record['messageId']} has a body that is not valid JSON: {err}") from err


def _is_number(value):
    # bool is an int in Python, not a number in JSON terms.
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _round_cents(value):
    # JavaScript's Math.round(x * 100) / 100: halves round up; an infinite total stays infinite.
    try:
        value = float(value)
    except OverflowError:  # an integer beyond a double: JSON.parse reads it as Infinity
        value = math.inf
    if not math.isfinite(value):
        return value
    return math.floor(value * 100 + 0.5) / 100


def process_order(body):
    """Validates an order and returns its total (lambda/sqs-worker/order.ts, in Python)."""
    if not isinstance(body, (dict, list)):
        raise InvalidOrderError("order must be a JSON object")
    order = body if isinstance(body, dict) else {}
    order_id = order.get("orderId")
    if not isinstance(order_id, str) or len(order_id) == 0:
        raise InvalidOrderError("orderId must be a non-empty string")
    items = order.get("items")
    if not isinstance(items, list) or len(items) == 0:
        raise InvalidOrderError(f"order {order_id} has no items")
    total = 0
    for item in items:
        item = item if isinstance(item, dict) else {}
        price, quantity = item.get("price"), item.get("quantity")
        if not _is_number(price) or not _is_number(quantity) or price < 0 or quantity <= 0:
            raise InvalidOrderError(f"order {order_id} has an item without a valid price and quantity")
        total += price * quantity
    return {"orderId": order_id, "total": _round_cents(total)}


def _log(level, message, **fields):
    print(json.dumps({"level": level, "message": message, **fields}, default=str), file=sys.stderr)


def process_batch(event, record_function, fifo):
    """Runs ``record_function(body, record)`` per record; returns the partial batch response."""
    records = event.get("Records") or []
    failed = []
    errors = []
    failed_groups = set()
    for record in records:
        group = record.get("attributes", {}).get("MessageGroupId") if fifo else None
        if fifo and group in failed_groups:
            # Later records of a failed group are handed back unprocessed, keeping the group's order.
            failed.append(record["messageId"])
            continue
        try:
            record_function(parse_body(record), record)
        except Exception as err:  # any exception fails only its record
            errors.append(err)
            failed.append(record["messageId"])
            if fifo:
                failed_groups.add(group)
            _log("ERROR", "record failed", messageId=record["messageId"], error=repr(err))
    if records and len(failed) == len(records) and errors:
        raise FullBatchFailureError("All records failed processing. See individual errors below.")
    if failed:
        _log("WARN", "batch finished with failures", records=len(records), failed=len(failed))
    return {"batchItemFailures": [{"itemIdentifier": message_id} for message_id in failed]}


def handler(event, context):
    """The Lambda entry point: ``HandlerCode.fromCode(lambda.Code.fromAsset('examples/python'), 'sqs_worker.handler')``."""
    fifo = os.environ.get("SQS_WORKER_FIFO") == "true"
    return process_batch(event, lambda body, record: process_order(body), fifo)


if __name__ == "__main__":
    try:
        result = {"response": handler(json.load(sys.stdin), None)}
    except Exception as err:
        traceback.print_exc(file=sys.stderr)
        result = {"error": {"name": type(err).__name__, "message": str(err)}}
    print(json.dumps(result))
