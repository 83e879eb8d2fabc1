/**
 * The aws-cdk-lib the tests run against is the one intended: the pinned devDependency in a plain
 * `npm test`, the peer floor (or another version) under scripts/test-cdk-version.sh, which sets
 * EXPECT_AWS_CDK_LIB_VERSION and maps aws-cdk-lib to that install. Without this check a broken
 * mapping would silently test the pinned version twice.
 */
import { App, Stack } from 'aws-cdk-lib';
import * as pkg from '../package.json';

test('aws-cdk-lib is the version under test, and the peer range admits it', () => {
  const expected = process.env.EXPECT_AWS_CDK_LIB_VERSION ?? pkg.devDependencies['aws-cdk-lib'];
  // Loaded through the same module mapping the library and the tests use (a require, so jest maps it).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { version } = require('aws-cdk-lib/package.json') as { version: string };
  expect(version).toBe(expected);
  const floor = pkg.peerDependencies['aws-cdk-lib'].replace(/^\^/, '');
  const parts = (v: string) => v.split('.').map(Number);
  const [major, minor, patch] = parts(version);
  const [fMajor, fMinor, fPatch] = parts(floor);
  expect(major).toBe(fMajor);
  expect(minor * 1000 + patch).toBeGreaterThanOrEqual(fMinor * 1000 + fPatch);
  // The copy the tests' imports load is that copy: one App class, not two.
  expect(new Stack(new App(), 'S').node.root).toBeInstanceOf(App);
});
