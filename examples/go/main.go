// The reference stack (examples/reference/app.ts) in Go, against the module jsii-pacmak generated
// (go.mod replaces it with dist/go/cdkserverlesspatterns: `npm run build && npm run package:code` first).
// Run with `go run .` (CDK_OUTDIR set) or `cdk synth` here.
package main

import (
	"os"
	"path/filepath"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsdynamodb"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3assets"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsstepfunctions"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	sp "github.com/cdk-serverless-patterns/cdk-serverless-patterns-go/cdkserverlesspatterns"
)

// addOrderWorker: an order-fulfilment worker on the bundled handler, bounded concurrency, idempotent per order id.
func addOrderWorker(scope constructs.Construct, alarmTopic awssns.ITopic) sp.SqsWorker {
	return sp.NewSqsWorker(scope, jsii.String("OrderWorker"), &sp.SqsWorkerProps{
		Handler:             sp.HandlerCode_Bundled(jsii.String("sqs-worker/example")),
		BatchSize:           jsii.Number(10),
		MaxBatchingWindow:   awscdk.Duration_Seconds(jsii.Number(2)),
		MaxConcurrency:      jsii.Number(20),
		ReservedConcurrency: jsii.Number(25),
		Timeout:             awscdk.Duration_Seconds(jsii.Number(20)),
		Idempotency: &sp.SqsWorkerIdempotencyProps{
			Ttl:              awscdk.Duration_Hours(jsii.Number(6)),
			EventKeyJmesPath: jsii.String("powertools_json(body).orderId"),
		},
		AlarmTopic: alarmTopic,
		ExpectedLoad: &sp.ExpectedLoad{
			PerMonth:        jsii.Number(2_000_000),
			AverageDuration: awscdk.Duration_Millis(jsii.Number(120)),
			PayloadSize:     awscdk.Size_Kibibytes(jsii.Number(2)),
		},
	})
}

// addPythonWorker: the same worker with its handler in Python (examples/python/sqs_worker.py).
func addPythonWorker(scope constructs.Construct, alarmTopic awssns.ITopic) sp.SqsWorker {
	handlerDir, err := filepath.Abs(filepath.Join("..", "python"))
	if err != nil {
		panic(err)
	}
	worker := sp.NewSqsWorker(scope, jsii.String("PythonOrderWorker"), &sp.SqsWorkerProps{
		Handler: sp.HandlerCode_FromCode(
			awslambda.Code_FromAsset(jsii.String(handlerDir), &awss3assets.AssetOptions{
				Exclude: jsii.Strings("*", "!sqs_worker.py"),
			}),
			jsii.String("sqs_worker.handler")),
		Runtime:        awslambda.Runtime_PYTHON_3_14(),
		Idempotency:    &sp.SqsWorkerIdempotencyProps{Enabled: jsii.Bool(false)},
		BatchSize:      jsii.Number(10),
		MaxConcurrency: jsii.Number(5),
		Timeout:        awscdk.Duration_Seconds(jsii.Number(20)),
		AlarmTopic:     alarmTopic,
		ExpectedLoad: &sp.ExpectedLoad{
			PerMonth:        jsii.Number(500_000),
			AverageDuration: awscdk.Duration_Millis(jsii.Number(60)),
			PayloadSize:     awscdk.Size_Kibibytes(jsii.Number(2)),
		},
	})
	for _, rule := range []string{"AwsSolutions-L1", "Serverless-LambdaLatestVersion"} {
		awscdk.Validations_Of(worker.Function()).Acknowledge(&awscdk.Acknowledgment{
			Id: jsii.String(rule),
			Reason: jsii.String("python3.14 is the newest Python runtime the CloudFormation resource schema lists " +
				"(cfn-lint 1.51, E3030 on python3.15)"),
		})
	}
	return worker
}

