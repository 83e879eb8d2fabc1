import { Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * Acknowledges a rule-pack finding (cdk-nag `AwsSolutions-*`, `Serverless-*`, ...) on a construct
 * and its children, with the reason our design makes it a false positive.
 *
 * Uses aws-cdk-lib's own `Validations.acknowledge`, which cdk-nag 3 reads from construct metadata,
 * so cdk-nag is not a runtime dependency. Use the plain rule id (e.g. `SQS4`'s full id
 * `AwsSolutions-SQS4`), not the `Pack::Id` form.
 */
export function acknowledgeRule(scope: IConstruct, id: string, reason: string): void {
  Validations.of(scope).acknowledge({ id, reason });
}
