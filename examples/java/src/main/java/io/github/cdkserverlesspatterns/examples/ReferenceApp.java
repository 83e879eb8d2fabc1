package io.github.cdkserverlesspatterns.examples;

import io.github.cdkserverlesspatterns.ConsumerFilter;
import io.github.cdkserverlesspatterns.ExpectedLoad;
import io.github.cdkserverlesspatterns.FanOutConsumerOptions;
import io.github.cdkserverlesspatterns.FanOutOrigin;
import io.github.cdkserverlesspatterns.FanOutPipeline;
import io.github.cdkserverlesspatterns.HandlerCode;
import io.github.cdkserverlesspatterns.IdempotencyTable;
import io.github.cdkserverlesspatterns.JobSchedule;
import io.github.cdkserverlesspatterns.SagaQueueCallbackOptions;
import io.github.cdkserverlesspatterns.SagaEventBridgePutEventsOptions;
import io.github.cdkserverlesspatterns.SagaRetry;
import io.github.cdkserverlesspatterns.SagaSnsPublishOptions;
import io.github.cdkserverlesspatterns.SagaStateMachine;
import io.github.cdkserverlesspatterns.SagaStep;
import io.github.cdkserverlesspatterns.SagaTask;
import io.github.cdkserverlesspatterns.ScheduledJob;
import io.github.cdkserverlesspatterns.ScheduledJobFunctionOptions;
import io.github.cdkserverlesspatterns.ScheduledJobRetryPolicy;
import io.github.cdkserverlesspatterns.ScheduledJobTarget;
import io.github.cdkserverlesspatterns.ServerlessFunction;
import io.github.cdkserverlesspatterns.ServerlessGuardrails;
import io.github.cdkserverlesspatterns.SqsWorker;
import io.github.cdkserverlesspatterns.SqsWorkerIdempotencyProps;
import io.github.cdkserverlesspatterns.SqsWorkerOptions;
import io.github.cdkserverlesspatterns.StreamSource;
import io.github.cdkserverlesspatterns.StreamWorker;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awscdk.Acknowledgment;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Size;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.TimeZone;
import software.amazon.awscdk.Validations;
import software.amazon.awscdk.services.dynamodb.Attribute;
import software.amazon.awscdk.services.dynamodb.AttributeType;
import software.amazon.awscdk.services.dynamodb.BillingMode;
import software.amazon.awscdk.services.dynamodb.PointInTimeRecoverySpecification;
import software.amazon.awscdk.services.dynamodb.StreamViewType;
import software.amazon.awscdk.services.dynamodb.Table;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.Runtime;
import software.amazon.awscdk.services.s3.assets.AssetOptions;
import software.amazon.awscdk.services.sns.FilterOrPolicy;
import software.amazon.awscdk.services.sns.ITopic;
import software.amazon.awscdk.services.sns.NumericConditions;
import software.amazon.awscdk.services.sns.StringConditions;
import software.amazon.awscdk.services.sns.SubscriptionFilter;
import software.amazon.awscdk.services.sns.Topic;
import software.amazon.awscdk.services.stepfunctions.TaskInput;
import software.constructs.Construct;

/**
 * The reference stack (examples/reference/app.ts) in Java, against the jar jsii-pacmak built.
 * Run with {@code mvn -q compile exec:java} (CDK_OUTDIR set) or {@code cdk synth} here.
 */
public final class ReferenceApp {
    private ReferenceApp() {
    }

