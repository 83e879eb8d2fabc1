#!/usr/bin/env python3
"""The reference stack (examples/reference/app.ts) written in Python, the way a CDK user in Python writes it.

aws-cdk-lib and constructs come from PyPI and cdk-serverless-patterns from the package index it is
published to (requirements.txt). `cdk synth` here, or `python3 app.py` with CDK_OUTDIR set.
scripts/languages.sh compares the template with the TypeScript reference's (docs/languages.md).
"""
import os

import aws_cdk as cdk
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sns as sns
from aws_cdk import aws_stepfunctions as sfn
from constructs import Construct

import cdk_serverless_patterns as sp

HERE = os.path.dirname(os.path.abspath(__file__))


def add_order_worker(scope: Construct, alarm_topic: sns.ITopic) -> sp.SqsWorker:
    """An order-fulfilment worker on the bundled handler: bounded concurrency, idempotent per order id."""
    return sp.SqsWorker(
        scope, "OrderWorker",
        handler=sp.HandlerCode.bundled("sqs-worker/example"),
        batch_size=10,
        max_batching_window=cdk.Duration.seconds(2),
        max_concurrency=20,
        reserved_concurrency=25,
        timeout=cdk.Duration.seconds(20),
        idempotency=sp.SqsWorkerIdempotencyProps(
            ttl=cdk.Duration.hours(6), event_key_jmes_path="powertools_json(body).orderId"),
        alarm_topic=alarm_topic,
        expected_load=sp.ExpectedLoad(
            per_month=2_000_000, average_duration=cdk.Duration.millis(120), payload_size=cdk.Size.kibibytes(2)),
    )


def add_python_worker(scope: Construct, alarm_topic: sns.ITopic) -> sp.SqsWorker:
    """The same worker with its handler in Python (sqs_worker.py beside this file, standard library only)."""
    worker = sp.SqsWorker(
        scope, "PythonOrderWorker",
        handler=sp.HandlerCode.from_code(
            lambda_.Code.from_asset(HERE, exclude=["*", "!sqs_worker.py"]), "sqs_worker.handler"),
        runtime=lambda_.Runtime.PYTHON_3_14,
        idempotency=sp.SqsWorkerIdempotencyProps(enabled=False),
        batch_size=10,
        max_concurrency=5,
        timeout=cdk.Duration.seconds(20),
        alarm_topic=alarm_topic,
        expected_load=sp.ExpectedLoad(
            per_month=500_000, average_duration=cdk.Duration.millis(60), payload_size=cdk.Size.kibibytes(2)),
    )
    for rule in ("AwsSolutions-L1", "Serverless-LambdaLatestVersion"):
        cdk.Validations.of(worker.function).acknowledge(cdk.Acknowledgment(
            id=rule,
            reason="python3.14 is the newest Python runtime the CloudFormation resource schema lists "
                   "(cfn-lint 1.51, E3030 on python3.15)"))
    return worker


def add_upload_pipeline(scope: Construct, alarm_topic: sns.ITopic) -> sp.FanOutPipeline:
    """Every upload fanned out to virus scanning, text extraction (documents) and metadata indexing."""
    handler = sp.HandlerCode.bundled("fan-out-pipeline/example")
    key_filter = sns.FilterOrPolicy.filter(sns.SubscriptionFilter.string_filter(match_prefixes=["uploads/"]))
    return sp.FanOutPipeline(
        scope, "UploadPipeline",
        origin=sp.FanOutOrigin.bucket(),
        alarm_topic=alarm_topic,
        expected_load=sp.ExpectedLoad(
            per_month=500_000, average_duration=cdk.Duration.millis(800), payload_size=cdk.Size.kibibytes(2)),
        consumers=[
            sp.FanOutConsumerOptions(
                name="virus-scan", handler=handler,
                worker=sp.SqsWorkerOptions(
                    max_concurrency=10, timeout=cdk.Duration.seconds(60), memory_size=1024)),
            sp.FanOutConsumerOptions(
                name="text-extraction", handler=handler,
                filter=sp.ConsumerFilter.s3_key_suffixes([".pdf", ".docx", ".txt"]),
                worker=sp.SqsWorkerOptions(
                    max_concurrency=5, timeout=cdk.Duration.minutes(2), memory_size=2048,
                    expected_load=sp.ExpectedLoad(
                        per_month=100_000, average_duration=cdk.Duration.seconds(3),
                        payload_size=cdk.Size.kibibytes(2)))),
            sp.FanOutConsumerOptions(
                name="metadata-index", handler=handler,
                filter=sp.ConsumerFilter.sns_payload({
                    "Records": sns.FilterOrPolicy.policy({
                        "eventName": sns.FilterOrPolicy.filter(
                            sns.SubscriptionFilter.string_filter(denylist=["ObjectCreated:Copy"])),
                        "s3": sns.FilterOrPolicy.policy({
                            "object": sns.FilterOrPolicy.policy({
                                "key": key_filter,
                                "size": sns.FilterOrPolicy.filter(
                                    sns.SubscriptionFilter.numeric_filter(greater_than=0)),
                            }),
                        }),
                    }),
                }),
                worker=sp.SqsWorkerOptions(
                    batch_size=50, max_batching_window=cdk.Duration.seconds(5), max_concurrency=2,
                    expected_load=sp.ExpectedLoad(
                        per_month=450_000, average_duration=cdk.Duration.millis(40),
                        payload_size=cdk.Size.kibibytes(2), records_per_invocation=20))),
        ],
    )


