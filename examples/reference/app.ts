#!/usr/bin/env node
// The TypeScript reference app of the language apps (examples/python, examples/java, examples/go):
// the same stack, construct for construct, written in each language against the package built for it.
// scripts/languages.sh synthesizes all four and compares their templates (docs/languages.md).
import { App, Stack } from 'aws-cdk-lib';
import * as sns from 'aws-cdk-lib/aws-sns';
import { ServerlessGuardrails } from '../../lib';
import { addFanOutPipelineDemo } from '../fan-out-pipeline';
import { addPythonWorkerDemo } from '../python-worker';
import { addSagaStateMachineDemo } from '../saga-state-machine';
import { addScheduledJobDemo } from '../scheduled-job';
import { addSqsWorkerDemo } from '../sqs-worker';
import { addStreamWorkerDemo } from '../stream-worker';

const app = new App();
const env = { account: process.env.CDK_DEFAULT_ACCOUNT ?? '123456789012', region: process.env.CDK_DEFAULT_REGION ?? 'us-east-1' };
const stack = new Stack(app, 'LanguagesReference', { env, description: 'cdk-serverless-patterns: the stack every language app builds' });
const alarmTopic = new sns.Topic(stack, 'AlarmTopic', { enforceSSL: true });

const orderWorker = addSqsWorkerDemo(stack, alarmTopic);
addPythonWorkerDemo(stack, alarmTopic);
addFanOutPipelineDemo(stack, alarmTopic);
const orderSaga = addSagaStateMachineDemo(stack, alarmTopic);
addScheduledJobDemo(stack, alarmTopic, orderWorker, orderSaga);
addStreamWorkerDemo(stack, alarmTopic);

ServerlessGuardrails.of(app);
app.synth();
