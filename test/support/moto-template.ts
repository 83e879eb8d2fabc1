import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';

/**
 * Creates in moto the resources of a synthesized template that the moto tests exercise, with the
 * properties exactly as synthesized (moto's CloudFormation skips too much of this library's
 * templates to deploy them whole; see CONTRIBUTING.md, Development). Physical names are the
 * logical ids after a prefix (stacks of one test file may repeat logical ids); `resolve` replaces
 * `Ref` and `Fn::GetAtt [id, Arn]` by what was created.
 */

type Template = { Resources: Record<string, { Type: string; Properties?: any }> };

/** Physical ids of what was created, by logical id. */
export class CreatedResources {
  private readonly names = new Map<string, string>();
  private readonly arns = new Map<string, string>();
  public readonly queueUrls = new Map<string, string>();

  constructor(private readonly prefix = '') {}

  /** The name given in moto to a resource of the template. */
  public physicalName(logicalId: string): string {
    return `${this.prefix}${logicalId}`;
  }

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
 * Creates every AWS::SQS::Queue of the template. Encryption properties are left out: moto does not encrypt.
 */
export async function createQueues(sqs: SQSClient, template: Template, created = new CreatedResources()): Promise<CreatedResources> {
  const queues = Object.entries(template.Resources).filter(([, r]) => r.Type === 'AWS::SQS::Queue');
  // Dead-letter queues first (in parallel), so a RedrivePolicy's deadLetterTargetArn resolves.
  for (const tier of [queues.filter(([, r]) => !r.Properties?.RedrivePolicy), queues.filter(([, r]) => r.Properties?.RedrivePolicy)]) {
    await Promise.all(tier.map(async ([logicalId, resource]) => {
      const props = created.resolve(resource.Properties ?? {});
      const attributes: Record<string, string> = {};
      for (const name of QUEUE_ATTRIBUTES) {
        if (props[name] === undefined) continue;
        attributes[name] = typeof props[name] === 'object' ? JSON.stringify(props[name]) : String(props[name]);
      }
      const name = `${created.physicalName(logicalId)}${props.FifoQueue ? '.fifo' : ''}`;
      const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
      const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
      created.add(logicalId, QueueUrl!, Attributes!.QueueArn!);
      created.queueUrls.set(logicalId, QueueUrl!);
    }));
  }
  return created;
}

/** Creates every AWS::DynamoDB::Table of the template with its key schema and billing mode. */
export async function createTables(dynamodb: DynamoDBClient, template: Template, created = new CreatedResources()): Promise<CreatedResources> {
  for (const [logicalId, resource] of Object.entries(template.Resources)) {
    if (resource.Type !== 'AWS::DynamoDB::Table') continue;
    const props = resource.Properties;
    const { TableDescription } = await dynamodb.send(new CreateTableCommand({
      TableName: created.physicalName(logicalId),
      KeySchema: props.KeySchema,
      AttributeDefinitions: props.AttributeDefinitions,
      BillingMode: props.BillingMode ?? 'PROVISIONED',
      ...(props.BillingMode === 'PAY_PER_REQUEST' ? {} : { ProvisionedThroughput: props.ProvisionedThroughput }),
    }));
    created.add(logicalId, TableDescription!.TableName!, TableDescription!.TableArn!);
  }
  return created;
}

/**
 * Creates every AWS::SNS::Topic and AWS::SNS::Subscription of the template (queues first, with
 * createQueues). Subscription attributes as synthesized: FilterPolicy, FilterPolicyScope,
 * RawMessageDelivery, RedrivePolicy. Topic encryption is left out (moto does not encrypt).
 */
export async function createTopics(sns: SNSClient, template: Template, created: CreatedResources): Promise<CreatedResources> {
  for (const [logicalId, resource] of Object.entries(template.Resources)) {
    if (resource.Type !== 'AWS::SNS::Topic') continue;
    const fifo = resource.Properties?.FifoTopic === true;
    const { TopicArn } = await sns.send(new CreateTopicCommand({
      Name: `${created.physicalName(logicalId)}${fifo ? '.fifo' : ''}`,
      Attributes: fifo ? { FifoTopic: 'true' } : {},
    }));
    created.add(logicalId, TopicArn!, TopicArn!); // Ref of a topic is its ARN
  }
  for (const [logicalId, resource] of Object.entries(template.Resources)) {
    if (resource.Type !== 'AWS::SNS::Subscription') continue;
    const props = created.resolve(resource.Properties);
    const attributes: Record<string, string> = {};
    if (props.FilterPolicy) attributes.FilterPolicy = JSON.stringify(props.FilterPolicy);
    if (props.FilterPolicyScope) attributes.FilterPolicyScope = props.FilterPolicyScope;
    if (props.RawMessageDelivery !== undefined) attributes.RawMessageDelivery = String(props.RawMessageDelivery);
    if (props.RedrivePolicy) attributes.RedrivePolicy = JSON.stringify(props.RedrivePolicy);
    const { SubscriptionArn } = await sns.send(new SubscribeCommand({
      TopicArn: props.TopicArn, Protocol: props.Protocol, Endpoint: props.Endpoint, Attributes: attributes, ReturnSubscriptionArn: true,
    }));
    created.add(logicalId, SubscriptionArn!, SubscriptionArn!);
  }
  return created;
}

/** Creates every AWS::Events::Rule of the template with its pattern and targets (queues first). */
export async function createRules(events: EventBridgeClient, template: Template, created: CreatedResources): Promise<CreatedResources> {
  for (const [logicalId, resource] of Object.entries(template.Resources)) {
    if (resource.Type !== 'AWS::Events::Rule') continue;
    const props = created.resolve(resource.Properties);
    const name = created.physicalName(logicalId);
    const eventBusName = props.EventBusName ?? 'default';
    const { RuleArn } = await events.send(new PutRuleCommand({
      Name: name, EventBusName: eventBusName, EventPattern: JSON.stringify(props.EventPattern), State: props.State, Description: props.Description,
    }));
    const targets = await events.send(new PutTargetsCommand({ Rule: name, EventBusName: eventBusName, Targets: props.Targets }));
    if (targets.FailedEntryCount) throw new Error(`PutTargets failed for ${logicalId}: ${JSON.stringify(targets.FailedEntries)}`);
    created.add(logicalId, name, RuleArn!);
  }
  return created;
}
