import { CfnResource, Stack, Token } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { Json, resolveProperties } from './resource-props';

export { Json, resolveProperties } from './resource-props';

/** One resource of a stack, with its logical id, construct path and (lazily) its resolved properties. */
export interface ModelResource {
  readonly logicalId: string;
  readonly type: string;
  /** The construct path of the resource (e.g. `MyStack/Jobs/Resource`), as findings name it. */
  readonly path: string;
  /** Properties in CloudFormation shape, tokens resolved; `{}` if none. */
  readonly props: Json;
}

/** A resource of a synthesized template (`Resources.<logicalId>`). */
interface TemplateResource {
  readonly Type?: string;
  readonly Properties?: Json;
  readonly Metadata?: Json;
}

/**
 * The resources of one stack, indexed by logical id, so a rule can follow `Ref` and
 * `Fn::GetAtt` from one resource to another. Built from a synthesized template
 * (`StackModel.fromTemplate`, what the guardrails judge: overrides, escape hatches and every L1
 * included), or from a stack's construct tree while it is being built (`StackModel.of`, what a
 * construct asks when it validates its own props; typed L1 attributes, see `resolveProperties`).
 *
 * What is not resolvable: a reference to a resource of another stack (at aspect time it resolves
 * to the other stack's `Ref`/`Fn::GetAtt`, whose logical id is not in this stack), an
 * `Fn::ImportValue`, a `CfnParameter`, or an ARN string of an imported resource. Rules treat such
 * an end as unknown: they do not guess (no finding), and say so where it matters.
 */
export class StackModel {
  private static readonly cache = new WeakMap<Stack, StackModel>();

  /** The model of the stack holding `scope` (built once per stack). */
  public static of(scope: IConstruct, rebuild = false): StackModel {
    const stack = Stack.of(scope);
    let model = StackModel.cache.get(stack);
    if (!model || rebuild) {
      model = new StackModel(stack);
      StackModel.cache.set(stack, model);
    }
    return model;
  }

  /**
   * The model of a synthesized template. `pathOf` names a resource by its construct path (the
   * template's `aws:cdk:path` metadata, when present, is the fallback; then the logical id).
   */
  public static fromTemplate(template: Json, pathOf: (logicalId: string) => string | undefined = () => undefined): StackModel {
    const model = new StackModel();
    for (const [logicalId, resource] of Object.entries((template?.Resources ?? {}) as Record<string, TemplateResource>)) {
      model.add({
        logicalId,
        type: resource.Type ?? '',
        path: pathOf(logicalId) ?? resource.Metadata?.['aws:cdk:path'] ?? logicalId,
        props: resource.Properties ?? {},
      });
    }
    return model;
  }

  private readonly byId = new Map<string, ModelResource>();
  private readonly byResource = new Map<CfnResource, ModelResource>();

  private constructor(stack?: Stack) {
    for (const node of stack?.node.findAll() ?? []) {
      if (!CfnResource.isCfnResource(node) || Stack.of(node) !== stack) continue;
      let props: Json | undefined;
      const entry: ModelResource = {
        logicalId: stack.resolve(node.logicalId) as string,
        type: node.cfnResourceType,
        path: node.node.path,
        // Resolved on first use: only the resource types a rule reads are ever resolved.
        get props(): Json {
          if (props === undefined) props = resolveProperties(stack, node);
          return props;
        },
      };
      this.add(entry);
      this.byResource.set(node, entry);
    }
  }

  private add(entry: ModelResource): void {
    this.byId.set(entry.logicalId, entry);
  }

  /** Every resource of the model. */
  public all(): ModelResource[] {
    return [...this.byId.values()];
  }

  /** The model entry of a resource of this stack (a model built from the construct tree). */
  public entry(resource: CfnResource): ModelResource | undefined {
    return this.byResource.get(resource);
  }

  /** The resource with this logical id, if it is in this stack. */
  public get(logicalId: string): ModelResource | undefined {
    return this.byId.get(logicalId);
  }

  /** All resources of a CloudFormation type. */
  public ofType(type: string): ModelResource[] {
    return [...this.byId.values()].filter((r) => r.type === type);
  }

  /** Resources of this stack that `value` references through `Ref` or `Fn::GetAtt`. */
  public referenced(value: Json): ModelResource[] {
    return referencedIds(value).map((id) => this.byId.get(id)).filter((r): r is ModelResource => r !== undefined);
  }

  /**
   * The Lambda function `value` points at: directly (`Ref`/`Fn::GetAtt` of a function), or through
   * an alias or version of it. Undefined when it points elsewhere (another stack, an imported ARN).
   */
  public functionOf(value: Json): ModelResource | undefined {
    for (const target of this.referenced(value)) {
      if (target.type === 'AWS::Lambda::Function') return target;
      if (target.type === 'AWS::Lambda::Alias' || target.type === 'AWS::Lambda::Version') {
        const fn = this.functionOf(target.props.FunctionName);
        if (fn) return fn;
      }
    }
    return undefined;
  }

  /** True when `value` points at `fn` through an alias or a version (a qualified invocation). */
  public isQualifiedReference(value: Json): boolean {
    return this.referenced(value).some((t) => t.type === 'AWS::Lambda::Alias' || t.type === 'AWS::Lambda::Version');
  }
}

/** Logical ids referenced anywhere in `value` through `Ref` or `Fn::GetAtt`. */
export function referencedIds(value: Json): string[] {
  const ids: string[] = [];
  const walk = (v: Json): void => {
    if (Array.isArray(v)) {
      v.forEach(walk);
    } else if (v && typeof v === 'object') {
      for (const [key, inner] of Object.entries(v)) {
        if (key === 'Ref' && typeof inner === 'string') ids.push(inner);
        else if (key === 'Fn::GetAtt') {
          if (Array.isArray(inner) && typeof inner[0] === 'string') ids.push(inner[0]);
          else if (typeof inner === 'string') ids.push(inner.split('.')[0]);
        } else walk(inner);
      }
    }
  };
  walk(value);
  return ids;
}

/** A number from a resolved property, or undefined when absent or not concrete. */
export function concreteNumber(value: Json): number | undefined {
  if (typeof value === 'number' && !Token.isUnresolved(value)) return value;
  if (typeof value === 'string' && /^\d+(\.\d+)?$/.test(value)) return Number(value);
  return undefined;
}

/** A value as a list (CloudFormation accepts a single value or a list in policies). */
export function asList(value: Json): Json[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}
