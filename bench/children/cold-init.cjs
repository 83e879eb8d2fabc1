// One cold start: a fresh process requires a handler bundle and calls it once with a fixture.
// Prints BENCH_RESULT {bootMs, requireMs, firstCallMs, coldStartMs, threw}.
//   bootMs       Node.js bootstrap until this file runs (performance.now() is relative to process start)
//   requireMs    require() of the bundle: module-scope code, Powertools, SDK clients
//   firstCallMs  the first invocation (lazy work, first DynamoDB round trip when idempotency is on)
//   coldStartMs  process start -> first response: what a cold Lambda invocation pays on top of the runtime
'use strict';
const { lambdaContext } = require('./lambda-context.cjs');
// What Lambda's Node.js runtime does before it loads a handler, so the handler is not charged for
// it: its Runtime API client requires node:http and creates a keep-alive Agent in its constructor,
// before UserFunction.load (aws/aws-lambda-nodejs-runtime-interface-client: src/index.mjs `new
// RAPIDClient(...)` then `UserFunction.load`; src/RAPIDClient.js `require('http')`, `new
// this.http.Agent({ keepAlive: true, maxSockets: 1 })`; src/client/rapid-client.ts likewise). It
// runs before t0, so it counts in bootMs for every variant alike, the empty handler included.
const http = require('node:http');
new http.Agent({ keepAlive: true, maxSockets: 1 });
const t0 = performance.now();
const [bundlePath, fixtureJson] = process.argv.slice(2);
const mod = require(bundlePath);
const t1 = performance.now();
const fixture = JSON.parse(fixtureJson);
const context = lambdaContext(`req-${process.pid}`);
let threw;
Promise.resolve()
  .then(() => mod.handler(fixture, context))
  .catch((err) => { threw = (err && err.name) || String(err); })
  .then(() => {
    const t2 = performance.now();
    process.stdout.write(`\nBENCH_RESULT ${JSON.stringify({
      bootMs: t0, requireMs: t1 - t0, firstCallMs: t2 - t1, coldStartMs: t2, threw,
    })}\n`, () => process.exit(0));
  });
