// Batch throughput of createSqsWorkerHandler in one process.
//   usage: node throughput.cjs <runtimeBundle> <mode: bare|off|on> <batchSize> <samples> <sampleMs>
// bare: a plain loop calling the same user function (processOrder) on each record's parsed body.
// off:  createSqsWorkerHandler(processOrder, { idempotency: false }).
// on:   createSqsWorkerHandler(processOrder, { idempotency: { tableName } }) against dynalite
//       (AWS_ENDPOINT_URL_DYNAMODB, IDEMPOTENCY_TABLE_NAME from the parent); every record is a first delivery.
// dynamo / dynamo-http: the floor of `on-sdk` / `on`: the bare loop plus the two writes Powertools
//       makes for a first delivery (conditional PutItem INPROGRESS, UpdateItem COMPLETED), with the
//       records of a batch in parallel as BatchProcessor runs them, through the same client (the SDK's
//       DynamoDBClient / the runtime's DynamoDBHttpClient) against the same dynalite.
// on-sdk: as `on`, with Powertools' DynamoDBPersistenceLayer (persistenceLayer: 'sdk') instead of the
//       default signed-HTTP layer.
// fifo-group / fifo-batch: createSqsWorkerHandler(processOrder, { fifo: true, fifoFailureScope }) on FIFO
//       batches of <batchSize> records, one per message group, the 4th record's group poisoned (a
//       body that is not JSON); reports the share of the healthy records processed per invocation.
// Each sample runs whole batches until sampleMs has passed; prints BENCH_RESULT
// {recordsPerSecond: [...], failures[, healthyProcessedShare]}.
'use strict';
const { lambdaContext } = require('./lambda-context.cjs');
const [bundle, mode, batchText, samplesText, sampleMsText] = process.argv.slice(2);
const batchSize = Number(batchText);
const samples = Number(samplesText);
const sampleMs = Number(sampleMsText);
const { createSqsWorkerHandler, processOrder, DynamoDBHttpClient } = require(bundle);

const context = lambdaContext('req-bench');

let seq = 0;
const fifo = mode.startsWith('fifo-');
const POISON_INDEX = 3;
function batch() {
  const records = [];
  for (let i = 0; i < batchSize; i++) {
    const messageId = `m-${process.pid}-${seq++}`;
    const body = fifo && i === POISON_INDEX ? 'poison: not JSON'
      : JSON.stringify({ orderId: messageId, items: [{ price: 2.5, quantity: 2 }, { price: 10, quantity: 1 }] });
    const fifoAttributes = fifo ? { MessageGroupId: `g${i}`, SequenceNumber: String(seq), MessageDeduplicationId: messageId } : {};
    records.push({
      messageId,
      receiptHandle: `h-${messageId}`,
      body,
      attributes: { ApproximateReceiveCount: '1', SentTimestamp: '1764000000000', SenderId: 'AIDAEXAMPLE', ApproximateFirstReceiveTimestamp: '1764000000001', ...fifoAttributes },
      messageAttributes: {},
      md5OfBody: 'md5',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:worker',
      awsRegion: 'us-east-1',
    });
  }
  return { Records: records };
}

let run;
if (mode === 'bare') {
  run = async (event) => {
    for (const record of event.Records) await processOrder(JSON.parse(record.body), record, context);
    return { batchItemFailures: [] };
  };
} else if (mode === 'dynamo' || mode === 'dynamo-http') {
  // The two writes, through the AWS SDK (`dynamo`, the floor of `on-sdk`) or through the runtime's
  // signed HTTP client (`dynamo-http`, the floor of `on`).
  let put;
  let update;
  if (mode === 'dynamo') {
    const { DynamoDBClient, PutItemCommand, UpdateItemCommand } = require('@aws-sdk/client-dynamodb');
    const client = new DynamoDBClient({});
    put = (input) => client.send(new PutItemCommand(input));
    update = (input) => client.send(new UpdateItemCommand(input));
  } else {
    const client = new DynamoDBHttpClient();
    put = (input) => client.call('PutItem', input);
    update = (input) => client.call('UpdateItem', input);
  }
  const TableName = process.env.IDEMPOTENCY_TABLE_NAME;
  run = async (event) => {
    await Promise.all(event.Records.map(async (record) => {
      const id = { S: `bench#${record.messageId}` };
      const expiration = { N: String(Math.floor(Date.now() / 1000) + 3600) };
      await put({
        TableName,
        Item: { id, expiration, status: { S: 'INPROGRESS' } },
        ConditionExpression: 'attribute_not_exists(#id)',
        ExpressionAttributeNames: { '#id': 'id' },
      });
      const result = await processOrder(JSON.parse(record.body), record, context);
      await update({
        TableName,
        Key: { id },
        UpdateExpression: 'SET #s = :s, #d = :d, #e = :e',
        ExpressionAttributeNames: { '#s': 'status', '#d': 'data', '#e': 'expiration' },
        ExpressionAttributeValues: { ':s': { S: 'COMPLETED' }, ':d': { S: JSON.stringify(result) }, ':e': expiration },
      });
    }));
    return { batchItemFailures: [] };
  };
} else if (fifo) {
  run = createSqsWorkerHandler(processOrder, { fifo: true, fifoFailureScope: mode === 'fifo-group' ? 'group' : 'batch', idempotency: false });
} else {
  const tableName = process.env.IDEMPOTENCY_TABLE_NAME;
  const idempotency = { on: { tableName }, 'on-sdk': { tableName, persistenceLayer: 'sdk' } }[mode] ?? false;
  run = createSqsWorkerHandler(processOrder, { idempotency });
}

(async () => {
  let failures = 0;
  // Warm-up: JIT, the first DynamoDB connection.
  for (let i = 0; i < 3; i++) failures += (await run(batch(), context)).batchItemFailures.length;
  const recordsPerSecond = [];
  for (let s = 0; s < samples; s++) {
    let records = 0;
    let offClock = 0;
    let elapsed = 0;
    const start = performance.now();
    do {
      // Building the event is not the handler's work: keep it off the clock.
      const paused = performance.now();
      const event = batch();
      offClock += performance.now() - paused;
      failures += (await run(event, context)).batchItemFailures.length;
      records += batchSize;
      elapsed = performance.now() - start - offClock;
    } while (elapsed < sampleMs);
    recordsPerSecond.push(records / (elapsed / 1000));
  }
  // FIFO: one invocation, counted: healthy records processed / healthy records in the batch.
  let healthyProcessedShare;
  if (fifo) {
    const failed = (await run(batch(), context)).batchItemFailures.length;
    healthyProcessedShare = (batchSize - failed) / (batchSize - 1);
    failures = 0;
  }
  process.stdout.write(`\nBENCH_RESULT ${JSON.stringify({ recordsPerSecond, failures, healthyProcessedShare })}\n`, () => process.exit(0));
})();
