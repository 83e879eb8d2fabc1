/**
 * The construct tests against the oldest supported aws-cdk-lib (the peer floor in package.json):
 * `scripts/test-cdk-version.sh` installs that version into .cache/cdk/<version> and runs this config,
 * which maps every `aws-cdk-lib` import (the tests', the library's and cdk-nag's) to that copy.
 * Only tests that synthesize constructs run: handler, CLI and packaging tests do not depend on the
 * aws-cdk-lib version.
 */
const path = require('path');
const { projects } = require('./jest.config.js');

const floorDir = process.env.CDK_FLOOR_DIR;
if (!floorDir) throw new Error('CDK_FLOOR_DIR is not set: run scripts/test-cdk-version.sh');
const floorLib = path.join(floorDir, 'node_modules', 'aws-cdk-lib');
const unit = projects.find((p) => p.displayName === 'unit');

/** Tests that spawn the CLI, npm or handlers, or never import aws-cdk-lib. */
const NOT_CONSTRUCT_TESTS = [
  'examples', 'packaging', 'synth-notes', 'readme', 'python-handler', 'runtime-', 'signed-http', 'sqs-poller',
  'jest-projects', 'idempotency-scenarios', '-handler', '-handlers', 'stream-worker-runtime', 'stream-worker-dynamodb',
  'scheduled-job-runtime', 'sqs-worker-runtime', 'stream-mapping-model', 'cron-timezone', 'fan-out-pipeline-filters',
  '\\.local\\.', '\\.kinesalite\\.',
];
/** e2e suites that synthesize constructs in-process (their spawned process is esbuild, not the CLI). */
const E2E_CONSTRUCT_TESTS = ['handler-from-entry'];

/** @type {import('jest').Config} */
module.exports = {
  testTimeout: 120000,
  projects: [{
    ...unit,
    displayName: 'cdk-floor',
    testPathIgnorePatterns: [
      ...unit.testPathIgnorePatterns.filter((pattern) => !pattern.includes('e2e')),
      `/test/(?!(${E2E_CONSTRUCT_TESTS.join('|')})\\.)[^/]*\\.e2e\\.test\\.ts$`,
      ...NOT_CONSTRUCT_TESTS.map((name) => `/test/[^/]*${name}[^/]*$`),
    ],
    moduleNameMapper: {
      ...unit.moduleNameMapper,
      '^aws-cdk-lib$': floorLib,
      '^aws-cdk-lib/(.*)$': `${floorLib}/$1`,
      // One constructs copy for the floor's aws-cdk-lib and the tests (instanceof Construct).
      '^constructs$': path.join(__dirname, 'node_modules', 'constructs'),
    },
  }],
};
