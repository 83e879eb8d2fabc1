#!/usr/bin/env bash
# Generates the source of every jsii target (Python, Java, .NET, Go) with jsii-pacmak, with the
# README examples translated by jsii-rosetta (`npm run rosetta` writes .jsii.tabl.json first), and
# builds what this machine can build without a network:
# - Python: an sdist, and every generated module byte-compiled. A wheel needs the `wheel` package,
#   which the image lacks and PyPI (unreachable here) would provide.
# - Java (Maven), .NET (dotnet) and Go (go): sources only; building them downloads dependencies.
set -euo pipefail
cd "$(dirname "$0")/.."
out=dist/code
rm -rf "$out"
npx jsii-pacmak --code-only --rosetta-tablet .jsii.tabl.json --outdir "$out"
for target in python java dotnet go; do
  test -n "$(ls -A "$out/$target" 2>/dev/null)" || { echo "jsii-pacmak generated no $target code" >&2; exit 1; }
done
python3 -m compileall -q "$out/python/src"
(cd "$out/python" && python3 setup.py -q sdist -d ../sdist >/dev/null 2>&1)
ls "$out"/sdist/*.tar.gz >/dev/null
# The translated README: the Python binding's docstrings carry Python, not TypeScript, examples.
grep -q "ServerlessGuardrails.of(app)" "$out/python/src/cdk_serverless_patterns/__init__.py"
echo "jsii-pacmak: python (sdist + byte-compiled), java, dotnet, go sources in $out"
