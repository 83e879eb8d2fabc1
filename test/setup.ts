// Template validation at synth (aws-cdk-lib 2.276) costs ~2 s per Template.fromStack; the demo-app
// synth in test/examples.e2e.test.ts keeps it on as the real check.
process.env.CDK_VALIDATION ??= 'false';
// aws-cdk-lib records a creation stack trace in the metadata of every CloudFormation element (not in
// the template); under jest's source-map support that is 10-15% of a construct test's CPU, and no test
// reads it. Context from the environment, as the CDK CLI passes it; a test's own App context still applies.
process.env.CDK_CONTEXT_JSON = JSON.stringify({
  'aws:cdk:disable-creation-stack-traces': true,
  ...JSON.parse(process.env.CDK_CONTEXT_JSON ?? '{}'),
});
process.env.JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION = '20';
// This machine runs Node.js 20; the AWS SDK prints a multi-line "Node 20 support ends" process warning
// on every client's first use. It says nothing about the code under test (CONTRIBUTING.md, Development).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

// aws-local-stepfunctions 3 calls Promise.withResolvers (Node.js 22+); this machine runs Node.js 20.
if (typeof (Promise as unknown as { withResolvers?: unknown }).withResolvers !== 'function') {
  (Promise as unknown as { withResolvers: () => unknown }).withResolvers = function withResolvers<T>() {
    let resolve!: (value: T | PromiseLike<T>) => void;
    let reject!: (reason?: unknown) => void;
    const promise = new Promise<T>((res, rej) => { resolve = res; reject = rej; });
    return { promise, resolve, reject };
  };
}

// Handlers log through the real Powertools Logger; keep test output readable.
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';

// CI lints every template the tests synthesize with cfn-lint (scripts/cfn-lint.sh): with
// CFN_LINT_DIR set, each template read through Template.fromStack is also written there, once per content.
if (process.env.CFN_LINT_DIR) {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { createHash } = require('crypto') as typeof import('crypto');
  const { mkdirSync, writeFileSync } = require('fs') as typeof import('fs');
  const { join } = require('path') as typeof import('path');
  const { Template } = require('aws-cdk-lib/assertions') as typeof import('aws-cdk-lib/assertions');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const dir = process.env.CFN_LINT_DIR;
  mkdirSync(dir, { recursive: true });
  const fromStack = Template.fromStack.bind(Template);
  Template.fromStack = (...args: Parameters<typeof Template.fromStack>) => {
    const template = fromStack(...args);
    const json = template.toJSON();
    // A stack with no resources is not a deployable template (CloudFormation requires Resources).
    if (Object.keys(json.Resources ?? {}).length === 0) return template;
    const body = JSON.stringify(json);
    writeFileSync(join(dir, `${createHash('sha256').update(body).digest('hex').slice(0, 16)}.json`), body);
    return template;
  };
}