    /**
     * A map that keeps the order its keys are given in: a payload or task input is rendered as JSON text
     * in the template, so key order shows (Map.of has none).
     */
    static Map<String, Object> orderedMap(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    /** An order-fulfilment worker on the bundled handler: bounded concurrency, idempotent per order id. */
    static SqsWorker addOrderWorker(Construct scope, ITopic alarmTopic) {
        return SqsWorker.Builder.create(scope, "OrderWorker")
                .handler(HandlerCode.bundled("sqs-worker/example"))
                .batchSize(10)
                .maxBatchingWindow(Duration.seconds(2))
                .maxConcurrency(20)
                .reservedConcurrency(25)
                .timeout(Duration.seconds(20))
                .idempotency(SqsWorkerIdempotencyProps.builder()
                        .ttl(Duration.hours(6)).eventKeyJmesPath("powertools_json(body).orderId").build())
                .alarmTopic(alarmTopic)
                .expectedLoad(ExpectedLoad.builder()
                        .perMonth(2_000_000).averageDuration(Duration.millis(120)).payloadSize(Size.kibibytes(2)).build())
                .build();
    }

    /** The same worker with its handler in Python (examples/python/sqs_worker.py, standard library only). */
    static SqsWorker addPythonWorker(Construct scope, ITopic alarmTopic) {
        String handlerDir = Paths.get("..", "python").toAbsolutePath().normalize().toString();
        SqsWorker worker = SqsWorker.Builder.create(scope, "PythonOrderWorker")
                .handler(HandlerCode.fromCode(
                        Code.fromAsset(handlerDir, AssetOptions.builder().exclude(List.of("*", "!sqs_worker.py")).build()),
                        "sqs_worker.handler"))
                .runtime(Runtime.PYTHON_3_14)
                .idempotency(SqsWorkerIdempotencyProps.builder().enabled(false).build())
                .batchSize(10)
                .maxConcurrency(5)
                .timeout(Duration.seconds(20))
                .alarmTopic(alarmTopic)
                .expectedLoad(ExpectedLoad.builder()
                        .perMonth(500_000).averageDuration(Duration.millis(60)).payloadSize(Size.kibibytes(2)).build())
                .build();
        for (String rule : List.of("AwsSolutions-L1", "Serverless-LambdaLatestVersion")) {
            Validations.of(worker.getFunction()).acknowledge(Acknowledgment.builder()
                    .id(rule)
                    .reason("python3.14 is the newest Python runtime the CloudFormation resource schema lists "
                            + "(cfn-lint 1.51, E3030 on python3.15)")
                    .build());
        }
        return worker;
    }

    /** Every upload fanned out to virus scanning, text extraction (documents) and metadata indexing. */
    static FanOutPipeline addUploadPipeline(Construct scope, ITopic alarmTopic) {
        HandlerCode handler = HandlerCode.bundled("fan-out-pipeline/example");
        ConsumerFilter metadataFilter = ConsumerFilter.snsPayload(Map.of(
                "Records", FilterOrPolicy.policy(Map.of(
                        "eventName", FilterOrPolicy.filter(SubscriptionFilter.stringFilter(
                                StringConditions.builder().denylist(List.of("ObjectCreated:Copy")).build())),
                        "s3", FilterOrPolicy.policy(Map.of(
                                "object", FilterOrPolicy.policy(Map.of(
                                        "key", FilterOrPolicy.filter(SubscriptionFilter.stringFilter(
                                                StringConditions.builder().matchPrefixes(List.of("uploads/")).build())),
                                        "size", FilterOrPolicy.filter(SubscriptionFilter.numericFilter(
                                                NumericConditions.builder().greaterThan(0).build()))))))))));
        return FanOutPipeline.Builder.create(scope, "UploadPipeline")
                .origin(FanOutOrigin.bucket())
                .alarmTopic(alarmTopic)
                .expectedLoad(ExpectedLoad.builder()
                        .perMonth(500_000).averageDuration(Duration.millis(800)).payloadSize(Size.kibibytes(2)).build())
                .consumers(List.of(
                        FanOutConsumerOptions.builder()
                                .name("virus-scan").handler(handler)
                                .worker(SqsWorkerOptions.builder()
                                        .maxConcurrency(10).timeout(Duration.seconds(60)).memorySize(1024).build())
                                .build(),
                        FanOutConsumerOptions.builder()
                                .name("text-extraction").handler(handler)
                                .filter(ConsumerFilter.s3KeySuffixes(List.of(".pdf", ".docx", ".txt")))
                                .worker(SqsWorkerOptions.builder()
                                        .maxConcurrency(5).timeout(Duration.minutes(2)).memorySize(2048)
                                        .expectedLoad(ExpectedLoad.builder()
                                                .perMonth(100_000).averageDuration(Duration.seconds(3))
                                                .payloadSize(Size.kibibytes(2)).build())
                                        .build())
                                .build(),
                        FanOutConsumerOptions.builder()
                                .name("metadata-index").handler(handler)
                                .filter(metadataFilter)
                                .worker(SqsWorkerOptions.builder()
                                        .batchSize(50).maxBatchingWindow(Duration.seconds(5)).maxConcurrency(2)
                                        .expectedLoad(ExpectedLoad.builder()
                                                .perMonth(450_000).averageDuration(Duration.millis(40))
                                                .payloadSize(Size.kibibytes(2)).recordsPerInvocation(20).build())
                                        .build())
                                .build()))
                .build();
    }

    /** A bundled saga step whose idempotency records live in the stack's table under its own key prefix. */
    static ServerlessFunction sagaStepFunction(Construct scope, String name) {
        IdempotencyTable table = IdempotencyTable.forStack(scope);
        ServerlessFunction fn = ServerlessFunction.Builder.create(scope, name)
                .handler(HandlerCode.bundled("saga-state-machine/" + name))
                .memorySize(256)
                .timeout(Duration.seconds(10))
                .environment(Map.of(
                        "POWERTOOLS_SERVICE_NAME", "order-saga-" + name,
                        "IDEMPOTENCY_TABLE_NAME", table.getTableName()))
                .build();
        String keyPrefix = IdempotencyTable.keyPrefixFor(fn);
        fn.addEnvironment("IDEMPOTENCY_KEY_PREFIX", keyPrefix);
        table.grantRecordAccess(fn, keyPrefix);
        return fn;
    }

    static TaskInput orderEvent(String state) {
        return TaskInput.fromObject(orderedMap(
                "orderId.$", "$.input.orderId",
                "state", state,
                "shipment.$", "$.results['create-shipment']"));
    }

    /** Reserve inventory, approval (a callback through a queue), charge, ship, notify (parallel). */
    static SagaStateMachine addOrderSaga(Construct scope, ITopic alarmTopic) {
        Construct steps = new Construct(scope, "OrderSagaSteps");
        SqsWorker approvals = SqsWorker.Builder.create(steps, "ApprovalWorker")
                .handler(HandlerCode.bundled("saga-state-machine/approve-order"))
                .timeout(Duration.seconds(10))
                .environment(Map.of("POWERTOOLS_SERVICE_NAME", "order-saga-approval", "APPROVAL_LIMIT", "1000"))
                .idempotency(SqsWorkerIdempotencyProps.builder()
                        .eventKeyJmesPath("powertools_json(body).idempotencyKey").build())
                .alarmTopic(alarmTopic)
                .build();
        Topic receipts = Topic.Builder.create(steps, "Receipts").enforceSsl(true).build();
        // Java evaluates arguments in order, so the step functions are created in the order the TypeScript app creates them.
        SagaStep reserve = SagaStep.builder()
                .name("reserve-inventory")
                .action(sagaStepFunction(steps, "reserve-inventory"))
                .compensation(sagaStepFunction(steps, "release-inventory"))
                .retry(SagaRetry.builder().retryErrors(List.of("ServiceUnavailableError")).maxAttempts(4).build())
                .build();
        SagaStep approve = SagaStep.builder()
                .name("approve-order")
                .actionTask(SagaTask.callbackViaQueue(approvals.getQueue(), SagaQueueCallbackOptions.builder()
                        .timeout(Duration.hours(1)).heartbeat(Duration.minutes(10)).build()))
                .build();
        SagaStep charge = SagaStep.builder()
                .name("charge-payment")
                .action(sagaStepFunction(steps, "charge-payment"))
                .compensation(sagaStepFunction(steps, "refund-payment"))
                .compensatesOwnFailure(true)
                .timeout(Duration.seconds(15))
                .build();
        SagaStep ship = SagaStep.builder().name("create-shipment").action(sagaStepFunction(steps, "create-shipment")).build();
        SagaStep notify = SagaStep.builder()
                .name("notify")
                .parallel(List.of(
                        SagaStep.builder()
                                .name("publish-order-placed")
                                .actionTask(SagaTask.eventBridgePutEvents(SagaEventBridgePutEventsOptions.builder()
                                        .source("orders").detailType("OrderPlaced").detail(orderEvent("placed")).build()))
                                .compensationTask(SagaTask.eventBridgePutEvents(SagaEventBridgePutEventsOptions.builder()
                                        .source("orders").detailType("OrderCancelled").detail(orderEvent("cancelled")).build()))
                                .build(),
                        SagaStep.builder()
                                .name("send-receipt")
                                .actionTask(SagaTask.snsPublish(SagaSnsPublishOptions.builder()
                                        .topic(receipts).subject("Your order").message(orderEvent("placed")).build()))
                                .build()))
                .build();
        SagaStateMachine saga = SagaStateMachine.Builder.create(scope, "OrderSaga")
                .steps(List.of(reserve, approve, charge, ship, notify))
                .timeout(Duration.hours(2))
                .alarmTopic(alarmTopic)
                .expectedLoad(ExpectedLoad.builder()
                        .perMonth(200_000).averageDuration(Duration.millis(1500)).payloadSize(Size.kibibytes(2)).build())
                .build();
        saga.grantTaskResponse(approvals.getFunction());
        return saga;
    }

    /** A nightly report (Berlin time), a weekday restock order to the worker, a reconciliation saga run. */
    static void addScheduledJobs(Construct scope, ITopic alarmTopic, SqsWorker worker, SagaStateMachine saga) {
        ScheduledJob.Builder.create(scope, "NightlyReport")
                .schedule(JobSchedule.cron("30 3 * * ? *"))
                .timeZone(TimeZone.EUROPE_BERLIN)
                .target(ScheduledJobTarget.handler(HandlerCode.bundled("scheduled-job/example"),
                        ScheduledJobFunctionOptions.builder().timeout(Duration.minutes(2)).memorySize(256).build()))
                .allowOverlap(false)
                .payload(orderedMap("report", "daily-sales"))
                .alarmTopic(alarmTopic)
                .expectedLoad(ExpectedLoad.builder().averageDuration(Duration.seconds(90)).build())
                .build();
        ScheduledJob.Builder.create(scope, "RestockJob")
                .schedule(JobSchedule.cron("0 6 ? * MON-FRI *"))
                .timeZone(TimeZone.AMERICA_NEW_YORK)
                .target(ScheduledJobTarget.sqsWorker(worker))
                .payload(orderedMap(
                        "orderId", "restock-<aws.scheduler.scheduled-time>",
                        "items", List.of(orderedMap("sku", "PAPER-A4", "quantity", 10, "price", 4.5))))
                .flexibleWindow(Duration.minutes(10))
                .alarmTopic(alarmTopic)
                .expectedLoad(ExpectedLoad.builder().build())
                .build();
        ScheduledJob.Builder.create(scope, "ReconcileJob")
                .schedule(JobSchedule.rate(Duration.hours(6)))
                .target(ScheduledJobTarget.saga(saga))
                .payload(orderedMap(
                        "orderId", "reconcile-<aws.scheduler.execution-id>",
                        "items", List.of(orderedMap("sku", "AUDIT", "quantity", 1, "price", 0))))
                .retryPolicy(ScheduledJobRetryPolicy.builder().maxAttempts(5).maxEventAge(Duration.minutes(30)).build())
                .alarmTopic(alarmTopic)
                .expectedLoad(ExpectedLoad.builder().build())
                .build();
    }

    /** A DynamoDB stream projector (CQRS read model) and a Kinesis worker on a created on-demand stream. */
    static void addStreamWorkers(Construct scope, ITopic alarmTopic) {
        PointInTimeRecoverySpecification pitr = PointInTimeRecoverySpecification.builder()
                .pointInTimeRecoveryEnabled(true).build();
        Table orders = Table.Builder.create(scope, "OrdersTable")
                .partitionKey(Attribute.builder().name("orderId").type(AttributeType.STRING).build())
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .stream(StreamViewType.NEW_AND_OLD_IMAGES)
                .pointInTimeRecoverySpecification(pitr)
                .removalPolicy(RemovalPolicy.DESTROY)
                .build();
        Table readModel = Table.Builder.create(scope, "OrdersReadModel")
                .partitionKey(Attribute.builder().name("pk").type(AttributeType.STRING).build())
                .sortKey(Attribute.builder().name("sk").type(AttributeType.STRING).build())
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .pointInTimeRecoverySpecification(pitr)
                .removalPolicy(RemovalPolicy.DESTROY)
                .build();
        Map<String, String> environment = Map.of("READ_MODEL_TABLE_NAME", readModel.getTableName());
        StreamWorker projector = StreamWorker.Builder.create(scope, "OrdersProjector")
                .handler(HandlerCode.bundled("stream-worker/read-model"))
                .source(StreamSource.dynamoDb(orders))
                .batchSize(50)
                .maxBatchingWindow(Duration.seconds(1))
                .environment(environment)
                .alarmTopic(alarmTopic)
                .expectedLoad(ExpectedLoad.builder()
                        .perMonth(1_000_000).averageDuration(Duration.millis(30)).recordsPerInvocation(10).build())
                .build();
        StreamWorker totals = StreamWorker.Builder.create(scope, "OrderEventsWorker")
                .handler(HandlerCode.bundled("stream-worker/example"))
                .batchSize(100)
                .parallelizationFactor(2)
                .maxRecordAge(Duration.hours(6))
                .environment(environment)
                .alarmTopic(alarmTopic)
                .expectedLoad(ExpectedLoad.builder()
                        .perMonth(3_000_000).averageDuration(Duration.millis(15))
                        .payloadSize(Size.kibibytes(2)).failureRate(0.0001).build())
                .build();
        for (StreamWorker worker : List.of(projector, totals)) {
            readModel.grant(worker.getFunction(), "dynamodb:UpdateItem", "dynamodb:DeleteItem");
        }
    }

    public static void main(final String[] args) {
        App app = new App();
        Environment env = Environment.builder()
                .account(Optional.ofNullable(System.getenv("CDK_DEFAULT_ACCOUNT")).orElse("123456789012"))
                .region(Optional.ofNullable(System.getenv("CDK_DEFAULT_REGION")).orElse("us-east-1"))
                .build();
        Stack stack = new Stack(app, "LanguagesReference", StackProps.builder()
                .env(env).description("cdk-serverless-patterns: the stack every language app builds").build());
        Topic alarmTopic = Topic.Builder.create(stack, "AlarmTopic").enforceSsl(true).build();

        SqsWorker orderWorker = addOrderWorker(stack, alarmTopic);
        addPythonWorker(stack, alarmTopic);
        addUploadPipeline(stack, alarmTopic);
        SagaStateMachine orderSaga = addOrderSaga(stack, alarmTopic);
        addScheduledJobs(stack, alarmTopic, orderWorker, orderSaga);
        addStreamWorkers(stack, alarmTopic);

        ServerlessGuardrails.of(app);
        app.synth();
    }
}
