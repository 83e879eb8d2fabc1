#!/usr/bin/env bash
# The library used from Python, Java and Go, as their users get it (docs/languages.md). Needs
# `npm run build` and `npm run package:code` first (dist/python, dist/java, dist/go).
# 1. Python: pinned tools (scripts/requirements-ci.txt) in a venv; `twine check` of the wheel and sdist;
#    pypiserver serves dist/python on loopback and the app's venv installs `cdk-serverless-patterns` from
#    it by name (aws-cdk-lib and constructs from PyPI); examples/python/app.py synthesizes.
# 2. Java: examples/java (aws-cdk-lib from Maven Central, the library from dist/java, the Maven
#    repository jsii-pacmak deployed to) compiles and synthesizes (`mvn compile exec:java`).
# 3. Go: examples/go (awscdk from the Go module proxy, the library through a `replace` to dist/go)
#    is vetted, built and synthesized.
# 4. The TypeScript reference (examples/reference/app.ts) synthesizes, and every app's template must
#    match it exactly (scripts/compare-templates.py). The Java app pins the aws-cdk-lib Maven serves
#    here (examples/java/pom.xml); when that is not the pinned npm version, the reference is synthesized
#    again on that version too (scripts/cdk-version-require.cjs), and the Java app compared with it.
# 5. The README's Python translations (jsii-rosetta) compile, and its first SqsWorker example runs
#    as a Python app (scripts/readme-python.py).
# Each step prints its wall time. LANGUAGES_KEEP=1 keeps the work folder for a look at the templates.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20
build_java=${JSII_BUILD_JAVA:-1}
artifacts="dist/python/*.whl dist/go/cdkserverlesspatterns/go.mod"
[ "$build_java" = 1 ] && artifacts="$artifacts dist/java/io"
for artifact in $artifacts; do
  ls $artifact >/dev/null 2>&1 || { echo "languages: no $artifact: run 'npm run build && npm run package:code' first" >&2; exit 1; }
done

# The apps pin the library at the version being built (a release bumps package.json; these follow).
version=$(node -p "require('./package.json').version")
grep -qx "cdk-serverless-patterns==$version" examples/python/requirements.txt \
  || { echo "languages: examples/python/requirements.txt must pin cdk-serverless-patterns==$version" >&2; exit 1; }
grep -q "cdkserverlesspatterns v$version\$" examples/go/go.mod \
  || { echo "languages: examples/go/go.mod must require cdkserverlesspatterns v$version" >&2; exit 1; }

work=$(mktemp -d)
pypi_pid=
cleanup() {
  if [ -n "$pypi_pid" ]; then kill "$pypi_pid" 2>/dev/null || true; fi
  if [ -z "${LANGUAGES_KEEP:-}" ]; then rm -rf "$work"; else echo "languages: work folder kept: $work"; fi
}
trap cleanup EXIT
step() { local name=$1; shift; local start=$SECONDS; "$@"; echo "languages: $name took $((SECONDS - start)) s"; }
# The feature flags of the repository's cdk.json, as the CLI would pass them to every app.
CDK_CONTEXT_JSON=$(python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1]))["context"]))' cdk.json)
export CDK_CONTEXT_JSON

synth_reference() {
  CDK_OUTDIR="$work/out-typescript" npx ts-node --transpile-only --prefer-ts-exts --project tsconfig.dev.json \
    examples/reference/app.ts > "$work/typescript.log"
}

