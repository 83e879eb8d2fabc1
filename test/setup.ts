// Template validation at synth (aws-cdk-lib 2.276) costs ~2 s per Template.fromStack; the demo-app
// synth in test/examples.test.ts keeps it on as the real check.
process.env.CDK_VALIDATION ??= 'false';
process.env.JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION = '20';

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
