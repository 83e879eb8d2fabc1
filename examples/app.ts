#!/usr/bin/env node
// Demo app synthesized by `npx cdk synth` (see cdk.json): every construct of the library,
// configured as a team would run it. Synthesizes without AWS credentials.
import { App, Stack } from 'aws-cdk-lib';
import * as sns from 'aws-cdk-lib/aws-sns';
import { ConcurrencyBudget, ServerlessCostReport, ServerlessGuardrails } from '../lib';
import { addSagaStateMachineDemo } from './saga-state-machine';
import { addProvisionedApiDemo } from './provisioned-api';
import { addSqsWorkerDemo } from './sqs-worker';
import { addFanOutPipelineDemo } from './fan-out-pipeline';
import { addAsyncFunctionDemo } from './async-function';
import { addStreamWorkerDemo } from './stream-worker';
import { addScheduledJobDemo } from './scheduled-job';
import { addServerlessDashboardDemo } from './serverless-dashboard';
import { addPythonWorkerDemo } from './python-worker';
import { addDurableFunctionDemo } from './durable-function';

const app = new App();
const env = { account: process.env.CDK_DEFAULT_ACCOUNT ?? '123456789012', region: process.env.CDK_DEFAULT_REGION ?? 'us-east-1' };
const stack = new Stack(app, 'ServerlessPatternsDemo', { env, description: 'cdk-serverless-patterns demo app' });
const alarmTopic = new sns.Topic(stack, 'AlarmTopic', { enforceSSL: true });

const orderWorker = addSqsWorkerDemo(stack, alarmTopic);
addFanOutPipelineDemo(stack, alarmTopic);
addAsyncFunctionDemo(stack, alarmTopic);
const orderSaga = addSagaStateMachineDemo(stack, alarmTopic);
// The same order saga as a Lambda durable function, beside the Step Functions one (docs/durable-functions.md compares them).
addDurableFunctionDemo(stack, alarmTopic);
addProvisionedApiDemo(stack, alarmTopic);
addStreamWorkerDemo(stack, alarmTopic);
addScheduledJobDemo(stack, alarmTopic, orderWorker, orderSaga);
addPythonWorkerDemo(stack, alarmTopic);
// One on-call dashboard for every construct above.
addServerlessDashboardDemo(stack, alarmTopic);

// App-wide review at synth: every Lambda/SQS/Step Functions resource, the reserved-concurrency budget,
// and the monthly cost of every construct's expectedLoad (a table, and cdk.out/serverless-cost.json).
ServerlessGuardrails.of(app);
ConcurrencyBudget.of(app);
ServerlessCostReport.of(app);

app.synth();