// addUploadPipeline: every upload fanned out to virus scanning, text extraction (documents) and metadata indexing.
func addUploadPipeline(scope constructs.Construct, alarmTopic awssns.ITopic) sp.FanOutPipeline {
	handler := sp.HandlerCode_Bundled(jsii.String("fan-out-pipeline/example"))
	metadataFilter := sp.ConsumerFilter_SnsPayload(&map[string]awssns.FilterOrPolicy{
		"Records": awssns.FilterOrPolicy_Policy(&map[string]awssns.FilterOrPolicy{
			"eventName": awssns.FilterOrPolicy_Filter(awssns.SubscriptionFilter_StringFilter(&awssns.StringConditions{
				Denylist: jsii.Strings("ObjectCreated:Copy"),
			})),
			"s3": awssns.FilterOrPolicy_Policy(&map[string]awssns.FilterOrPolicy{
				"object": awssns.FilterOrPolicy_Policy(&map[string]awssns.FilterOrPolicy{
					"key": awssns.FilterOrPolicy_Filter(awssns.SubscriptionFilter_StringFilter(&awssns.StringConditions{
						MatchPrefixes: jsii.Strings("uploads/"),
					})),
					"size": awssns.FilterOrPolicy_Filter(awssns.SubscriptionFilter_NumericFilter(&awssns.NumericConditions{
						GreaterThan: jsii.Number(0),
					})),
				}),
			}),
		}),
	})
	return sp.NewFanOutPipeline(scope, jsii.String("UploadPipeline"), &sp.FanOutPipelineProps{
		Origin:     sp.FanOutOrigin_Bucket(nil),
		AlarmTopic: alarmTopic,
		ExpectedLoad: &sp.ExpectedLoad{
			PerMonth:        jsii.Number(500_000),
			AverageDuration: awscdk.Duration_Millis(jsii.Number(800)),
			PayloadSize:     awscdk.Size_Kibibytes(jsii.Number(2)),
		},
		Consumers: &[]*sp.FanOutConsumerOptions{
			{
				Name:    jsii.String("virus-scan"),
				Handler: handler,
				Worker: &sp.SqsWorkerOptions{
					MaxConcurrency: jsii.Number(10),
					Timeout:        awscdk.Duration_Seconds(jsii.Number(60)),
					MemorySize:     jsii.Number(1024),
				},
			},
			{
				Name:    jsii.String("text-extraction"),
				Handler: handler,
				Filter:  sp.ConsumerFilter_S3KeySuffixes(jsii.Strings(".pdf", ".docx", ".txt")),
				Worker: &sp.SqsWorkerOptions{
					MaxConcurrency: jsii.Number(5),
					Timeout:        awscdk.Duration_Minutes(jsii.Number(2)),
					MemorySize:     jsii.Number(2048),
					ExpectedLoad: &sp.ExpectedLoad{
						PerMonth:        jsii.Number(100_000),
						AverageDuration: awscdk.Duration_Seconds(jsii.Number(3)),
						PayloadSize:     awscdk.Size_Kibibytes(jsii.Number(2)),
					},
				},
			},
			{
				Name:    jsii.String("metadata-index"),
				Handler: handler,
				Filter:  metadataFilter,
				Worker: &sp.SqsWorkerOptions{
					BatchSize:         jsii.Number(50),
					MaxBatchingWindow: awscdk.Duration_Seconds(jsii.Number(5)),
					MaxConcurrency:    jsii.Number(2),
					ExpectedLoad: &sp.ExpectedLoad{
						PerMonth:             jsii.Number(450_000),
						AverageDuration:      awscdk.Duration_Millis(jsii.Number(40)),
						PayloadSize:          awscdk.Size_Kibibytes(jsii.Number(2)),
						RecordsPerInvocation: jsii.Number(20),
					},
				},
			},
		},
	})
}

// sagaStepFunction: a bundled saga step whose idempotency records live in the stack's table under its own key prefix.
func sagaStepFunction(scope constructs.Construct, name string) sp.ServerlessFunction {
	table := sp.IdempotencyTable_ForStack(scope)
	fn := sp.NewServerlessFunction(scope, jsii.String(name), &sp.ServerlessFunctionProps{
		Handler:    sp.HandlerCode_Bundled(jsii.String("saga-state-machine/" + name)),
		MemorySize: jsii.Number(256),
		Timeout:    awscdk.Duration_Seconds(jsii.Number(10)),
		Environment: &map[string]*string{
			"POWERTOOLS_SERVICE_NAME": jsii.String("order-saga-" + name),
			"IDEMPOTENCY_TABLE_NAME":  table.TableName(),
		},
	})
	keyPrefix := sp.IdempotencyTable_KeyPrefixFor(fn)
	fn.AddEnvironment(jsii.String("IDEMPOTENCY_KEY_PREFIX"), keyPrefix, nil)
	table.GrantRecordAccess(fn, keyPrefix)
	return fn
}

