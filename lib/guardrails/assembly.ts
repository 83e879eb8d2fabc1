import { existsSync, readFileSync } from 'fs';
import { basename, resolve } from 'path';
import { CfnResource, NestedStack, Stack, Stage } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import type { Json } from '../analysis/stack-model';

/** One synthesized template of the cloud assembly, and where it came from. */
export interface AssemblyTemplate {
  readonly templatePath: string;
  readonly template: Json;
  /** The construct of a logical id of this template, when the app's construct tree is known. */
  readonly constructOf: (logicalId: string) => IConstruct | undefined;
}

/**
 * The templates a validation plugin is given, plus those of their nested stacks (CDK passes only
 * the top-level ones), each with a way back from a logical id to its construct (the app's tree,
 * which CDK passes as `appConstruct`): findings name construct paths, and acknowledgements are
 * read from the construct tree.
 */
export function readTemplates(templatePaths: string[], appConstruct?: IConstruct): AssemblyTemplate[] {
  const byTemplate = appConstruct ? resourcesByTemplate(appConstruct) : new Map<string, Map<string, IConstruct>>();
  const given = new Set(templatePaths.map((p) => resolve(p)));
  const nested = appConstruct ? nestedStackTemplates(appConstruct).filter((p) => !given.has(p)) : [];
  return [...templatePaths, ...nested].map((templatePath) => {
    const resources = byTemplate.get(resolve(templatePath)) ?? byTemplate.get(basename(templatePath));
    return {
      templatePath,
      template: JSON.parse(readFileSync(templatePath, 'utf-8')),
      constructOf: (logicalId: string) => resources?.get(logicalId),
    };
  });
}

/** The template files of the nested stacks of an app whose parent's template is in the assembly. */
function nestedStackTemplates(app: IConstruct): string[] {
  return app.node.findAll()
    .filter((node): node is NestedStack => NestedStack.isNestedStack(node))
    .map((stack) => resolve(Stage.of(stack)?.outdir ?? '.', stack.templateFile))
    .filter((path) => existsSync(path));
}

/** The L1 resources of an app by template (absolute path, and file name as a fallback) and logical id. */
function resourcesByTemplate(app: IConstruct): Map<string, Map<string, IConstruct>> {
  const byTemplate = new Map<string, Map<string, IConstruct>>();
  const add = (key: string, logicalId: string, resource: IConstruct) => {
    let resources = byTemplate.get(key);
    if (!resources) byTemplate.set(key, resources = new Map());
    resources.set(logicalId, resource);
  };
  for (const node of app.node.findAll()) {
    if (!CfnResource.isCfnResource(node)) continue;
    const stack = Stack.of(node);
    const logicalId = stack.resolve(node.logicalId) as string;
    const outdir = Stage.of(stack)?.outdir;
    if (outdir) add(resolve(outdir, stack.templateFile), logicalId, node);
    add(stack.templateFile, logicalId, node);
  }
  return byTemplate;
}

/** What CDK's synthesis calls on every L1 to write it into its stack's template. */
interface RenderableResource {
  readonly _toCloudFormation?: () => object;
}

/**
 * The template fragment `resources` (L1s of `stack`) will have in the synthesized template, for a
 * check that must run before synthesis (an aspect, which can still annotate constructs): each
 * resource rendered and resolved exactly as synthesis does, so property overrides, escape hatches
 * and raw L1s are seen as the template will hold them. aws-cdk-lib offers no public per-resource
 * rendering; `_toCloudFormation` is the method `Stack` itself calls for every element (present
 * from the peer floor 2.263 on, checked by scripts/test-cdk-version.sh).
 */
export function renderTemplate(stack: Stack, resources: CfnResource[]): Json {
  const rendered: Json = {};
  for (const resource of resources) {
    const render = (resource as unknown as RenderableResource)._toCloudFormation;
    if (typeof render !== 'function') {
      throw new Error(`${resource.node.path}: this aws-cdk-lib (CfnResource without _toCloudFormation) cannot render a `
        + 'resource before synthesis. Fix: use aws-cdk-lib within the peer range of cdk-serverless-patterns');
    }
    Object.assign(rendered, (stack.resolve(render.call(resource)) as Json)?.Resources ?? {});
  }
  return { Resources: rendered };
}
