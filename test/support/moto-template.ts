import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';

/**
 * Creates in moto the resources of a synthesized template that the moto tests exercise, with the
 * properties exactly as synthesized (moto's CloudFormation skips too much of this library's
 * templates to deploy them whole; see the README Development section). Physical names are the
 * logical ids; `refs` resolves `Ref` and `Fn::GetAtt [id, Arn]` to what was created.
 */

type Template = { Resources: Record<string, { Type: string; Properties?: any }> };

/** Physical ids of what was created, by logical id. */
export class CreatedResources {
  private readonly names = new Map<string, string>();
  private readonly arns = new Map<string, string>();
  public readonly queueUrls = new Map<string, string>();

  public add(logicalId: string, name: string, arn: string): void {
    this.names.set(logicalId, name);
    this.arns.set(logicalId, arn);
  }

  /** Replaces every `{Ref}` and `{Fn::GetAtt: [id, 'Arn']}` of a created resource in a value. */
  public resolve<T>(value: T): T {
    if (Array.isArray(value)) return value.map((v) => this.resolve(v)) as T;
    if (typeof value !== 'object' || value === null) return value;
    const obj = value as Record<string, any>;
    if (typeof obj.Ref === 'string' && this.names.has(obj.Ref)) return this.names.get(obj.Ref) as T;
    const getAtt = obj['Fn::GetAtt'];
    if (Array.isArray(getAtt) && getAtt[1] === 'Arn' && this.arns.has(getAtt[0])) return this.arns.get(getAtt[0]) as T;
    return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, this.resolve(v)])) as T;
  }

  public queueUrl(logicalId: string): string {
    const url = this.queueUrls.get(logicalId);
    if (!url) throw new Error(`queue ${logicalId} was not created`);
    return url;
  }
}

/** AWS::SQS::Queue properties that are queue attributes moto honours, as SQS names them. */
const QUEUE_ATTRIBUTES = ['VisibilityTimeout', 'MessageRetentionPeriod', 'DelaySeconds', 'ReceiveMessageWaitTimeSeconds',
  'MaximumMessageSize', 'FifoQueue', 'ContentBasedDeduplication', 'DeduplicationScope', 'FifoThroughputLimit', 'RedrivePolicy'];

/**
 * Creates every AWS::SQS::Queue of the template, dead-letter queues first so a RedrivePolicy's
 * `deadLetterTargetArn` resolves. Encryption properties are left out: moto does not encrypt.
 */
export async function createQueues(sqs: SQSClient, template: Template, created = new CreatedResources()): Promise<CreatedResources> {
  const queues = Object.entries(template.Resources).filter(([, r]) => r.Type === 'AWS::SQS::Queue');
  const ordered = [...queues.filter(([, r]) => !r.Properties?.RedrivePolicy), ...queues.filter(([, r]) => r.Properties?.RedrivePolicy)];
  for (const [logicalId, resource] of ordered) {
    const props = created.resolve(resource.Properties ?? {});
    const attributes: Record<string, string> = {};
    for (const name of QUEUE_ATTRIBUTES) {
      if (props[name] === undefined) continue;
      attributes[name] = typeof props[name] === 'object' ? JSON.stringify(props[name]) : String(props[name]);
    }
    const name = `${logicalId}${props.FifoQueue ? '.fifo' : ''}`;
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
    created.add(logicalId, QueueUrl!, Attributes!.QueueArn!);
    created.queueUrls.set(logicalId, QueueUrl!);
  }
  return created;
}

/** Creates every AWS::DynamoDB::Table of the template with its key schema and billing mode. */
export async function createTables(dynamodb: DynamoDBClient, template: Template, created = new CreatedResources()): Promise<CreatedResources> {
  for (const [logicalId, resource] of Object.entries(template.Resources)) {
    if (resource.Type !== 'AWS::DynamoDB::Table') continue;
    const props = resource.Properties;
    const { TableDescription } = await dynamodb.send(new CreateTableCommand({
      TableName: logicalId,
      KeySchema: props.KeySchema,
      AttributeDefinitions: props.AttributeDefinitions,
      BillingMode: props.BillingMode ?? 'PROVISIONED',
      ...(props.BillingMode === 'PAY_PER_REQUEST' ? {} : { ProvisionedThroughput: props.ProvisionedThroughput }),
    }));
    created.add(logicalId, logicalId, TableDescription!.TableArn!);
  }
  return created;
}
