import * as path from 'path';
import * as lambda from 'aws-cdk-lib/aws-lambda';

/**
 * The code a construct runs: your own `lambda.Code` and handler, an asset folder, or a function
 * you created yourself.
 *
 * With `fromCode`/`fromAsset` the construct creates the function with the library's safe
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
   * One of this library's pre-bundled handlers (`assets/<name>`), built by `npm run build`.
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
  private readonly codeFactory?: () => lambda.Code;

  private constructor(codeFactory?: () => lambda.Code, handler?: string, existingFunction?: lambda.IFunction,
    bundledName?: string) {
    this.codeFactory = codeFactory;
    this.handler = handler;
    this.existingFunction = existingFunction;
    this.bundledName = bundledName;
  }

  /**
   * The deployment package for a new function; undefined for `fromFunction`.
   * Asset-based handlers return a new asset on every call (an asset belongs to one stack).
   */
  public createCode(): lambda.Code | undefined {
    return this.codeFactory?.();
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

/** Folder of a pre-bundled handler shipped in this package's `assets/`. */
export function bundledAssetPath(name: string): string {
  // lib/core/handler.(ts|js) -> <package root>/assets/<name>
  const dir = path.join(__dirname, '..', '..', 'assets', ...name.split('/'));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const fs = require('fs') as typeof import('fs');
  if (!fs.existsSync(path.join(dir, 'index.js'))) {
    throw new Error(`cdk-serverless-patterns: bundled handler '${name}' not found at ${dir}. `
      + 'Run `npm run bundle` (a fresh clone gets it from `npm ci`) or reinstall the package.');
  }
  return dir;
}
