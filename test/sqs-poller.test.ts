/**
 * The decision of test/support/sqs-poller.ts that is ours rather than SQS's: which messages of a
 * batch Lambda leaves in the queue after an invocation, per
 * https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html#services-sqs-batchfailurereporting
 */
import type { SQSBatchResponse } from 'aws-lambda';
import { sqsRecord } from './support/lambda';
import { idsLeftInQueue } from './support/sqs-poller';

const batch = [sqsRecord('m1', '{}'), sqsRecord('m2', '{}'), sqsRecord('m3', '{}')];
const respond = (response: unknown) => ({ response: response as SQSBatchResponse, threw: false });

test.each(([
  ['the function throws', { threw: true }, true, ['m1', 'm2', 'm3']],
  ['listed failures', respond({ batchItemFailures: [{ itemIdentifier: 'm2' }] }), true, ['m2']],
  ['a failure listed twice', respond({ batchItemFailures: [{ itemIdentifier: 'm3' }, { itemIdentifier: 'm3' }] }), true, ['m3']],
  ['an empty batchItemFailures list', respond({ batchItemFailures: [] }), true, []],
  ['a null batchItemFailures list', respond({ batchItemFailures: null }), true, []],
  ['an empty response', respond({}), true, []],
  ['a null response', respond(null), true, []],
  ['an empty itemIdentifier', respond({ batchItemFailures: [{ itemIdentifier: '' }] }), true, ['m1', 'm2', 'm3']],
  ['a null itemIdentifier', respond({ batchItemFailures: [{ itemIdentifier: null }] }), true, ['m1', 'm2', 'm3']],
  ['a bad key name', respond({ batchItemFailures: [{ messageId: 'm1' }] }), true, ['m1', 'm2', 'm3']],
  ['an id not in the batch', respond({ batchItemFailures: [{ itemIdentifier: 'other' }] }), true, ['m1', 'm2', 'm3']],
  ['listed failures without ReportBatchItemFailures', respond({ batchItemFailures: [{ itemIdentifier: 'm2' }] }), false, []],
  ['a throw without ReportBatchItemFailures', { threw: true }, false, ['m1', 'm2', 'm3']],
] as Array<[string, { response?: SQSBatchResponse; threw: boolean }, boolean, string[]]>)
  .map(([label, outcome, report, expected]) => ({ label, outcome, report, expected }))
)('$label (ReportBatchItemFailures: $report): Lambda leaves $expected', ({ outcome, report, expected }) => {
  expect(idsLeftInQueue(batch, outcome, report)).toEqual(expected);
});
