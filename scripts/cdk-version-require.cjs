// Preloaded with `node --require` (NODE_OPTIONS): every `aws-cdk-lib` import of the app, the library
// and cdk-nag loads the copy in CDK_VERSION_DIR (a folder with node_modules/aws-cdk-lib, as
// scripts/install-cdk-version.sh makes) instead of the pinned devDependency, so an app synthesizes
// on another aws-cdk-lib, as jest.cdk-floor.config.js does for the tests. constructs stays the
// repository's copy (one Construct class). scripts/languages.sh uses it for the Java app's version.
const Module = require('module');
const path = require('path');

const dir = process.env.CDK_VERSION_DIR;
if (!dir) throw new Error('cdk-version-require: CDK_VERSION_DIR is not set');
const modules = path.join(path.resolve(dir), 'node_modules');
const resolve = Module._resolveFilename;
Module._resolveFilename = function resolveCdkVersion(request, parent, ...rest) {
  if (request === 'aws-cdk-lib' || request.startsWith('aws-cdk-lib/')) {
    return resolve.call(this, request, parent, false, { paths: [modules] });
  }
  return resolve.call(this, request, parent, ...rest);
};
