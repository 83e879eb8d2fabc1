import { Stack } from 'aws-cdk-lib';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Finding } from './checks';
import { concreteNumber, Json, ModelResource, StackModel } from './stack-model';
import { describeViolation, RuleViolation } from '../rules/rule';
import {
  DEFAULT_STREAM_RETENTION_SECONDS, STREAM_MAPPING_RULES, STREAM_UNBOUNDED, StreamMappingFacts, streamConcurrencyRule,
} from '../rules/stream';

const STREAM_TYPES = ['AWS::Kinesis::Stream', 'AWS::Kinesis::StreamConsumer', 'AWS::DynamoDB::Table', 'AWS::DynamoDB::GlobalTable'];

/**
 * The stream rules of lib/rules/stream.ts over every Kinesis and DynamoDB Streams event source
 * mapping of the app, whoever created it (StreamWorker, `KinesisEventSource`, `DynamoEventSource`,
 * a raw `CfnEventSourceMapping`): the same functions StreamWorker enforces on its props.
 */
export function checkStreamMapping(model: StackModel, subject: ModelResource): Finding[] {
  if (!(subject.resource instanceof lambda.CfnEventSourceMapping)) return [];
  const esm = subject.resource;
  const resolve = (v: unknown): Json => Stack.of(esm).resolve(v);
  const arn = resolve(esm.eventSourceArn);
  const source = streamSourceOf(model, arn);
  if (!source) return [];

  const destination = resolve(esm.destinationConfig) as { onFailure?: { destination?: unknown } } | undefined;
  const types = resolve(esm.functionResponseTypes) as unknown;
  const facts: StreamMappingFacts = {
    bisectBatchOnFunctionError: resolvedFlag(resolve(esm.bisectBatchOnFunctionError)),
    // An absent value is Lambda's default: -1, unbounded.
    maximumRetryAttempts: absentAsUnbounded(resolve(esm.maximumRetryAttempts)),
    maximumRecordAgeSeconds: absentAsUnbounded(resolve(esm.maximumRecordAgeInSeconds)),
    streamRetentionSeconds: source.retentionSeconds,
    hasOnFailureDestination: destination?.onFailure?.destination !== undefined,
    reportBatchItemFailures: Array.isArray(types) ? types.includes('ReportBatchItemFailures') : types === undefined ? false : undefined,
  };
  const violations: RuleViolation[] = STREAM_MAPPING_RULES.map((rule) => rule.check(facts))
    .filter((v): v is RuleViolation => v !== undefined);

  const fn = model.functionOf(resolve(esm.functionName));
  if (fn) {
    const concurrency = streamConcurrencyRule.check({
      shardCount: source.shardCount,
      parallelizationFactor: concreteNumber(resolve(esm.parallelizationFactor) ?? 1),
      reservedConcurrency: fn.resource instanceof lambda.CfnFunction
        ? concreteNumber(resolve(fn.resource.reservedConcurrentExecutions)) : undefined,
    });
    if (concurrency) violations.push(concurrency);
  }
  const path = esm.node.path;
  return violations.map((v) => ({ rule: v.rule, message: describeViolation(path, v) }));
}

function resolvedFlag(value: Json): boolean | undefined {
  if (value === undefined) return false;
  return typeof value === 'boolean' ? value : undefined;
}

function absentAsUnbounded(value: Json): number | undefined {
  if (value === undefined) return STREAM_UNBOUNDED;
  return concreteNumber(value);
}

interface StreamSourceFacts {
  readonly shardCount?: number;
  readonly retentionSeconds?: number;
}

/**
 * The stream a mapping reads, when it is a Kinesis or DynamoDB stream: through a reference to a
 * resource of the stack, or an ARN string of those services. Undefined for SQS, Kafka, MQ, DocumentDB.
 */
function streamSourceOf(model: StackModel, arn: Json): StreamSourceFacts | undefined {
  const target = model.referenced(arn).find((r) => STREAM_TYPES.includes(r.type));
  if (target) return factsOf(model, target);
  if (model.referenced(arn).length > 0) return undefined;
  const text = JSON.stringify(arn ?? '');
  if (/:kinesis:/.test(text)) return {};
  if (/:dynamodb:/.test(text)) return { retentionSeconds: DEFAULT_STREAM_RETENTION_SECONDS };
  return undefined;
}

function factsOf(model: StackModel, target: ModelResource): StreamSourceFacts {
  if (target.type === 'AWS::DynamoDB::Table' || target.type === 'AWS::DynamoDB::GlobalTable') {
    return { retentionSeconds: DEFAULT_STREAM_RETENTION_SECONDS };
  }
  const resolve = (v: unknown): Json => Stack.of(target.resource).resolve(v);
  const stream = target.resource instanceof kinesis.CfnStreamConsumer
    ? model.referenced(resolve(target.resource.streamArn)).find((r) => r.type === 'AWS::Kinesis::Stream')
    : target;
  if (!stream || !(stream.resource instanceof kinesis.CfnStream)) return {};
  const cfn = stream.resource;
  const hours = resolve(cfn.retentionPeriodHours);
  const mode = (resolve(cfn.streamModeDetails) as { streamMode?: string } | undefined)?.streamMode;
  return {
    shardCount: mode === 'ON_DEMAND' ? undefined : concreteNumber(resolve(cfn.shardCount) ?? 1),
    retentionSeconds: hours === undefined ? DEFAULT_STREAM_RETENTION_SECONDS : mapDefined(concreteNumber(hours), (h) => h * 3600),
  };
}

function mapDefined<T, R>(value: T | undefined, f: (v: T) => R): R | undefined {
  return value === undefined ? undefined : f(value);
}
