/** Options both projects share. */
const shared = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  // .ts before .js: lib/ holds jsii output next to the sources and tests must run the sources.
  moduleFileExtensions: ['ts', 'js', 'json'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.jest.json' }],
  },
  setupFiles: ['<rootDir>/test/setup.ts'],
  // The runtime workspace's sources, not its build: tests and the handlers they load share one copy.
  moduleNameMapper: { '^@cdk-serverless-patterns/runtime/(.*)$': '<rootDir>/packages/runtime/src/$1' },
};

/** @type {import('jest').Config} */
module.exports = {
  testTimeout: 60000,
  // Jest's default is one worker fewer than the cores: a single worker on the 2-core machines this
  // project is developed and tested on. The suites wait on local servers (dynalite, moto) as much as
  // they compute, so two workers there halve the wall time; more cores get one worker each.
  maxWorkers: Math.max(2, require('os').availableParallelism() - 1),
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['**/*.test.ts'], testPathIgnorePatterns: ['/node_modules/', '\\.moto\\.test\\.ts$', '\\.e2e\\.test\\.ts$'] },
    // Suites that spawn processes (npm pack/install, the cdk CLI, registries, python3, esbuild,
    // bundles in a fresh node): slow, and not needed in the edit-test loop (`npm run test:unit`).
    // `npm test` runs them, as CI does. test/jest-projects.test.ts keeps spawning out of `unit`.
    { ...shared, displayName: 'e2e', testMatch: ['**/*.e2e.test.ts'] },
    // Tests against moto_server (SQS redrive, SNS/EventBridge matching, DynamoDB conditional
    // writes). Jest runs a project's global setup only when one of its files is selected, so moto
    // starts only for these files. See test/support/moto-global-setup.ts.
    {
      ...shared,
      displayName: 'moto',
      testMatch: ['**/*.moto.test.ts'],
      globalSetup: '<rootDir>/test/support/moto-global-setup.ts',
      globalTeardown: '<rootDir>/test/support/moto-global-teardown.ts',
    },
  ],
};
