#!/usr/bin/env bash
# Builds the construct library for every jsii language from the assembly (`npm run build` writes .jsii
# and, through `npm run rosetta`, the translated README examples in .jsii.tabl.json):
# - Python: wheel and sdist in dist/python (jsii-pacmak builds them in a venv of its own and runs
#   `twine check`; we run the pinned twine of scripts/requirements-ci.txt over them again);
# - Java: the jar, sources and javadoc jars and pom in dist/java, a Maven repository layout (jsii-pacmak
#   runs mvn, which resolves aws-cdk-lib and constructs from Maven Central);
# - Go: the generated module in dist/go, compiled by jsii-pacmak (`go mod tidy` + `go build ./...`);
# - .NET: generated only (dist/dotnet): no .NET SDK or NuGet on these machines (docs/languages.md).
# Each step prints its wall time (seconds) so CI logs show where the minutes go.
set -euo pipefail
cd "$(dirname "$0")/.."
test -f .jsii.tabl.json || { echo "no .jsii.tabl.json: run 'npm run build' (its rosetta step) first" >&2; exit 1; }
rm -rf dist
step() { local name=$1; shift; local start=$SECONDS; "$@"; echo "package-code: $name took $((SECONDS - start)) s"; }
pacmak() { npx jsii-pacmak --rosetta-tablet .jsii.tabl.json --outdir dist "$@"; }

step python pacmak --targets python
# jsii-pacmak's Maven runs on a repository of its own in a temp folder unless told: share ~/.m2, which
# the machine keeps between runs (and examples/java reads).
# JSII_BUILD_JAVA=0: Java generated, not built. Maven resolves the peer floor of aws-cdk-lib
# (package.json peerDependencies); a mirror that does not serve it cannot build the jar (docs/languages.md).
if [ "${JSII_BUILD_JAVA:-1}" = 1 ]; then
  step java pacmak --targets java --maven-local-repository "$HOME/.m2/repository"
else
  step java pacmak --targets java --code-only
fi
step go pacmak --targets go
step dotnet pacmak --targets dotnet --code-only

ls dist/python/*.whl dist/python/*.tar.gz >/dev/null
if [ "${JSII_BUILD_JAVA:-1}" = 1 ]; then
  ls dist/java/io/github/cdk-serverless-patterns/cdk-serverless-patterns/*/cdk-serverless-patterns-*.jar >/dev/null
else
  test -n "$(ls -A dist/java 2>/dev/null)" || { echo "jsii-pacmak generated no Java code" >&2; exit 1; }
fi
test -f dist/go/cdkserverlesspatterns/go.mod
test -n "$(ls -A dist/dotnet 2>/dev/null)" || { echo "jsii-pacmak generated no .NET code" >&2; exit 1; }
# The translated README: the Python binding's docstrings carry Python, not TypeScript, examples.
# (grep -c reads to the end: grep -q would close the pipe early and pipefail would see unzip's SIGPIPE.)
unzip -p dist/python/*.whl 'cdk_serverless_patterns/__init__.py' | grep -c "ServerlessGuardrails.of(app)" >/dev/null
echo "package-code: python wheel + sdist, java $([ "${JSII_BUILD_JAVA:-1}" = 1 ] && echo jar || echo sources), go module (built), dotnet (sources) in dist/"
