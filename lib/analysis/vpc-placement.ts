import { servicesNeededByEnvironment, VpcEgressFacts } from '../rules/vpc';
import { asList, Json, ModelResource, referencedIds, StackModel } from './stack-model';

/**
 * The facts of the VPC egress rule for a function, read from the stack's L1 resources: its
 * `VpcConfig` subnets, their route tables (`AWS::EC2::SubnetRouteTableAssociation`, `AWS::EC2::Route`)
 * and the VPC's endpoints (`AWS::EC2::VPCEndpoint`).
 *
 * Only what the stack defines can be seen: subnets of an imported VPC (`Vpc.fromLookup`,
 * `fromVpcAttributes`) are plain ids, so egress is unknown and the rule stays silent.
 */
export function vpcEgressFactsOf(model: StackModel, fn: ModelResource): VpcEgressFacts {
  const vpcConfig: Json = fn.props.VpcConfig;
  const subnetIds = asList(vpcConfig?.SubnetIds);
  if (subnetIds.length === 0) return { inVpc: vpcConfig !== undefined ? undefined : false };
  const neededServices = servicesNeededByEnvironment(Object.keys(fn.props.Environment?.Variables ?? {}));
  const subnets = subnetIds.map((id) => model.referenced(id).find((r) => r.type === 'AWS::EC2::Subnet'));
  if (subnets.some((s) => s === undefined)) return { inVpc: true, neededServices };
  const routeTables = (subnets as ModelResource[]).map((subnet) => routeTableOf(model, subnet));
  if (routeTables.some((t) => t === undefined)) return { inVpc: true, neededServices };
  const tables = routeTables as string[];
  const vpcIds = new Set((subnets as ModelResource[]).flatMap((s) => referencedIds(s.props.VpcId)));
  return {
    inVpc: true,
    neededServices,
    subnetsHaveEgress: tables.every((table) => hasEgressRoute(model, table)),
    ipv6AllowedForDualStack: vpcConfig?.Ipv6AllowedForDualStack === true,
    subnetsHaveIpv6Egress: tables.every((table) => hasIpv6EgressRoute(model, table)),
    endpointServices: endpointServices(model, vpcIds, tables),
  };
}

/** Logical id of the route table associated with a subnet; undefined when none is in the stack (the VPC's main table). */
function routeTableOf(model: StackModel, subnet: ModelResource): string | undefined {
  const association = model.ofType('AWS::EC2::SubnetRouteTableAssociation')
    .find((a) => referencedIds(a.props.SubnetId).includes(subnet.logicalId));
  return association ? referencedIds(association.props.RouteTableId)[0] : undefined;
}

/**
 * A default route (0.0.0.0/0) whose target gives a function's private address a way out: anything
 * but an internet gateway, since Lambda's network interfaces get no public IP.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc-internet.html
 */
function hasEgressRoute(model: StackModel, routeTable: string): boolean {
  return model.ofType('AWS::EC2::Route').some((route) => {
    const p = route.props;
    if (!referencedIds(p.RouteTableId).includes(routeTable) || p.DestinationCidrBlock !== '0.0.0.0/0') return false;
    return [p.NatGatewayId, p.InstanceId, p.TransitGatewayId, p.NetworkInterfaceId].some((target) => target !== undefined);
  });
}

/**
 * An IPv6 default route (::/0): a dual-stack function's IPv6 address is global, so an egress-only
 * internet gateway (or an internet gateway, a transit gateway, a network interface) is a way out.
 * @see https://docs.aws.amazon.com/vpc/latest/userguide/egress-only-internet-gateway.html
 */
function hasIpv6EgressRoute(model: StackModel, routeTable: string): boolean {
  return model.ofType('AWS::EC2::Route').some((route) => {
    const p = route.props;
    if (!referencedIds(p.RouteTableId).includes(routeTable) || p.DestinationIpv6CidrBlock !== '::/0') return false;
    return [p.EgressOnlyInternetGatewayId, p.GatewayId, p.TransitGatewayId, p.NetworkInterfaceId].some((target) => target !== undefined);
  });
}

/**
 * Services with an endpoint the subnets can use: an interface endpoint anywhere in the VPC (private
 * DNS answers for the whole VPC), a gateway endpoint only when it is on every subnet's route table.
 */
function endpointServices(model: StackModel, vpcIds: Set<string>, routeTables: string[]): string[] {
  const services: string[] = [];
  for (const endpoint of model.ofType('AWS::EC2::VPCEndpoint')) {
    const p = endpoint.props;
    if (!referencedIds(p.VpcId).some((id) => vpcIds.has(id))) continue;
    const service = endpointServiceName(p.ServiceName);
    if (!service) continue;
    if (p.VpcEndpointType === 'Gateway') {
      const tables = asList(p.RouteTableIds).flatMap((t) => referencedIds(t));
      if (!routeTables.every((t) => tables.includes(t))) continue;
    }
    services.push(service);
  }
  return services;
}

/** `sqs` from `com.amazonaws.us-east-1.sqs`, or from its `Fn::Join` with the region as a token. */
export function endpointServiceName(serviceName: Json): string | undefined {
  const text = typeof serviceName === 'string' ? serviceName
    : Array.isArray(serviceName?.['Fn::Join']?.[1])
      ? (serviceName['Fn::Join'][1] as Json[]).map((part) => (typeof part === 'string' ? part : 'REGION')).join(serviceName['Fn::Join'][0])
      : undefined;
  const match = text?.match(/^com\.amazonaws\.[^.]+\.(.+)$/);
  return match?.[1];
}
