import { Duration } from 'aws-cdk-lib';

/**
 * The serverless rules the constructs enforce and the guardrails check, written once.
 */

/** 6 x function timeout + batching window: the AWS rule for a Lambda SQS source's visibility timeout. */
export function minimumVisibilityTimeout(timeout: Duration, window?: Duration): Duration {
  const windowSeconds = window && !window.isUnresolved() ? window.toSeconds() : 0;
  return Duration.seconds(timeout.toSeconds() * 6 + windowSeconds);
}
