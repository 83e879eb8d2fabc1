#!/usr/bin/env bash
# Installs one aws-cdk-lib version (with the repository's constructs) into .cache/cdk/<version>, once
# (no lockfile, no scripts), and prints that folder. Used by scripts/test-cdk-version.sh (jest maps
# aws-cdk-lib to it) and scripts/languages.sh (scripts/cdk-version-require.cjs does, for an app).
#   bash scripts/install-cdk-version.sh 2.263.0
set -euo pipefail
cd "$(dirname "$0")/.."
version="${1:?usage: install-cdk-version.sh <aws-cdk-lib version>}"
dir="$PWD/.cache/cdk/$version"
if [ ! -f "$dir/node_modules/aws-cdk-lib/package.json" ]; then
  mkdir -p "$dir"
  echo '{ "name": "cdk-version-under-test", "private": true }' > "$dir/package.json"
  constructs="$(node -p 'require("./package.json").devDependencies.constructs')"
  (cd "$dir" && npm install --no-package-lock --ignore-scripts --no-audit --no-fund --loglevel=error \
    "aws-cdk-lib@$version" "constructs@$constructs" >&2)
fi
echo "$dir"
