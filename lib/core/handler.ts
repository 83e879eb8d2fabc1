import * as path from 'path';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { IConstruct } from 'constructs';
import { bundleEntry, EntryOptions, EntryTarget } from './entry-bundling';

/**
 * The code a construct runs: your own TypeScript or JavaScript file bundled for you, your own
 * `lambda.Code` and handler, an asset folder, or a function you created yourself.
 *
 * With `fromEntry`/`fromCode`/`fromAsset` the construct creates the function with the library's safe
 * defaults (ARM64, current Node.js LTS, tracing, log retention). With `fromFunction` it wires the
 * function you give and leaves its configuration to you.
 */
export class HandlerCode {
  /**
   * Your code and handler, e.g. `lambda.Code.fromAsset('dist/worker')` and `'index.handler'`.
   * @param code the deployment package
   * @param handler the `file.export` entry point inside the package
   */
  public static fromCode(code: lambda.Code, handler: string): HandlerCode {
    return new HandlerCode(() => code, handler, undefined);
  }

  /**
   * Your handler's TypeScript or JavaScript file, bundled at synth the way this library bundles
   * its own handlers: esbuild through aws-lambda-nodejs' NodejsFunction bundling, run locally
   * (never in Docker), cjs, minified, ESM entry points preferred, the runtime's AWS SDK left out,
   * targeting the function's Node.js runtime. Needs `esbuild` installed in your project
   * (`npm install -D esbuild`); a missing file or a missing esbuild is a synth error.
   * @param entry path of the file, relative to the folder you run cdk in, e.g. `src/worker.ts`
   * @param options the export name and bundling overrides
   */
  public static fromEntry(entry: string, options: EntryOptions = {}): HandlerCode {
    return new HandlerCode((target) => {
      if (!target) throw new Error(`cdk-serverless-patterns: HandlerCode.fromEntry('${entry}').createCode() needs the function's scope, runtime and architecture`);
      return bundleEntry(entry, options, target);
    }, `index.${options.handler ?? 'handler'}`, undefined, undefined, { path: entry, options });
  }

  /**
   * A local folder holding an already-bundled handler.
   * @param assetPath folder with the handler file
   * @param handler entry point inside the folder
   * @default handler 'index.handler'
   */
  public static fromAsset(assetPath: string, handler: string = 'index.handler'): HandlerCode {
    // A Code asset belongs to one stack: make a new one per function so one HandlerCode can
    // serve constructs in several stacks.
    return new HandlerCode(() => lambda.Code.fromAsset(assetPath), handler, undefined);
  }

  /**
   * A function you created and configured yourself; the construct only wires it.
   * Construct props that configure a function (timeout, memory, reserved concurrency,
   * environment) are then rejected, since they would be silently ignored.
   */
  public static fromFunction(fn: lambda.IFunction): HandlerCode {
    return new HandlerCode(undefined, undefined, fn);
  }

  /**
   * One of this library's pre-bundled handlers (`assets/<name>`), shipped in the package. An
   * unknown name is an error that lists the bundled ones.
   * @param name the asset name, e.g. `sqs-worker/example`
   */
  public static bundled(name: string): HandlerCode {
    const current = currentBundledName(name);
    const assetPath = bundledAssetPath(current);
    return new HandlerCode(() => lambda.Code.fromAsset(assetPath), 'index.handler', undefined, current);
  }

  /** The entry point, when the construct creates the function. */
  public readonly handler?: string;
  /** The function given through `fromFunction`. */
  public readonly existingFunction?: lambda.IFunction;
  /** The name of the bundled handler given to `bundled` (a Node.js handler). */
  public readonly bundledName?: string;
  /** The file given to `fromEntry`, as given. */
  public readonly entry?: string;
  /** The options given to `fromEntry`. */
  public readonly entryOptions?: EntryOptions;
  private readonly codeFactory?: (target?: EntryTarget) => lambda.Code;

  private constructor(codeFactory?: (target?: EntryTarget) => lambda.Code, handler?: string, existingFunction?: lambda.IFunction,
    bundledName?: string, entry?: { path: string; options: EntryOptions }) {
    this.codeFactory = codeFactory;
    this.handler = handler;
    this.existingFunction = existingFunction;
    this.bundledName = bundledName;
    this.entry = entry?.path;
    this.entryOptions = entry?.options;
  }

  /**
   * The deployment package for a new function; undefined for `fromFunction`.
   * Asset-based handlers return a new asset on every call (an asset belongs to one stack).
   * @param scope the function the code is for (needed by `fromEntry`, which bundles for it)
   * @param runtime the function's runtime (`fromEntry` targets its Node.js version)
   * @param architecture the function's architecture
   * @default - no function: enough for every variant except `fromEntry`
   */
  public createCode(scope?: IConstruct, runtime?: lambda.Runtime, architecture?: lambda.Architecture): lambda.Code | undefined {
    const target = scope && runtime && architecture ? { scope, runtime, architecture } : undefined;
    return this.codeFactory?.(target);
  }
}

/**
 * Folders of the bundled handlers before they mirrored the construct folders (0.1.0):
 * `fan-out/example` and `saga/<step>` keep working.
 */
const LEGACY_BUNDLED_NAMES: { [folder: string]: string } = {
  'fan-out': 'fan-out-pipeline',
  'saga': 'saga-state-machine',
};

/** The current name of a bundled handler given by its current or its 0.1.0 name. */
function currentBundledName(name: string): string {
  const [folder, ...rest] = name.split('/');
  const renamed = LEGACY_BUNDLED_NAMES[folder];
  return renamed === undefined ? name : [renamed, ...rest].join('/');
}

/** The package's `assets/` folder (lib/core/handler.(ts|js) -> <package root>/assets). */
const ASSETS_DIR = path.join(__dirname, '..', '..', 'assets');

/** Folder of a pre-bundled handler shipped in this package's `assets/`. */
export function bundledAssetPath(name: string): string {
  const dir = path.join(ASSETS_DIR, ...name.split('/'));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const fs = require('fs') as typeof import('fs');
  if (!fs.existsSync(path.join(dir, 'index.js'))) {
    // A package user mistyped a name: show the names there are (the package always ships them).
    const names = bundledNames(fs);
    throw new Error(`cdk-serverless-patterns: HandlerCode.bundled('${name}') names no bundled handler. `
      + (names.length > 0 ? `The bundled handlers are: ${names.join(', ')}` : `This installation has none at ${ASSETS_DIR}: reinstall the package`));
  }
  return dir;
}

/** `<folder>/<name>` of every bundled handler in `assets/` (each a folder with an index.js), sorted. */
function bundledNames(fs: typeof import('fs')): string[] {
  if (!fs.existsSync(ASSETS_DIR)) return [];
  return fs.readdirSync(ASSETS_DIR, { withFileTypes: true }).filter((d) => d.isDirectory()).flatMap((folder) =>
    fs.readdirSync(path.join(ASSETS_DIR, folder.name), { withFileTypes: true })
      .filter((d) => d.isDirectory() && fs.existsSync(path.join(ASSETS_DIR, folder.name, d.name, 'index.js')))
      .map((d) => `${folder.name}/${d.name}`)).sort();
}
