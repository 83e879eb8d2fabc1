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
