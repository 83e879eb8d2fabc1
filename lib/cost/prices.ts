/** The day the default prices below were last reviewed (us-east-1, USD, before free tiers); each has its own in PRICE_SOURCES. */
export const PRICES_TAKEN_ON = '2026-12-07';

/**
 * The price table of the cost report: us-east-1 list prices in USD, reviewed on 2026-12-07, before
 * free tiers and volume discounts. Override any price for another region or a negotiated rate;
 * the report then says it uses custom prices. Each default names its source: the project's study
 * notes (seeds), the construct library (lib/provisioned-api), or a public page found then. A
 * price marked "not confirmed" comes from AWS's pricing page as remembered, with no page found
 * to confirm it; the report lists those (`unconfirmedPrices`). `PRICE_SOURCES` holds each source and
 * the day it was read.
 */
export interface ServerlessPriceTable {
  /**
   * Lambda requests, USD per million.
   * @see https://aws.amazon.com/lambda/pricing/
   * @default 0.20 (seeds: "$0.20 per 1 million requests"; https://git.mcrn.ar/mariano/lambda_local_runner/src/branch/main/docs/lambdas-md/lambda-13-cost.md,
   * read 2026-12-07)
   */
  readonly lambdaRequestsPerMillion?: number;
  /**
   * Lambda on-demand duration on arm64, USD per GB-second.
   * @default 0.0000133334 (seeds: "ARM64 (Graviton2): $0.0000133334 per GB-second (20% cheaper)")
   */
  readonly lambdaArm64PerGbSecond?: number;
  /**
   * Lambda on-demand duration on x86_64, USD per GB-second.
   * @default 0.0000166667 (seeds: "x86: $0.0000166667 per GB-second")
   */
  readonly lambdaX86PerGbSecond?: number;
  /**
   * Provisioned concurrency kept warm on arm64, USD per GB-second.
   * @default 0.0000033334 (lib/provisioned-api, from https://aws.amazon.com/lambda/pricing/)
   */
  readonly provisionedConcurrencyArm64PerGbSecond?: number;
  /**
   * Provisioned concurrency kept warm on x86_64, USD per GB-second.
   * @default 0.0000041667 (lib/provisioned-api, from https://aws.amazon.com/lambda/pricing/)
   */
  readonly provisionedConcurrencyX86PerGbSecond?: number;
  /**
   * Duration of invocations served by provisioned concurrency on arm64, USD per GB-second.
   * @default 0.0000077778 (not confirmed: the Lambda pricing page found here showed no figures)
   */
  readonly provisionedDurationArm64PerGbSecond?: number;
  /**
   * Duration of invocations served by provisioned concurrency on x86_64, USD per GB-second.
   * @default 0.0000097222 (seeds: "+ $0.0000097 per GB-second (invocation)", AWS's figure to 10 digits)
   */
  readonly provisionedDurationX86PerGbSecond?: number;
  /**
   * SQS standard queue requests (every 64 KB chunk of a payload is one), USD per million.
   * @see https://aws.amazon.com/sqs/pricing/
   * @default 0.40 (https://cloudburn.io/blog/amazon-sqs-pricing, March 2026)
   */
  readonly sqsStandardRequestsPerMillion?: number;
  /**
   * SQS FIFO queue requests, USD per million.
   * @default 0.50 (https://cloudburn.io/blog/amazon-sqs-pricing, March 2026)
   */
  readonly sqsFifoRequestsPerMillion?: number;
  /**
   * SNS standard topic publishes (every 64 KB chunk is one); deliveries to SQS and Lambda are free.
   * @see https://aws.amazon.com/sns/pricing/
   * @default 0.50 (https://www.factualminds.com/blog/amazon-sns-pricing-publishes-fanout-protocols/, June 2026)
   */
  readonly snsPublishesPerMillion?: number;
  /**
   * EventBridge custom events put on a bus (every 64 KB chunk is one), USD per million; events of
   * AWS services on the default bus are free.
   * @see https://aws.amazon.com/eventbridge/pricing/
   * @default 1.00 (https://cloudburn.io/blog/amazon-eventbridge-pricing, March 2026)
   */
  readonly eventBridgeEventsPerMillion?: number;
  /**
   * Step Functions STANDARD state transitions, USD per thousand.
   * @see https://aws.amazon.com/step-functions/pricing/
   * @default 0.025 (seeds: "$0.025 per 1K transitions")
   */
  readonly stepFunctionsStandardPerThousandTransitions?: number;
  /**
   * Step Functions EXPRESS requests (executions started), USD per million.
   * @default 1.00 (seeds: "Express Workflows at $1/M executions + duration")
   */
  readonly stepFunctionsExpressRequestsPerMillion?: number;
  /**
   * Step Functions EXPRESS duration, USD per GB-second (first 1,000 GB-hours a month; memory in
   * 64 MB chunks, time rounded up to 100 ms).
   * @default 0.00001667 (https://www.wring.co/blog/aws-step-functions-pricing-guide, March 2026)
   */
  readonly stepFunctionsExpressPerGbSecond?: number;
  /**
   * DynamoDB on-demand write request units (1 KB each), USD per million.
   * @see https://aws.amazon.com/dynamodb/pricing/on-demand/
   * @default 0.625 (https://airbyte.com/data-engineering-resources/dynamodb-pricing, after the
   * November 2024 cut; the seeds' "$1.25/month for 1M events" is 2 writes per event at this price)
   */
  readonly dynamoDbWriteRequestUnitsPerMillion?: number;
  /**
   * DynamoDB on-demand read request units (4 KB strongly consistent), USD per million.
   * @default 0.125 (https://airbyte.com/data-engineering-resources/dynamodb-pricing)
   */
  readonly dynamoDbReadRequestUnitsPerMillion?: number;
  /**
   * CloudWatch standard-resolution alarms, USD per metric in the alarm per month (an alarm on a
   * math expression pays for each metric it uses).
   * @see https://aws.amazon.com/cloudwatch/pricing/
   * @default 0.10 (https://c3x.dev/resources/aws/aws_cloudwatch_metric_alarm, read 2026-12-07: "$0.10/alarm-month for
   * standard resolution"; the CloudWatch pricing page found here showed only the free tier)
   */
  readonly cloudWatchAlarmMetricPerMonth?: number;
  /**
   * CloudWatch dashboards, USD per dashboard per month (3 are free per account).
   * @default 3.00 (https://www.factualminds.com/blog/amazon-cloudwatch-pricing-metrics-logs-alarms-dashboards/, June 2026)
   */
  readonly cloudWatchDashboardPerMonth?: number;
  /**
   * CloudWatch Logs ingestion (standard class), USD per GB; for Lambda function logs, the first 10 TB
   * a month in the account (then `lambdaLogsNext20TbPerGb` and the tiers after it).
   * @default 0.50 (https://www.factualminds.com/blog/amazon-cloudwatch-pricing-metrics-logs-alarms-dashboards/, June 2026;
   * https://www.duckbillgroup.com/?p=9080, read 2026-12-07: "$0.50 per GB for Standard Logs in us-east-1", the first tier)
   */
  readonly logIngestionPerGb?: number;
  /**
   * KMS customer managed keys, USD per key per month (each of the first two rotations adds $1).
   * @see https://aws.amazon.com/kms/pricing/
   * @default 1.00 (https://www.wring.co/blog/aws-kms-pricing-guide)
   */
  readonly kmsKeyPerMonth?: number;
  /**
   * KMS symmetric requests, USD per 10,000.
   * @default 0.03 (https://www.wring.co/blog/aws-kms-pricing-guide)
   */
  readonly kmsRequestsPerTenThousand?: number;
  /**
   * API Gateway HTTP API requests (every 512 KB is one), USD per million (first 300 million).
   * @see https://aws.amazon.com/api-gateway/pricing/
   * @default 1.00 (seeds: "$3.50-$1.00/M requests" for REST and HTTP APIs)
   */
  readonly httpApiRequestsPerMillion?: number;
  /**
   * NAT gateway, USD per hour per gateway.
   * @default 0.045 (seeds: "NAT Gateway cost: $0.045/hour + $0.045/GB data processed")
   */
  readonly natGatewayPerHour?: number;
  /**
   * Kinesis Data Streams on-demand: each stream, USD per stream-hour.
   * @see https://aws.amazon.com/kinesis/data-streams/pricing/
   * @default 0.04 (https://www.trek10.com/blog/amazon-kinesis-data-streams-on-demand-vs.-provisioned-billing-mode-cost-comparison,
   * read 2026-12-07: "$0.04 per stream hour"; the AWS pricing page names the charge without a figure)
   */
  readonly kinesisOnDemandStreamPerHour?: number;
  /**
   * Kinesis Data Streams on-demand data written, USD per GB (each record rounded up to 1 KB, as
   * the AWS pricing page found on 2026-12-01 says).
   * @default 0.08 (https://www.trek10.com/blog/amazon-kinesis-data-streams-on-demand-vs.-provisioned-billing-mode-cost-comparison,
   * read 2026-12-07: "$0.08 per gb (payloads rounded up to nearest kb)")
   */
  readonly kinesisOnDemandDataInPerGb?: number;
  /**
   * Kinesis Data Streams on-demand data read (shared-throughput consumers such as a Lambda
   * event source mapping), USD per GB, each record rounded up to 1 KB.
   * @default 0.04 (https://c3x.dev/resources/aws/aws_kinesis_stream, found 2026-12-01: "$0.04 per GB retrieved")
   */
  readonly kinesisOnDemandDataOutPerGb?: number;
  /**
   * Kinesis Data Streams provisioned mode, USD per shard-hour (reads are not billed in this mode).
   * @default 0.015 (https://c3x.dev/resources/aws/aws_kinesis_stream and
   * https://kindatechnical.com/aws-kinesis/lesson-29-understanding-kinesis-pricing.html, found 2026-12-01)
   */
  readonly kinesisShardPerHour?: number;
  /**
   * Kinesis Data Streams provisioned mode, USD per million PUT payload units (each 25 KB of a
   * record is one, as the AWS pricing page found on 2026-12-01 explains).
   * @default 0.014 (https://www.trek10.com/blog/amazon-kinesis-data-streams-on-demand-vs.-provisioned-billing-mode-cost-comparison,
   * read 2026-12-07: "$0.014 per million PPUs (25kb chunk)")
   */
  readonly kinesisPutPayloadUnitsPerMillion?: number;
  /**
   * EventBridge Scheduler invocations (each delivery of an occurrence to its target), USD per
   * million, after the free tier of 14 million a month (not applied, like every free tier here).
   * @see https://aws.amazon.com/eventbridge/pricing/
   * @default 1.00 (https://cloudburn.io/blog/amazon-eventbridge-pricing, March 2026: "Scheduler, per million
   * invocations, $1.00, 14M invocations/month" free; https://awsnegotiations.com/eventbridge-scheduler-cost, May 2026,
   * confirms the 14 million free tier. https://www.wring.co/blog/aws-eventbridge-pricing-guide says invocations are free)
   */
  readonly schedulerInvocationsPerMillion?: number;
  /**
   * S3 Standard PUT, COPY, POST and LIST requests, USD per thousand.
   * @see https://aws.amazon.com/s3/pricing/
   * @default 0.005 (https://c3x.dev/blog/s3-request-fees-explained, found 2026-12-01)
   */
  readonly s3PutRequestsPerThousand?: number;
  /**
   * Lambda function logs to CloudWatch Logs (standard class) beyond 10 TB a month in the account,
   * up to 30 TB, USD per GB: Lambda logs are tiered since May 2025 (the first 10 TB at `logIngestionPerGb`).
   * @see https://aws.amazon.com/cloudwatch/pricing/
   * @default 0.25 (not confirmed: https://www.duckbillgroup.com/?p=9080 confirms the tiers and $0.50 for the first 10 TB, and
   * its 60 TB = $12,500 example agrees with 0.25 / 0.10 / 0.05, which are as remembered)
   */
  readonly lambdaLogsNext20TbPerGb?: number;
  /**
   * Lambda function logs between 30 and 50 TB a month, USD per GB.
   * @default 0.10 (not confirmed, see lambdaLogsNext20TbPerGb)
   */
  readonly lambdaLogsAfter30TbPerGb?: number;
  /**
   * Lambda function logs beyond 50 TB a month, USD per GB.
   * @default 0.05 (not confirmed, see lambdaLogsNext20TbPerGb)
   */
  readonly lambdaLogsOver50TbPerGb?: number;
  /**
   * Provisioned mode of an SQS event source mapping: USD per event poller unit (EPU) hour; the
   * report prices one EPU per minimum poller, around the clock.
   * @see https://aws.amazon.com/lambda/pricing/
   * @default 0.185 (not confirmed: the Lambda pricing page found on 2026-12-07 showed no EPU figure; this is the Kafka
   * provisioned-mode EPU price as remembered, and one EPU per poller is an assumption)
   */
  readonly sqsEventPollerUnitPerHour?: number;
  /**
   * Kinesis Data Streams On-demand Advantage (an account setting since November 2025, no per-stream
   * hourly charge): data written, USD per GB, each record rounded up to 1 KB.
   * @see https://aws.amazon.com/blogs/big-data/amazon-kinesis-data-streams-launches-on-demand-advantage-for-instant-throughput-increases-and-streaming-at-scale
   * @default 0.032 (not confirmed: the announcement found on 2026-12-07 gives no figure; as remembered)
   */
  readonly kinesisOnDemandAdvantageDataInPerGb?: number;
  /**
   * Kinesis Data Streams On-demand Advantage: data read by shared-throughput consumers, USD per GB.
   * @default 0.016 (not confirmed, see kinesisOnDemandAdvantageDataInPerGb)
   */
  readonly kinesisOnDemandAdvantageDataOutPerGb?: number;
  /**
   * Lambda durable operations (each step, wait, callback, child context and the execution start),
   * USD per million.
   * @see https://aws.amazon.com/lambda/pricing/
   * @default 8.00 (AWS's Lambda pricing page as transcribed on 2026-09-20 in
   * https://raw.githubusercontent.com/api-evangelist/aws-lambda/refs/heads/main/plans/aws-lambda-plans-pricing.yml: "$8.00/M")
   */
  readonly durableOperationsPerMillion?: number;
  /**
   * Lambda durable execution data written (inputs, checkpoints, results), USD per GB.
   * @see https://aws.amazon.com/lambda/pricing/
   * @default 0.25 (not confirmed: no page found here shows the figure)
   */
  readonly durableDataWrittenPerGb?: number;
  /**
   * Lambda durable execution data retained (running executions and the history kept for
   * `retentionPeriod`), USD per GB-month.
   * @see https://aws.amazon.com/lambda/pricing/
   * @default 0.15 (not confirmed: no page found here shows the figure)
   */
  readonly durableDataRetainedPerGbMonth?: number;
}

