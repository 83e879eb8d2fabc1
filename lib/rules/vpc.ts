import { GuardrailRule, GuardrailSeverity } from './ids';
import { defineRule } from './rule';

/**
 * What the VPC egress rule judges: a function placed in a VPC, the AWS services the library's
 * runtime in it calls, and how its subnets reach AWS.
 */
export interface VpcEgressFacts {
  /** The function has a VPC configuration. */
  readonly inVpc?: boolean;
  /**
   * Every selected subnet routes 0.0.0.0/0 through a NAT gateway (or another non-internet-gateway
   * target: a NAT instance, a transit gateway, a network interface). False when at least one
   * subnet has no such route; undefined when a subnet or its route table cannot be seen.
   */
  readonly subnetsHaveEgress?: boolean;
  /** The function may use IPv6 in dual-stack subnets (`VpcConfig.Ipv6AllowedForDualStack`). */
  readonly ipv6AllowedForDualStack?: boolean;
  /**
   * Every selected subnet routes ::/0 out: an egress-only internet gateway (or an internet gateway,
   * a transit gateway, a network interface). Undefined when a subnet or its route table cannot be seen.
   */
  readonly subnetsHaveIpv6Egress?: boolean;
  /** Endpoint service names (`dynamodb`, `sqs`, `states`, ...) the function calls. */
  readonly neededServices?: string[];
  /** Endpoint service names with a VPC endpoint usable from the selected subnets; undefined when unknown. */
  readonly endpointServices?: string[];
}

/**
 * Endpoint service names (the last part of `com.amazonaws.<region>.<service>`) that the library's
 * runtime helpers call from inside a function, read from the environment variables the
 * constructs set. Lambda itself polls queues and streams, writes logs and traces and delivers
 * destinations, so those need no endpoint; what the handler's own code calls cannot be seen.
 */
export function servicesNeededByEnvironment(variableNames: string[]): string[] {
  const needed = new Set<string>();
  // The idempotency layer; the bundled stream-worker handlers' read model.
  if (variableNames.includes('IDEMPOTENCY_TABLE_NAME') || variableNames.includes('READ_MODEL_TABLE_NAME')) needed.add('dynamodb');
  if (variableNames.includes('REDRIVE_TARGET_FUNCTION_ARN')) {
    needed.add('sqs');
    needed.add('lambda');
  }
  return [...needed];
}

/**
 * A function in a VPC reaches the AWS services it calls: its subnets route to a NAT gateway, or
 * (a dual-stack function, `ipv6AllowedForDualStack`) route ::/0 to an egress-only internet gateway,
 * or the VPC has an endpoint for each of those services.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html#configuration-vpc-ipv6
 * @see https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc-internet.html
 * @see https://docs.aws.amazon.com/vpc/latest/privatelink/create-interface-endpoint.html
 */
export const vpcEgressRule = defineRule<VpcEgressFacts>({
  id: GuardrailRule.VPC_EGRESS,
  defaultSeverity: GuardrailSeverity.WARNING,
  summary: 'a function in a VPC reaches the AWS services it calls through a NAT route or VPC endpoints',
  check: ({ inVpc, subnetsHaveEgress, ipv6AllowedForDualStack, subnetsHaveIpv6Egress, neededServices, endpointServices }) => {
    if (inVpc !== true || subnetsHaveEgress !== false || !neededServices || !endpointServices) return undefined;
    // A dual-stack function leaves over IPv6 through an egress-only internet gateway: no NAT needed.
    if (ipv6AllowedForDualStack === true && subnetsHaveIpv6Egress !== false) return undefined;
    const missing = neededServices.filter((service) => !endpointServices.includes(service));
    if (missing.length === 0) return undefined;
    return {
      rule: GuardrailRule.VPC_EGRESS,
      message: `is in a VPC whose selected subnets have no route to a NAT gateway and no VPC endpoint for ${missing.join(', ')}: `
        + `its calls to ${missing.join(', ')} time out (a public subnet's internet gateway gives a function no public IP)`,
      fix: `add VPC endpoints for ${missing.join(', ')} (new ServerlessVpcEndpoints(...)), or place the function in subnets `
        + 'with a NAT route (vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }), or in dual-stack subnets with an '
        + 'egress-only internet gateway route (::/0) and ipv6AllowedForDualStack: true',
    };
  },
});
