import { AddressInfo } from 'net';
import {
  CreateStreamCommand, DescribeStreamCommand, GetRecordsCommand, GetShardIteratorCommand, KinesisClient,
  ListShardsCommand, PutRecordsCommand, _Record,
} from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const kinesalite = require('kinesalite');

/** A local Kinesis (kinesalite, in memory) on a free loopback port. */
export interface LocalKinesis {
  readonly client: KinesisClient;
  /** Creates a stream and waits until it is ACTIVE; returns its ARN. */
  createStream(name: string, shardCount: number): Promise<string>;
  /** PutRecords; returns the shard and sequence number of each record, in order. */
  putRecords(stream: string, records: Array<{ partitionKey: string; data: string }>): Promise<Array<{ shardId: string; sequenceNumber: string }>>;
  /** Every record of every shard, read with GetShardIterator (TRIM_HORIZON) + GetRecords. */
  readShards(stream: string): Promise<Map<string, _Record[]>>;
  stop(): Promise<void>;
}

export async function startLocalKinesis(): Promise<LocalKinesis> {
  const server = kinesalite({ createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  const client = new KinesisClient({
    endpoint: `http://127.0.0.1:${port}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    // The SDK's default HTTP/2 handler fails against kinesalite (ERR_HTTP2_ERROR): see TOOLCHAIN.md.
    requestHandler: new NodeHttpHandler(),
  });
  return {
    client,
    async createStream(name, shardCount) {
      await client.send(new CreateStreamCommand({ StreamName: name, ShardCount: shardCount }));
      for (let i = 0; i < 100; i++) {
        const { StreamDescription } = await client.send(new DescribeStreamCommand({ StreamName: name }));
        if (StreamDescription?.StreamStatus === 'ACTIVE') return StreamDescription.StreamARN!;
        await new Promise((r) => setTimeout(r, 20));
      }
      throw new Error(`stream ${name} did not become ACTIVE`);
    },
    async putRecords(stream, records) {
      const out = await client.send(new PutRecordsCommand({
        StreamName: stream,
        Records: records.map((r) => ({ PartitionKey: r.partitionKey, Data: Buffer.from(r.data, 'utf8') })),
      }));
      if (out.FailedRecordCount) throw new Error(`${out.FailedRecordCount} records were not put`);
      return out.Records!.map((r) => ({ shardId: r.ShardId!, sequenceNumber: r.SequenceNumber! }));
    },
    async readShards(stream) {
      const shards = new Map<string, _Record[]>();
      const { Shards } = await client.send(new ListShardsCommand({ StreamName: stream }));
      for (const shard of Shards ?? []) {
        const { ShardIterator } = await client.send(new GetShardIteratorCommand({
          StreamName: stream, ShardId: shard.ShardId!, ShardIteratorType: 'TRIM_HORIZON',
        }));
        const records: _Record[] = [];
        let iterator = ShardIterator;
        while (iterator) {
          const page = await client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
          records.push(...(page.Records ?? []));
          iterator = (page.Records ?? []).length > 0 ? page.NextShardIterator : undefined;
        }
        shards.set(shard.ShardId!, records);
      }
      return shards;
    },
    async stop() {
      client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