/** The price table with every default applied. */
export type Prices = Required<ServerlessPriceTable>;

/** The default prices (us-east-1, taken on PRICES_TAKEN_ON). */
export const US_EAST_1_PRICES: Prices = {
  lambdaRequestsPerMillion: 0.20,
  lambdaArm64PerGbSecond: 0.0000133334,
  lambdaX86PerGbSecond: 0.0000166667,
  provisionedConcurrencyArm64PerGbSecond: 0.0000033334,
  provisionedConcurrencyX86PerGbSecond: 0.0000041667,
  provisionedDurationArm64PerGbSecond: 0.0000077778,
  provisionedDurationX86PerGbSecond: 0.0000097222,
  sqsStandardRequestsPerMillion: 0.40,
  sqsFifoRequestsPerMillion: 0.50,
  snsPublishesPerMillion: 0.50,
  eventBridgeEventsPerMillion: 1.00,
  stepFunctionsStandardPerThousandTransitions: 0.025,
  stepFunctionsExpressRequestsPerMillion: 1.00,
  stepFunctionsExpressPerGbSecond: 0.00001667,
  dynamoDbWriteRequestUnitsPerMillion: 0.625,
  dynamoDbReadRequestUnitsPerMillion: 0.125,
  cloudWatchAlarmMetricPerMonth: 0.10,
  cloudWatchDashboardPerMonth: 3.00,
  logIngestionPerGb: 0.50,
  kmsKeyPerMonth: 1.00,
  kmsRequestsPerTenThousand: 0.03,
  httpApiRequestsPerMillion: 1.00,
  natGatewayPerHour: 0.045,
  kinesisOnDemandStreamPerHour: 0.04,
  kinesisOnDemandDataInPerGb: 0.08,
  kinesisOnDemandDataOutPerGb: 0.04,
  kinesisShardPerHour: 0.015,
  kinesisPutPayloadUnitsPerMillion: 0.014,
  schedulerInvocationsPerMillion: 1.00,
  s3PutRequestsPerThousand: 0.005,
  lambdaLogsNext20TbPerGb: 0.25,
  lambdaLogsAfter30TbPerGb: 0.10,
  lambdaLogsOver50TbPerGb: 0.05,
  sqsEventPollerUnitPerHour: 0.185,
  kinesisOnDemandAdvantageDataInPerGb: 0.032,
  kinesisOnDemandAdvantageDataOutPerGb: 0.016,
  durableOperationsPerMillion: 8.00,
  durableDataWrittenPerGb: 0.25,
  durableDataRetainedPerGbMonth: 0.15,
};

