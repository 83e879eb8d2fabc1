import { spawnSync } from 'child_process';
import * as path from 'path';

/**
 * Whether NodejsFunction's bundling will find esbuild without Docker: resolvable from
 * aws-cdk-lib's own folder (as aws-lambda-nodejs looks for it), or an `esbuild` on PATH.
 * Its own module so a test can stand in for a machine without esbuild.
 */
export function isEsbuildInstalled(): boolean {
  try {
    require.resolve('esbuild/package.json', { paths: [path.dirname(require.resolve('aws-cdk-lib/package.json'))] });
    return true;
  } catch {
    const probe = spawnSync('esbuild', ['--version']);
    return probe.status === 0 && !probe.error;
  }
}