def saga_step_function(scope: Construct, name: str) -> sp.ServerlessFunction:
    """A bundled saga step whose idempotency records live in the stack's table under its own key prefix."""
    table = sp.IdempotencyTable.for_stack(scope)
    fn = sp.ServerlessFunction(
        scope, name,
        handler=sp.HandlerCode.bundled(f"saga-state-machine/{name}"),
        memory_size=256,
        timeout=cdk.Duration.seconds(10),
        environment={"POWERTOOLS_SERVICE_NAME": f"order-saga-{name}", "IDEMPOTENCY_TABLE_NAME": table.table_name},
    )
    key_prefix = sp.IdempotencyTable.key_prefix_for(fn)
    fn.add_environment("IDEMPOTENCY_KEY_PREFIX", key_prefix)
    table.grant_record_access(fn, key_prefix)
    return fn


def order_event(state: str) -> sfn.TaskInput:
    return sfn.TaskInput.from_object({
        "orderId.$": "$.input.orderId",
        "state": state,
        "shipment.$": "$.results['create-shipment']",
    })


def add_order_saga(scope: Construct, alarm_topic: sns.ITopic) -> sp.SagaStateMachine:
    """Reserve inventory -> approval (a callback through a queue) -> charge -> ship -> notify (parallel)."""
    steps = Construct(scope, "OrderSagaSteps")
    approvals = sp.SqsWorker(
        steps, "ApprovalWorker",
        handler=sp.HandlerCode.bundled("saga-state-machine/approve-order"),
        timeout=cdk.Duration.seconds(10),
        environment={"POWERTOOLS_SERVICE_NAME": "order-saga-approval", "APPROVAL_LIMIT": "1000"},
        idempotency=sp.SqsWorkerIdempotencyProps(event_key_jmes_path="powertools_json(body).idempotencyKey"),
        alarm_topic=alarm_topic,
    )
    receipts = sns.Topic(steps, "Receipts", enforce_ssl=True)
    saga = sp.SagaStateMachine(
        scope, "OrderSaga",
        steps=[
            sp.SagaStep(
                name="reserve-inventory",
                action=saga_step_function(steps, "reserve-inventory"),
                compensation=saga_step_function(steps, "release-inventory"),
                retry=sp.SagaRetry(retry_errors=["ServiceUnavailableError"], max_attempts=4)),
            sp.SagaStep(
                name="approve-order",
                action_task=sp.SagaTask.callback_via_queue(
                    approvals.queue, timeout=cdk.Duration.hours(1), heartbeat=cdk.Duration.minutes(10))),
            sp.SagaStep(
                name="charge-payment",
                action=saga_step_function(steps, "charge-payment"),
                compensation=saga_step_function(steps, "refund-payment"),
                compensates_own_failure=True,
                timeout=cdk.Duration.seconds(15)),
            sp.SagaStep(name="create-shipment", action=saga_step_function(steps, "create-shipment")),
            sp.SagaStep(
                name="notify",
                parallel=[
                    sp.SagaStep(
                        name="publish-order-placed",
                        action_task=sp.SagaTask.event_bridge_put_events(
                            source="orders", detail_type="OrderPlaced", detail=order_event("placed")),
                        compensation_task=sp.SagaTask.event_bridge_put_events(
                            source="orders", detail_type="OrderCancelled", detail=order_event("cancelled"))),
                    sp.SagaStep(
                        name="send-receipt",
                        action_task=sp.SagaTask.sns_publish(
                            topic=receipts, subject="Your order", message=order_event("placed"))),
                ]),
        ],
        timeout=cdk.Duration.hours(2),
        alarm_topic=alarm_topic,
        expected_load=sp.ExpectedLoad(
            per_month=200_000, average_duration=cdk.Duration.millis(1500), payload_size=cdk.Size.kibibytes(2)),
    )
    saga.grant_task_response(approvals.function)
    return saga


