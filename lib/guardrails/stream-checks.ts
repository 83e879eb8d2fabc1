import { concreteNumber, Json, ModelResource, StackModel } from '../analysis/stack-model';
import { RuleViolation } from '../rules/rule';
import {
  DEFAULT_STREAM_RETENTION_SECONDS, STREAM_MAPPING_RULES, STREAM_UNBOUNDED, StreamMappingFacts, streamConcurrencyRule,
} from '../rules/stream';
import type { Finding } from './finding';
import { findingOf } from './finding';

const STREAM_TYPES = ['AWS::Kinesis::Stream', 'AWS::Kinesis::StreamConsumer', 'AWS::DynamoDB::Table', 'AWS::DynamoDB::GlobalTable'];

/**
 * The stream rules of lib/rules/stream.ts over every Kinesis and DynamoDB Streams event source
 * mapping of the app, whoever created it (StreamWorker, `KinesisEventSource`, `DynamoEventSource`,
 * a raw `CfnEventSourceMapping`): the same functions StreamWorker enforces on its props.
 */
export function checkStreamMapping(model: StackModel, esm: ModelResource): Finding[] {
  const p = esm.props;
  const source = streamSourceOf(model, p.EventSourceArn);
  if (!source) return [];

  const types = p.FunctionResponseTypes as Json;
  const facts: StreamMappingFacts = {
    bisectBatchOnFunctionError: resolvedFlag(p.BisectBatchOnFunctionError),
    // An absent value is Lambda's default: -1, unbounded.
    maximumRetryAttempts: absentAsUnbounded(p.MaximumRetryAttempts),
    maximumRecordAgeSeconds: absentAsUnbounded(p.MaximumRecordAgeInSeconds),
    streamRetentionSeconds: source.retentionSeconds,
    hasOnFailureDestination: p.DestinationConfig?.OnFailure?.Destination !== undefined,
    reportBatchItemFailures: Array.isArray(types) ? types.includes('ReportBatchItemFailures') : types === undefined ? false : undefined,
  };
  const violations: Array<RuleViolation | undefined> = STREAM_MAPPING_RULES.map((rule) => rule.check(facts));

  const fn = model.functionOf(p.FunctionName);
  if (fn) {
    violations.push(streamConcurrencyRule.check({
      shardCount: source.shardCount,
      parallelizationFactor: concreteNumber(p.ParallelizationFactor ?? 1),
      reservedConcurrency: concreteNumber(fn.props.ReservedConcurrentExecutions),
    }));
  }
  return violations.flatMap((v) => findingOf(esm, v));
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
  const stream = target.type === 'AWS::Kinesis::StreamConsumer'
    ? model.referenced(target.props.StreamARN).find((r) => r.type === 'AWS::Kinesis::Stream')
    : target;
  if (!stream) return {};
  const hours = stream.props.RetentionPeriodHours;
  const mode = stream.props.StreamModeDetails?.StreamMode;
  return {
    shardCount: mode === 'ON_DEMAND' ? undefined : concreteNumber(stream.props.ShardCount ?? 1),
    retentionSeconds: hours === undefined ? DEFAULT_STREAM_RETENTION_SECONDS : mapDefined(concreteNumber(hours), (h) => h * 3600),
  };
}

function mapDefined<T, R>(value: T | undefined, f: (v: T) => R): R | undefined {
  return value === undefined ? undefined : f(value);
}
