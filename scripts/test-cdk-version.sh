#!/usr/bin/env bash
# The construct tests against another aws-cdk-lib than the pinned devDependency, by default the
# peer floor (the oldest version package.json accepts):
#   bash scripts/test-cdk-version.sh            # the floor, e.g. 2.263.0
#   bash scripts/test-cdk-version.sh 2.278.0    # any other version
# The version is installed once into .cache/cdk/<version> (scripts/install-cdk-version.sh) and jest
# maps every aws-cdk-lib import to it (jest.cdk-floor.config.js). Extra arguments go to jest.
set -euo pipefail
cd "$(dirname "$0")/.."
floor="$(node -p 'require("./package.json").peerDependencies["aws-cdk-lib"].replace(/^[\^~>= ]+/, "")')"
version="$floor"
if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then version="$1"; shift; fi
dir="$(bash scripts/install-cdk-version.sh "$version")"
# Snapshots hold templates of the pinned version (newer versions add defaults, e.g. a trust-policy
# condition on state machine roles): every other assertion runs, snapshot tests do not.
CDK_FLOOR_DIR="$dir" EXPECT_AWS_CDK_LIB_VERSION="$version" npx jest -c jest.cdk-floor.config.js \
  --testNamePattern '^(?!.*snapshot)' "$@"