/** Where a default price comes from, when it was read, and whether a page showed the figure. */
export interface PriceSource {
  /** The page the figure was read on (an AWS pricing page where it shows figures, else the page that did). */
  readonly source: string;
  /** The day it was read (YYYY-MM-DD). */
  readonly read: string;
  /** False when no page found showed the figure: the default is as remembered, and the report names it. */
  readonly confirmed: boolean;
}

const AWS_LAMBDA = 'https://aws.amazon.com/lambda/pricing/';
const MCRN = 'https://git.mcrn.ar/mariano/lambda_local_runner/src/branch/main/docs/lambdas-md/lambda-13-cost.md';
const SEEDS = 'seeds (the project\'s study notes)';
const confirmed = (source: string, read: string): PriceSource => ({ source, read, confirmed: true });
const unconfirmed = (source: string, read: string): PriceSource => ({ source, read, confirmed: false });

/**
 * The source of every default price (the JSDoc of `ServerlessPriceTable` says the same in words).
 * The AWS pricing pages in the search corpus render their figures with scripts, so most figures are
 * read from a page that quotes them; each says which.
 */
export const PRICE_SOURCES: { readonly [K in keyof Prices]: PriceSource } = {
  lambdaRequestsPerMillion: confirmed(MCRN, '2026-12-07'),
  lambdaArm64PerGbSecond: confirmed(MCRN, '2026-12-07'),
  lambdaX86PerGbSecond: confirmed(MCRN, '2026-12-07'),
  provisionedConcurrencyArm64PerGbSecond: confirmed(AWS_LAMBDA + ' (as lib/provisioned-api quotes it)', '2026-12-01'),
  provisionedConcurrencyX86PerGbSecond: confirmed(AWS_LAMBDA + ' (as lib/provisioned-api quotes it)', '2026-12-01'),
  provisionedDurationArm64PerGbSecond: unconfirmed(AWS_LAMBDA, '2026-12-01'),
  provisionedDurationX86PerGbSecond: confirmed(SEEDS, '2026-12-01'),
  sqsStandardRequestsPerMillion: confirmed('https://www.factualminds.com/blog/amazon-sqs-pricing-64kb-rule-fifo-vs-standard/', '2026-12-07'),
  sqsFifoRequestsPerMillion: confirmed('https://www.factualminds.com/blog/amazon-sqs-pricing-64kb-rule-fifo-vs-standard/', '2026-12-07'),
  snsPublishesPerMillion: confirmed('https://www.factualminds.com/blog/amazon-sns-pricing-publishes-fanout-protocols/', '2026-12-01'),
  eventBridgeEventsPerMillion: confirmed('https://cloudburn.io/blog/amazon-eventbridge-pricing', '2026-12-01'),
  stepFunctionsStandardPerThousandTransitions: confirmed(SEEDS, '2026-12-01'),
  stepFunctionsExpressRequestsPerMillion: confirmed(SEEDS, '2026-12-01'),
  stepFunctionsExpressPerGbSecond: confirmed('https://www.wring.co/blog/aws-step-functions-pricing-guide', '2026-12-01'),
  dynamoDbWriteRequestUnitsPerMillion: confirmed('https://airbyte.com/data-engineering-resources/dynamodb-pricing', '2026-12-01'),
  dynamoDbReadRequestUnitsPerMillion: confirmed('https://airbyte.com/data-engineering-resources/dynamodb-pricing', '2026-12-01'),
  cloudWatchAlarmMetricPerMonth: confirmed('https://c3x.dev/resources/aws/aws_cloudwatch_metric_alarm', '2026-12-07'),
  cloudWatchDashboardPerMonth: confirmed('https://www.factualminds.com/blog/amazon-cloudwatch-pricing-metrics-logs-alarms-dashboards/', '2026-12-01'),
  logIngestionPerGb: confirmed('https://www.duckbillgroup.com/?p=9080', '2026-12-07'),
  kmsKeyPerMonth: confirmed('https://www.wring.co/blog/aws-kms-pricing-guide', '2026-12-01'),
  kmsRequestsPerTenThousand: confirmed('https://www.wring.co/blog/aws-kms-pricing-guide', '2026-12-01'),
  httpApiRequestsPerMillion: confirmed(SEEDS, '2026-12-01'),
  natGatewayPerHour: confirmed(SEEDS, '2026-12-01'),
  kinesisOnDemandStreamPerHour: confirmed('https://www.trek10.com/blog/amazon-kinesis-data-streams-on-demand-vs.-provisioned-billing-mode-cost-comparison', '2026-12-07'),
  kinesisOnDemandDataInPerGb: confirmed('https://www.trek10.com/blog/amazon-kinesis-data-streams-on-demand-vs.-provisioned-billing-mode-cost-comparison', '2026-12-07'),
  kinesisOnDemandDataOutPerGb: confirmed('https://www.trek10.com/blog/amazon-kinesis-data-streams-on-demand-vs.-provisioned-billing-mode-cost-comparison', '2026-12-07'),
  kinesisShardPerHour: confirmed('https://www.trek10.com/blog/amazon-kinesis-data-streams-on-demand-vs.-provisioned-billing-mode-cost-comparison', '2026-12-07'),
  kinesisPutPayloadUnitsPerMillion: confirmed('https://www.trek10.com/blog/amazon-kinesis-data-streams-on-demand-vs.-provisioned-billing-mode-cost-comparison', '2026-12-07'),
  schedulerInvocationsPerMillion: confirmed('https://cloudburn.io/blog/amazon-eventbridge-pricing', '2026-12-01'),
  s3PutRequestsPerThousand: confirmed('https://c3x.dev/blog/s3-request-fees-explained', '2026-12-01'),
  lambdaLogsNext20TbPerGb: unconfirmed('https://www.duckbillgroup.com/?p=9080', '2026-12-07'),
  lambdaLogsAfter30TbPerGb: unconfirmed('https://www.duckbillgroup.com/?p=9080', '2026-12-07'),
  lambdaLogsOver50TbPerGb: unconfirmed('https://www.duckbillgroup.com/?p=9080', '2026-12-07'),
  sqsEventPollerUnitPerHour: unconfirmed(AWS_LAMBDA, '2026-12-07'),
  kinesisOnDemandAdvantageDataInPerGb: unconfirmed('https://aws.amazon.com/blogs/big-data/amazon-kinesis-data-streams-launches-on-demand-advantage-for-instant-throughput-increases-and-streaming-at-scale', '2026-12-07'),
  kinesisOnDemandAdvantageDataOutPerGb: unconfirmed('https://aws.amazon.com/blogs/big-data/amazon-kinesis-data-streams-launches-on-demand-advantage-for-instant-throughput-increases-and-streaming-at-scale', '2026-12-07'),
  durableOperationsPerMillion: confirmed('https://raw.githubusercontent.com/api-evangelist/aws-lambda/refs/heads/main/plans/aws-lambda-plans-pricing.yml (a transcription of ' + AWS_LAMBDA + ')', '2026-12-07'),
  durableDataWrittenPerGb: unconfirmed(AWS_LAMBDA, '2026-12-07'),
  durableDataRetainedPerGbMonth: unconfirmed(AWS_LAMBDA, '2026-12-07'),
};

/** The default prices a report uses that no page confirmed (overridden ones are the user's and are not listed). */
export function unconfirmedDefaults(overrides: ServerlessPriceTable = {}): string[] {
  const given = overrides as { [key: string]: number | undefined };
  return (Object.keys(PRICE_SOURCES) as Array<keyof Prices>)
    .filter((key) => !PRICE_SOURCES[key].confirmed && given[key] === undefined);
}

/** The defaults with the user's overrides; a negative or non-finite price is an error. */
export function resolvePrices(overrides: ServerlessPriceTable = {}): Prices {
  const prices = { ...US_EAST_1_PRICES } as { [key: string]: number };
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) continue;
    if (!(key in prices)) throw new Error(`ServerlessCostReport: unknown price '${key}'`);
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new Error(`ServerlessCostReport: invalid prop 'prices.${key}': must be a number of 0 or more (given ${value}). `
        + `Fix: set prices.${key} to the USD price of your region`);
    }
    prices[key] = value;
  }
  return prices as Prices;
}