def add_scheduled_jobs(scope: Construct, alarm_topic: sns.ITopic, worker: sp.SqsWorker,
                       saga: sp.SagaStateMachine) -> None:
    """A nightly report (Berlin time), a weekday restock order to the worker, a reconciliation saga run."""
    sp.ScheduledJob(
        scope, "NightlyReport",
        schedule=sp.JobSchedule.cron("30 3 * * ? *"),
        time_zone=cdk.TimeZone.EUROPE_BERLIN,
        target=sp.ScheduledJobTarget.handler(
            sp.HandlerCode.bundled("scheduled-job/example"), timeout=cdk.Duration.minutes(2), memory_size=256),
        allow_overlap=False,
        payload={"report": "daily-sales"},
        alarm_topic=alarm_topic,
        expected_load=sp.ExpectedLoad(average_duration=cdk.Duration.seconds(90)),
    )
    sp.ScheduledJob(
        scope, "RestockJob",
        schedule=sp.JobSchedule.cron("0 6 ? * MON-FRI *"),
        time_zone=cdk.TimeZone.AMERICA_NEW_YORK,
        target=sp.ScheduledJobTarget.sqs_worker(worker),
        payload={"orderId": "restock-<aws.scheduler.scheduled-time>",
                 "items": [{"sku": "PAPER-A4", "quantity": 10, "price": 4.5}]},
        flexible_window=cdk.Duration.minutes(10),
        alarm_topic=alarm_topic,
        expected_load=sp.ExpectedLoad(),
    )
    sp.ScheduledJob(
        scope, "ReconcileJob",
        schedule=sp.JobSchedule.rate(cdk.Duration.hours(6)),
        target=sp.ScheduledJobTarget.saga(saga),
        payload={"orderId": "reconcile-<aws.scheduler.execution-id>",
                 "items": [{"sku": "AUDIT", "quantity": 1, "price": 0}]},
        retry_policy=sp.ScheduledJobRetryPolicy(max_attempts=5, max_event_age=cdk.Duration.minutes(30)),
        alarm_topic=alarm_topic,
        expected_load=sp.ExpectedLoad(),
    )


def add_stream_workers(scope: Construct, alarm_topic: sns.ITopic) -> None:
    """A DynamoDB stream projector (CQRS read model) and a Kinesis worker on a created on-demand stream."""
    orders = dynamodb.Table(
        scope, "OrdersTable",
        partition_key=dynamodb.Attribute(name="orderId", type=dynamodb.AttributeType.STRING),
        billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
        stream=dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
        point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
            point_in_time_recovery_enabled=True),
        removal_policy=cdk.RemovalPolicy.DESTROY,
    )
    read_model = dynamodb.Table(
        scope, "OrdersReadModel",
        partition_key=dynamodb.Attribute(name="pk", type=dynamodb.AttributeType.STRING),
        sort_key=dynamodb.Attribute(name="sk", type=dynamodb.AttributeType.STRING),
        billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
        point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
            point_in_time_recovery_enabled=True),
        removal_policy=cdk.RemovalPolicy.DESTROY,
    )
    environment = {"READ_MODEL_TABLE_NAME": read_model.table_name}
    projector = sp.StreamWorker(
        scope, "OrdersProjector",
        handler=sp.HandlerCode.bundled("stream-worker/read-model"),
        source=sp.StreamSource.dynamo_db(orders),
        batch_size=50,
        max_batching_window=cdk.Duration.seconds(1),
        environment=environment,
        alarm_topic=alarm_topic,
        expected_load=sp.ExpectedLoad(
            per_month=1_000_000, average_duration=cdk.Duration.millis(30), records_per_invocation=10),
    )
    totals = sp.StreamWorker(
        scope, "OrderEventsWorker",
        handler=sp.HandlerCode.bundled("stream-worker/example"),
        batch_size=100,
        parallelization_factor=2,
        max_record_age=cdk.Duration.hours(6),
        environment=environment,
        alarm_topic=alarm_topic,
        expected_load=sp.ExpectedLoad(
            per_month=3_000_000, average_duration=cdk.Duration.millis(15),
            payload_size=cdk.Size.kibibytes(2), failure_rate=0.0001),
    )
    for worker in (projector, totals):
        read_model.grant(worker.function, "dynamodb:UpdateItem", "dynamodb:DeleteItem")


app = cdk.App()
env = cdk.Environment(account=os.environ.get("CDK_DEFAULT_ACCOUNT", "123456789012"),
                      region=os.environ.get("CDK_DEFAULT_REGION", "us-east-1"))
stack = cdk.Stack(app, "LanguagesReference", env=env,
                  description="cdk-serverless-patterns: the stack every language app builds")
alarm_topic = sns.Topic(stack, "AlarmTopic", enforce_ssl=True)

order_worker = add_order_worker(stack, alarm_topic)
add_python_worker(stack, alarm_topic)
add_upload_pipeline(stack, alarm_topic)
order_saga = add_order_saga(stack, alarm_topic)
add_scheduled_jobs(stack, alarm_topic, order_worker, order_saga)
add_stream_workers(stack, alarm_topic)

sp.ServerlessGuardrails.of(app)
app.synth()