func orderEvent(state string) awsstepfunctions.TaskInput {
	return awsstepfunctions.TaskInput_FromObject(&map[string]interface{}{
		"orderId.$":  "$.input.orderId",
		"state":      state,
		"shipment.$": "$.results['create-shipment']",
	})
}

// addOrderSaga: reserve inventory, approval (a callback through a queue), charge, ship, notify (parallel).
func addOrderSaga(scope constructs.Construct, alarmTopic awssns.ITopic) sp.SagaStateMachine {
	steps := constructs.NewConstruct(scope, jsii.String("OrderSagaSteps"))
	approvals := sp.NewSqsWorker(steps, jsii.String("ApprovalWorker"), &sp.SqsWorkerProps{
		Handler: sp.HandlerCode_Bundled(jsii.String("saga-state-machine/approve-order")),
		Timeout: awscdk.Duration_Seconds(jsii.Number(10)),
		Environment: &map[string]*string{
			"POWERTOOLS_SERVICE_NAME": jsii.String("order-saga-approval"),
			"APPROVAL_LIMIT":          jsii.String("1000"),
		},
		Idempotency: &sp.SqsWorkerIdempotencyProps{EventKeyJmesPath: jsii.String("powertools_json(body).idempotencyKey")},
		AlarmTopic:  alarmTopic,
	})
	receipts := awssns.NewTopic(steps, jsii.String("Receipts"), &awssns.TopicProps{EnforceSSL: jsii.Bool(true)})
	// Go evaluates a composite literal's elements in order: the step functions are created in the
	// order the TypeScript app creates them.
	saga := sp.NewSagaStateMachine(scope, jsii.String("OrderSaga"), &sp.SagaStateMachineProps{
		Steps: &[]*sp.SagaStep{
			{
				Name:         jsii.String("reserve-inventory"),
				Action:       sagaStepFunction(steps, "reserve-inventory"),
				Compensation: sagaStepFunction(steps, "release-inventory"),
				Retry:        &sp.SagaRetry{RetryErrors: jsii.Strings("ServiceUnavailableError"), MaxAttempts: jsii.Number(4)},
			},
			{
				Name: jsii.String("approve-order"),
				ActionTask: sp.SagaTask_CallbackViaQueue(approvals.Queue(), &sp.SagaQueueCallbackOptions{
					Timeout:   awscdk.Duration_Hours(jsii.Number(1)),
					Heartbeat: awscdk.Duration_Minutes(jsii.Number(10)),
				}),
			},
			{
				Name:                  jsii.String("charge-payment"),
				Action:                sagaStepFunction(steps, "charge-payment"),
				Compensation:          sagaStepFunction(steps, "refund-payment"),
				CompensatesOwnFailure: jsii.Bool(true),
				Timeout:               awscdk.Duration_Seconds(jsii.Number(15)),
			},
			{Name: jsii.String("create-shipment"), Action: sagaStepFunction(steps, "create-shipment")},
			{
				Name: jsii.String("notify"),
				Parallel: &[]*sp.SagaStep{
					{
						Name: jsii.String("publish-order-placed"),
						ActionTask: sp.SagaTask_EventBridgePutEvents(&sp.SagaEventBridgePutEventsOptions{
							Source: jsii.String("orders"), DetailType: jsii.String("OrderPlaced"), Detail: orderEvent("placed"),
						}),
						CompensationTask: sp.SagaTask_EventBridgePutEvents(&sp.SagaEventBridgePutEventsOptions{
							Source: jsii.String("orders"), DetailType: jsii.String("OrderCancelled"), Detail: orderEvent("cancelled"),
						}),
					},
					{
						Name: jsii.String("send-receipt"),
						ActionTask: sp.SagaTask_SnsPublish(&sp.SagaSnsPublishOptions{
							Topic: receipts, Subject: jsii.String("Your order"), Message: orderEvent("placed"),
						}),
					},
				},
			},
		},
		Timeout:    awscdk.Duration_Hours(jsii.Number(2)),
		AlarmTopic: alarmTopic,
		ExpectedLoad: &sp.ExpectedLoad{
			PerMonth:        jsii.Number(200_000),
			AverageDuration: awscdk.Duration_Millis(jsii.Number(1500)),
			PayloadSize:     awscdk.Size_Kibibytes(jsii.Number(2)),
		},
	})
	saga.GrantTaskResponse(approvals.Function())
	return saga
}

