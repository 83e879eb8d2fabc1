import { Duration } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';

/**
 * Defaults every construct of this library applies. Kept in one place so a change of runtime or
 * retention reaches all constructs at once.
 */
export const Defaults = {
  /** Newest Node.js LTS this aws-cdk-lib offers; NODEJS_20_X draws a deprecation warning at synth. */
  runtime: lambda.Runtime.NODEJS_24_X,
  /** Graviton: about 20% cheaper per GB-second than x86_64. */
  architecture: lambda.Architecture.ARM_64,
  /** The default "never expire" retention makes log storage grow without bound. */
  logRetention: logs.RetentionDays.ONE_MONTH,
  /** Memory for I/O-bound work: enough CPU share for JSON and SDK calls without paying for idle. */
  memorySize: 512,
  /** Per-pattern timeouts: set on purpose, never 15 minutes "just in case". */
  timeouts: {
    sqsWorker: Duration.seconds(30),
    api: Duration.seconds(10),
    asyncFunction: Duration.seconds(60),
    sagaStep: Duration.seconds(30),
  },
  /**
   * Retention of dead-letter and failure queues: SQS's maximum, for time to investigate. lib/core
   * cannot import the limits table (lib/rules/limits.ts); test/limits.test.ts checks the two agree.
   */
  deadLetterRetention: Duration.days(14),
} as const;
