#!/usr/bin/env bash
# The npm release, end to end against a real registry server: start Verdaccio on loopback with a
# temporary storage (an uplink to the public registry serves dependencies only), publish the packed
# construct library and runtime to it, then in a fresh folder install both BY NAME from it,
# synthesize a small app, bundle a handler that imports the runtime with esbuild and run it.
# Needs the build (lib/*.js, .jsii, assets/) first; .ci/run calls it after `npm run build`.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
started=$(date +%s)

# Verdaccio, pinned by .ci/verdaccio/package-lock.json, installed once into .cache/verdaccio.
vdir="$root/.cache/verdaccio"
if ! cmp -s .ci/verdaccio/package-lock.json "$vdir/package-lock.json" || [ ! -x "$vdir/node_modules/.bin/verdaccio" ]; then
  rm -rf "$vdir" && mkdir -p "$vdir"
  cp .ci/verdaccio/package.json .ci/verdaccio/package-lock.json "$vdir/"
  (cd "$vdir" && npm ci --no-audit --no-fund --loglevel=error)
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/csp-release-e2e.XXXXXX")"
vpid=""
cleanup() {
  if [ -n "$vpid" ]; then kill "$vpid" 2>/dev/null || true; wait "$vpid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

port="$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
registry="http://127.0.0.1:$port/"
upstream="$(npm config get registry)"
cat > "$work/verdaccio.yaml" <<YAML
storage: $work/storage
auth:
  htpasswd:
    file: $work/htpasswd
uplinks:
  upstream:
    url: $upstream
packages:
  # Ours are served only from what this test publishes, never from the uplink.
  'cdk-serverless-patterns':
    access: \$all
    publish: \$authenticated
  '@cdk-serverless-patterns/*':
    access: \$all
    publish: \$authenticated
  '**':
    access: \$all
    proxy: upstream
log: { type: file, path: $work/verdaccio.log, level: warn }
YAML
# Verdaccio 6 needs Node.js 22 or newer: it runs on the pinned Node.js 24 (the app below runs on
# whatever node is on PATH, Node.js 20 on the CI machine).
bash "$root/scripts/with-node24.sh" "$vdir/node_modules/.bin/verdaccio" --config "$work/verdaccio.yaml" --listen "127.0.0.1:$port" > "$work/verdaccio.out" 2>&1 &
vpid=$!
for _ in $(seq 1 100); do curl -fs "${registry}-/ping" >/dev/null 2>&1 && break; sleep 0.2; done
curl -fs "${registry}-/ping" >/dev/null || { cat "$work/verdaccio.out" >&2; echo "verdaccio did not start" >&2; exit 1; }

# A user for publishing (Verdaccio's htpasswd auth creates it on first sign-up) and its token.
token="$(curl -fs -X PUT -H 'content-type: application/json' \
  -d '{"name":"ci","password":"ci-release-e2e"}' "${registry}-/user/org.couchdb.user:ci" | node -p 'JSON.parse(require("fs").readFileSync(0,"utf8")).token')"
export npm_config_userconfig="$work/npmrc"
printf '%s\n' "registry=$registry" "//127.0.0.1:$port/:_authToken=$token" "update-notifier=false" "fund=false" "audit=false" > "$work/npmrc"

# Pack and publish both packages.
version="$(node -p 'require("./package.json").version')"
npm run build --silent -w @cdk-serverless-patterns/runtime
mkdir -p "$work/packs"
npm pack --silent --ignore-scripts --pack-destination "$work/packs" >/dev/null
npm pack --silent --ignore-scripts -w @cdk-serverless-patterns/runtime --pack-destination "$work/packs" >/dev/null
for tarball in "$work"/packs/*.tgz; do npm publish --silent --ignore-scripts "$tarball" >/dev/null; done
published="$(npm view cdk-serverless-patterns version) $(npm view @cdk-serverless-patterns/runtime version)"
[ "$published" = "$version $version" ] || { echo "published versions: $published, expected $version" >&2; exit 1; }

# A fresh app installs both by name (dependencies through the uplink, npm's cache first).
app="$work/app"
mkdir -p "$app" && cd "$app"
echo '{ "name": "release-e2e-app", "version": "1.0.0", "private": true }' > package.json
pin() { node -p "require('$root/package.json').devDependencies['$1']"; }
npm install --silent --prefer-offline --ignore-scripts \
  "cdk-serverless-patterns@$version" "@cdk-serverless-patterns/runtime@$version" \
  "aws-cdk-lib@$(pin aws-cdk-lib)" "constructs@$(pin constructs)" "esbuild@$(pin esbuild)"
resolved="$(node -p 'require("./package-lock.json").packages["node_modules/cdk-serverless-patterns"].resolved')"
case "$resolved" in "$registry"*) ;; *) echo "cdk-serverless-patterns came from $resolved, not the local registry" >&2; exit 1 ;; esac

cat > app.js <<'JS'
const { App, Stack } = require('aws-cdk-lib');
const { SqsWorker, HandlerCode } = require('cdk-serverless-patterns');
const app = new App({ outdir: 'cdk.out' });
const stack = new Stack(app, 'ReleaseE2e', { env: { account: '111111111111', region: 'eu-west-1' } });
new SqsWorker(stack, 'Orders', { handler: HandlerCode.bundled('sqs-worker/example') });
app.synth();
JS
CDK_VALIDATION=false node app.js
node -e '
const t = require("./cdk.out/ReleaseE2e.template.json");
const types = Object.values(t.Resources).map((r) => r.Type);
const fn = Object.values(t.Resources).find((r) => r.Type === "AWS::Lambda::Function");
const mapping = Object.values(t.Resources).find((r) => r.Type === "AWS::Lambda::EventSourceMapping");
if (types.filter((x) => x === "AWS::SQS::Queue").length !== 2) throw new Error("expected a queue and its DLQ: " + types);
if (fn.Properties.Runtime !== "nodejs24.x") throw new Error("runtime " + fn.Properties.Runtime);
if (JSON.stringify(mapping.Properties.FunctionResponseTypes) !== "[\"ReportBatchItemFailures\"]") throw new Error("no partial batch response");
'

cat > handler.ts <<'TS'
import { createSqsWorkerHandler } from '@cdk-serverless-patterns/runtime/sqs-worker';

export const handler = createSqsWorkerHandler<{ orderId: string; total: number }>(async (order) => {
  if (order.total < 0) throw new Error(`order ${order.orderId} has a negative total`);
  return order.orderId;
});
TS
npx esbuild handler.ts --bundle --platform=node --target=node22 --format=cjs --minify --main-fields=module,main \
  --external:@aws-sdk/* --outfile=dist/index.js --log-level=warning
cat > invoke.js <<'JS'
const { handler } = require('./dist/index.js');
const record = (id, body) => ({
  messageId: id, receiptHandle: `rh-${id}`, body: JSON.stringify(body), md5OfBody: '', eventSource: 'aws:sqs',
  eventSourceARN: 'arn:aws:sqs:eu-west-1:111111111111:orders', awsRegion: 'eu-west-1', messageAttributes: {},
  attributes: { ApproximateReceiveCount: '1', SentTimestamp: '0', SenderId: 'x', ApproximateFirstReceiveTimestamp: '0' },
});
const context = { functionName: 'orders', awsRequestId: 'req-1', getRemainingTimeInMillis: () => 30000,
  invokedFunctionArn: 'arn:aws:lambda:eu-west-1:111111111111:function:orders', memoryLimitInMB: '512', functionVersion: '$LATEST' };
handler({ Records: [record('good', { orderId: 'a', total: 5 }), record('bad', { orderId: 'b', total: -1 })] }, context)
  .then((response) => {
    const failures = JSON.stringify(response);
    if (failures !== JSON.stringify({ batchItemFailures: [{ itemIdentifier: 'bad' }] })) throw new Error(`unexpected response ${failures}`);
    process.stdout.write(failures);
  });
JS
response="$(POWERTOOLS_LOG_LEVEL=SILENT POWERTOOLS_DEV=false node invoke.js)"
size="$(wc -c < dist/index.js)"
echo "release e2e: published $version to Verdaccio ($registry), installed by name, synthesized, bundled a runtime handler ($size B) that returned $response; $(( $(date +%s) - started )) s"