// addScheduledJobs: a nightly report (Berlin time), a weekday restock order to the worker, a reconciliation saga run.
func addScheduledJobs(scope constructs.Construct, alarmTopic awssns.ITopic, worker sp.SqsWorker, saga sp.SagaStateMachine) {
	sp.NewScheduledJob(scope, jsii.String("NightlyReport"), &sp.ScheduledJobProps{
		Schedule: sp.JobSchedule_Cron(jsii.String("30 3 * * ? *")),
		TimeZone: awscdk.TimeZone_EUROPE_BERLIN(),
		Target: sp.ScheduledJobTarget_Handler(sp.HandlerCode_Bundled(jsii.String("scheduled-job/example")),
			&sp.ScheduledJobFunctionOptions{Timeout: awscdk.Duration_Minutes(jsii.Number(2)), MemorySize: jsii.Number(256)}),
		AllowOverlap: jsii.Bool(false),
		Payload:      &map[string]interface{}{"report": "daily-sales"},
		AlarmTopic:   alarmTopic,
		ExpectedLoad: &sp.ExpectedLoad{AverageDuration: awscdk.Duration_Seconds(jsii.Number(90))},
	})
	sp.NewScheduledJob(scope, jsii.String("RestockJob"), &sp.ScheduledJobProps{
		Schedule: sp.JobSchedule_Cron(jsii.String("0 6 ? * MON-FRI *")),
		TimeZone: awscdk.TimeZone_AMERICA_NEW_YORK(),
		Target:   sp.ScheduledJobTarget_SqsWorker(worker),
		Payload: &map[string]interface{}{
			"orderId": "restock-<aws.scheduler.scheduled-time>",
			"items":   []interface{}{map[string]interface{}{"sku": "PAPER-A4", "quantity": 10, "price": 4.5}},
		},
		FlexibleWindow: awscdk.Duration_Minutes(jsii.Number(10)),
		AlarmTopic:     alarmTopic,
		ExpectedLoad:   &sp.ExpectedLoad{},
	})
	sp.NewScheduledJob(scope, jsii.String("ReconcileJob"), &sp.ScheduledJobProps{
		Schedule: sp.JobSchedule_Rate(awscdk.Duration_Hours(jsii.Number(6))),
		Target:   sp.ScheduledJobTarget_Saga(saga),
		Payload: &map[string]interface{}{
			"orderId": "reconcile-<aws.scheduler.execution-id>",
			"items":   []interface{}{map[string]interface{}{"sku": "AUDIT", "quantity": 1, "price": 0}},
		},
		RetryPolicy:  &sp.ScheduledJobRetryPolicy{MaxAttempts: jsii.Number(5), MaxEventAge: awscdk.Duration_Minutes(jsii.Number(30))},
		AlarmTopic:   alarmTopic,
		ExpectedLoad: &sp.ExpectedLoad{},
	})
}

