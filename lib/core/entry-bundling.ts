import * as fs from 'fs';
import * as path from 'path';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import type { IConstruct } from 'constructs';
import { isEsbuildInstalled } from './esbuild-installation';

/** Options of `HandlerCode.fromEntry`: how your handler file is bundled. */
export interface EntryOptions {
  /**
   * Name of the exported handler function in the entry file.
   * @default 'handler'
   */
  readonly handler?: string;
  /**
   * Modules left out of the bundle, loaded at run time from the Lambda runtime or a layer.
   * @default ['@aws-sdk/*'] (the AWS SDK v3 that the Lambda Node.js runtime ships)
   */
  readonly externalModules?: string[];
  /**
   * Global identifiers replaced with constant expressions at build time (esbuild `--define`);
   * each value is code, e.g. `JSON.stringify('v1')`.
   * @default - no replacements
   */
  readonly define?: { [name: string]: string };
  /**
   * Minify the bundle (identifiers, whitespace, syntax).
   * @default true
   */
  readonly minify?: boolean;
  /**
   * Lock file of your project (package-lock.json, yarn.lock, pnpm-lock.yaml or bun.lockb); its
   * folder is the project root esbuild runs in.
   * @default - the nearest lock file in the entry's folder or above it
   */
  readonly depsLockFilePath?: string;
}

/** What the bundler needs to know about the function the code is for. */
export interface EntryTarget {
  readonly scope: IConstruct;
  readonly runtime: lambda.Runtime;
  readonly architecture: lambda.Architecture;
}

const LOCK_FILES = ['package-lock.json', 'yarn.lock', 'pnpm-lock.yaml', 'bun.lockb', 'bun.lock'];

/**
 * The settings the library bundles its own handlers with (scripts/bundle-handlers.mjs
 * `bundleOptions`), in aws-lambda-nodejs terms: cjs, minified, ESM entry points preferred so
 * unused Powertools code drops out, the runtime's AWS SDK left out. The target follows the
 * function's runtime (NodejsFunction derives `node<major>` from it).
 */
export function tunedBundling(options: EntryOptions): nodejs.BundlingOptions {
  return {
    minify: options.minify ?? true,
    mainFields: ['module', 'main'],
    format: nodejs.OutputFormat.CJS,
    externalModules: options.externalModules ?? ['@aws-sdk/*'],
    define: options.define,
    sourceMap: false,
    esbuildArgs: { '--legal-comments': 'none' },
    logLevel: nodejs.LogLevel.WARNING,
    // Local esbuild only: a library synth never starts Docker.
    forceDockerBundling: false,
  };
}

/** Why an entry cannot be bundled (a missing file, no lock file, no esbuild), or undefined. */
export function entryProblem(entry: string, options: EntryOptions): { rule: string; fix: string } | undefined {
  const file = path.resolve(entry);
  const call = `is HandlerCode.fromEntry('${entry}')`;
  if (!fs.existsSync(file) || !fs.statSync(file).isFile()) {
    return { rule: `${call}, and no file exists at ${file}`, fix: 'pass the path of your handler\'s .ts or .js file, relative to the folder you run cdk in' };
  }
  if (options.depsLockFilePath !== undefined && !fs.existsSync(options.depsLockFilePath)) {
    return { rule: `${call} with depsLockFilePath '${options.depsLockFilePath}', and that file does not exist`, fix: 'point depsLockFilePath at your project\'s lock file' };
  }
  if (options.depsLockFilePath === undefined && findLockFile(path.dirname(file)) === undefined) {
    return { rule: `${call}, and no lock file (${LOCK_FILES.join(', ')}) is in its folder or above`, fix: 'run npm install in your project, or set depsLockFilePath' };
  }
  if (!isEsbuildInstalled()) {
    return { rule: `${call}, which bundles with a local esbuild (never Docker), and esbuild is not installed`, fix: 'npm install -D esbuild' };
  }
  return undefined;
}

/** The bundled asset of an entry, built by aws-lambda-nodejs' esbuild bundling at synth. */
export function bundleEntry(entry: string, options: EntryOptions, target: EntryTarget): lambda.Code {
  const file = path.resolve(entry);
  const depsLockFilePath = path.resolve(options.depsLockFilePath ?? findLockFile(path.dirname(file))!);
  return nodejsBundling().bundle(target.scope, {
    ...tunedBundling(options),
    entry: file,
    runtime: target.runtime,
    architecture: target.architecture,
    depsLockFilePath,
    projectRoot: path.dirname(depsLockFilePath),
  });
}

function findLockFile(dir: string): string | undefined {
  for (let current = dir; ; current = path.dirname(current)) {
    const found = LOCK_FILES.map((name) => path.join(current, name)).find((p) => fs.existsSync(p));
    if (found) return found;
    if (path.dirname(current) === current) return undefined;
  }
}

interface NodejsBundling {
  bundle(scope: IConstruct, props: nodejs.BundlingOptions & {
    entry: string; runtime: lambda.Runtime; architecture: lambda.Architecture; depsLockFilePath: string; projectRoot: string;
  }): lambda.AssetCode;
}

/**
 * The esbuild bundling NodejsFunction itself uses (aws-lambda-nodejs `Bundling.bundle`), which
 * aws-cdk-lib does not export by name: loaded from its file beside the exported module, so the
 * asset, hashing and local-esbuild detection are exactly NodejsFunction's.
 */
function nodejsBundling(): NodejsBundling {
  const file = path.join(path.dirname(require.resolve('aws-cdk-lib/aws-lambda-nodejs')), 'lib', 'bundling.js');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const bundling = fs.existsSync(file) ? (require(file) as { Bundling?: NodejsBundling }).Bundling : undefined;
  if (typeof bundling?.bundle !== 'function') {
    throw new Error(`cdk-serverless-patterns: HandlerCode.fromEntry needs aws-cdk-lib's aws-lambda-nodejs Bundling at ${file}; `
      + 'this aws-cdk-lib version moved it. Bundle the handler yourself and pass HandlerCode.fromAsset()');
  }
  return bundling;
}