# The aws-cdk-lib version the Java app pins, and the TypeScript reference on that version.
java_cdk_version() {
  python3 -c 'import sys, xml.etree.ElementTree as ET
ns = {"m": "http://maven.apache.org/POM/4.0.0"}
for dep in ET.parse(sys.argv[1]).getroot().iterfind("m:dependencies/m:dependency", ns):
    if dep.findtext("m:artifactId", namespaces=ns) == "aws-cdk-lib": print(dep.findtext("m:version", namespaces=ns))' \
    examples/java/pom.xml
}
synth_reference_for_java() {
  local version dir
  version=$(java_cdk_version)
  if [ "$version" = "$(node -p "require('./package.json').devDependencies['aws-cdk-lib']")" ]; then
    ln -s "$work/out-typescript" "$work/out-typescript-java"
    return
  fi
  dir=$(bash scripts/install-cdk-version.sh "$version")
  CDK_VERSION_DIR="$dir" NODE_OPTIONS="--require $repo/scripts/cdk-version-require.cjs" CDK_OUTDIR="$work/out-typescript-java" \
    npx ts-node --transpile-only --prefer-ts-exts --project tsconfig.dev.json examples/reference/app.ts > "$work/typescript-java.log"
  grep -q "\"version\":\"$version\"" "$work/out-typescript-java/tree.json" \
    || { echo "languages: the reference for Java did not synthesize on aws-cdk-lib $version" >&2; exit 1; }
  echo "languages: TypeScript reference also synthesized on aws-cdk-lib $version (examples/java/pom.xml)"
}

python_tools() {
  python3 -m venv "$work/tools"
  "$work/tools/bin/pip" install --quiet --disable-pip-version-check -r scripts/requirements-ci.txt
  "$work/tools/bin/twine" check --strict dist/python/*
}

python_app() {
  mkdir "$work/index"
  cp dist/python/*.whl dist/python/*.tar.gz "$work/index/"
  local port
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  "$work/tools/bin/pypi-server" run -i 127.0.0.1 -p "$port" "$work/index" > "$work/pypiserver.log" 2>&1 &
  pypi_pid=$!
  for _ in $(seq 1 50); do
    curl -sf "http://127.0.0.1:$port/simple/cdk-serverless-patterns/" >/dev/null && break
    sleep 0.2
  done
  python3 -m venv "$work/app"
  "$work/app/bin/pip" install --quiet --disable-pip-version-check \
    --index-url "http://127.0.0.1:$port/simple/" --extra-index-url https://pypi.org/simple \
    --report "$work/pip-report.json" -r examples/python/requirements.txt
  # The library came from the local index, by name (pip's report names where each package came from).
  python3 -c 'import json, sys
urls = {item["metadata"]["name"]: item["download_info"]["url"] for item in json.load(open(sys.argv[1]))["install"]}
assert urls["cdk-serverless-patterns"].startswith("http://127.0.0.1:"), urls["cdk-serverless-patterns"]
print("languages: cdk-serverless-patterns from", urls["cdk-serverless-patterns"], "aws-cdk-lib from", urls["aws-cdk-lib"])' \
    "$work/pip-report.json"
  kill "$pypi_pid"; pypi_pid=
  (cd examples/python && CDK_OUTDIR="$work/out-python" "$work/app/bin/python" app.py > "$work/python.log")
}

java_app() {
  (cd examples/java && CDK_OUTDIR="$work/out-java" mvn --batch-mode --quiet compile exec:java > "$work/java.log")
}

go_app() {
  (cd examples/go && go vet ./... && go build -o "$work/go-app" . && CDK_OUTDIR="$work/out-go" "$work/go-app" > "$work/go.log")
}

step "typescript reference synth" synth_reference
step "python tools + twine check" python_tools
step "python app: install from pypiserver + synth" python_app
if [ "$build_java" = 1 ]; then
  step "java app: mvn compile + synth" java_app
else
  echo "languages: JSII_BUILD_JAVA=0: no Java jar was built, so examples/java is not run (docs/languages.md)" >&2
fi
step "go app: vet + build + synth" go_app

step "compare templates" python3 scripts/compare-templates.py "$work/out-typescript" "$work/out-python" "$work/out-go"
if [ "$build_java" = 1 ]; then
  step "typescript reference synth on the java app's aws-cdk-lib" synth_reference_for_java
  step "compare templates (java)" python3 scripts/compare-templates.py "$work/out-typescript-java" "$work/out-java"
fi

step "readme python" "$work/app/bin/python" scripts/readme-python.py .jsii.tabl.json "$work/readme"
