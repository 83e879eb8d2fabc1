#!/usr/bin/env bash
# The construct tests against another aws-cdk-lib than the pinned devDependency, by default the
# peer floor (the oldest version package.json accepts):
#   bash scripts/test-cdk-version.sh            # the floor, e.g. 2.254.0
#   bash scripts/test-cdk-version.sh 2.278.0    # any other version
# The version is installed once into .cache/cdk/<version> (no lockfile, no scripts) and jest maps
# every aws-cdk-lib import to it (jest.cdk-floor.config.js). Extra arguments go to jest.
set -euo pipefail
cd "$(dirname "$0")/.."
floor="$(node -p 'require("./package.json").peerDependencies["aws-cdk-lib"].replace(/^[\^~>= ]+/, "")')"
version="$floor"
if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then version="$1"; shift; fi
dir="$PWD/.cache/cdk/$version"
if [ ! -f "$dir/node_modules/aws-cdk-lib/package.json" ]; then
  mkdir -p "$dir"
  echo '{ "name": "cdk-version-under-test", "private": true }' > "$dir/package.json"
  constructs="$(node -p 'require("./package.json").devDependencies.constructs')"
  (cd "$dir" && npm install --no-package-lock --ignore-scripts --no-audit --no-fund --loglevel=error \
    "aws-cdk-lib@$version" "constructs@$constructs")
fi
# Snapshots hold templates of the pinned version (newer versions add defaults, e.g. a trust-policy
# condition on state machine roles): every other assertion runs, snapshot tests do not.
CDK_FLOOR_DIR="$dir" EXPECT_AWS_CDK_LIB_VERSION="$version" npx jest -c jest.cdk-floor.config.js \
  --testNamePattern '^(?!.*snapshot)' "$@"