// addStreamWorkers: a DynamoDB stream projector (CQRS read model) and a Kinesis worker on a created on-demand stream.
func addStreamWorkers(scope constructs.Construct, alarmTopic awssns.ITopic) {
	pitr := &awsdynamodb.PointInTimeRecoverySpecification{PointInTimeRecoveryEnabled: jsii.Bool(true)}
	orders := awsdynamodb.NewTable(scope, jsii.String("OrdersTable"), &awsdynamodb.TableProps{
		PartitionKey:                     &awsdynamodb.Attribute{Name: jsii.String("orderId"), Type: awsdynamodb.AttributeType_STRING},
		BillingMode:                      awsdynamodb.BillingMode_PAY_PER_REQUEST,
		Stream:                           awsdynamodb.StreamViewType_NEW_AND_OLD_IMAGES,
		PointInTimeRecoverySpecification: pitr,
		RemovalPolicy:                    awscdk.RemovalPolicy_DESTROY,
	})
	readModel := awsdynamodb.NewTable(scope, jsii.String("OrdersReadModel"), &awsdynamodb.TableProps{
		PartitionKey:                     &awsdynamodb.Attribute{Name: jsii.String("pk"), Type: awsdynamodb.AttributeType_STRING},
		SortKey:                          &awsdynamodb.Attribute{Name: jsii.String("sk"), Type: awsdynamodb.AttributeType_STRING},
		BillingMode:                      awsdynamodb.BillingMode_PAY_PER_REQUEST,
		PointInTimeRecoverySpecification: pitr,
		RemovalPolicy:                    awscdk.RemovalPolicy_DESTROY,
	})
	environment := &map[string]*string{"READ_MODEL_TABLE_NAME": readModel.TableName()}
	projector := sp.NewStreamWorker(scope, jsii.String("OrdersProjector"), &sp.StreamWorkerProps{
		Handler:           sp.HandlerCode_Bundled(jsii.String("stream-worker/read-model")),
		Source:            sp.StreamSource_DynamoDb(orders),
		BatchSize:         jsii.Number(50),
		MaxBatchingWindow: awscdk.Duration_Seconds(jsii.Number(1)),
		Environment:       environment,
		AlarmTopic:        alarmTopic,
		ExpectedLoad: &sp.ExpectedLoad{
			PerMonth:             jsii.Number(1_000_000),
			AverageDuration:      awscdk.Duration_Millis(jsii.Number(30)),
			RecordsPerInvocation: jsii.Number(10),
		},
	})
	totals := sp.NewStreamWorker(scope, jsii.String("OrderEventsWorker"), &sp.StreamWorkerProps{
		Handler:               sp.HandlerCode_Bundled(jsii.String("stream-worker/example")),
		BatchSize:             jsii.Number(100),
		ParallelizationFactor: jsii.Number(2),
		MaxRecordAge:          awscdk.Duration_Hours(jsii.Number(6)),
		Environment:           environment,
		AlarmTopic:            alarmTopic,
		ExpectedLoad: &sp.ExpectedLoad{
			PerMonth:        jsii.Number(3_000_000),
			AverageDuration: awscdk.Duration_Millis(jsii.Number(15)),
			PayloadSize:     awscdk.Size_Kibibytes(jsii.Number(2)),
			FailureRate:     jsii.Number(0.0001),
		},
	})
	for _, worker := range []sp.StreamWorker{projector, totals} {
		readModel.Grant(worker.Function(), jsii.String("dynamodb:UpdateItem"), jsii.String("dynamodb:DeleteItem"))
	}
}

func envOr(name, fallback string) *string {
	if value := os.Getenv(name); value != "" {
		return jsii.String(value)
	}
	return jsii.String(fallback)
}

func main() {
	defer jsii.Close()
	app := awscdk.NewApp(nil)
	stack := awscdk.NewStack(app, jsii.String("LanguagesReference"), &awscdk.StackProps{
		Env: &awscdk.Environment{
			Account: envOr("CDK_DEFAULT_ACCOUNT", "123456789012"),
			Region:  envOr("CDK_DEFAULT_REGION", "us-east-1"),
		},
		Description: jsii.String("cdk-serverless-patterns: the stack every language app builds"),
	})
	alarmTopic := awssns.NewTopic(stack, jsii.String("AlarmTopic"), &awssns.TopicProps{EnforceSSL: jsii.Bool(true)})

	orderWorker := addOrderWorker(stack, alarmTopic)
	addPythonWorker(stack, alarmTopic)
	addUploadPipeline(stack, alarmTopic)
	orderSaga := addOrderSaga(stack, alarmTopic)
	addScheduledJobs(stack, alarmTopic, orderWorker, orderSaga)
	addStreamWorkers(stack, alarmTopic)

	sp.ServerlessGuardrails_Of(app, nil)
	app.Synth(nil)
}
