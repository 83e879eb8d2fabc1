#!/usr/bin/env python3
"""The README's examples in Python, as jsii-rosetta translated them (`npm run rosetta` writes the tablet).

Usage: readme-python.py TABLET WORK_DIR   (run it with the Python that has the library installed)

1. Every Python translation in the tablet is written to WORK_DIR/snippets and byte-compiled
   (py_compile): a translation that is not valid Python fails here.
2. The README's first SqsWorker example (a whole app: App, Stack, SqsWorker, app.synth()) runs as a
   Python app in WORK_DIR/first-worker, with the handler folder it names, and its template must have
   the worker: a queue with a dead-letter queue and a mapping that reports batch item failures.
"""
import json
import os
import py_compile
import subprocess
import sys


def main(tablet_path, work_dir):
    with open(tablet_path) as file:
        snippets = json.load(file)["snippets"]
    snippet_dir = os.path.join(work_dir, "snippets")
    os.makedirs(snippet_dir)
    first_worker = None
    for key, snippet in sorted(snippets.items(), key=lambda item: item[1]["location"]["field"].get("line", 0)):
        source = snippet["translations"]["python"]["source"]
        line = snippet["location"]["field"].get("line", 0)
        path = os.path.join(snippet_dir, f"readme_line_{line}_{key[:8]}.py")
        with open(path, "w") as file:
            file.write(source)
        py_compile.compile(path, doraise=True)
        if first_worker is None and "SqsWorker(" in source and "app.synth()" in source:
            first_worker = (line, source)
    print(f"readme-python: {len(snippets)} Python translations compile")
    if first_worker is None:
        sys.exit("readme-python: no README example builds an SqsWorker app (App, SqsWorker, app.synth())")

    line, source = first_worker
    app_dir = os.path.join(work_dir, "first-worker")
    handler_dir = os.path.join(app_dir, "dist", "order-worker")
    os.makedirs(handler_dir)
    with open(os.path.join(handler_dir, "index.js"), "w") as file:
        file.write("exports.handler = async () => ({ batchItemFailures: [] });\n")
    with open(os.path.join(app_dir, "app.py"), "w") as file:
        file.write(source)
    out_dir = os.path.join(app_dir, "cdk.out")
    subprocess.run([sys.executable, "app.py"], cwd=app_dir, check=True, stdout=subprocess.DEVNULL,
                   env={**os.environ, "CDK_OUTDIR": out_dir})
    templates = [name for name in os.listdir(out_dir) if name.endswith(".template.json")]
    resources = {}
    for name in templates:
        with open(os.path.join(out_dir, name)) as file:
            resources.update(json.load(file)["Resources"])
    queues = [r for r in resources.values() if r["Type"] == "AWS::SQS::Queue"]
    mappings = [r for r in resources.values() if r["Type"] == "AWS::Lambda::EventSourceMapping"]
    assert any("RedrivePolicy" in q["Properties"] for q in queues), "no queue with a dead-letter queue"
    assert len(queues) == 2, f"expected the queue and its dead-letter queue, found {len(queues)} queues"
    assert [m["Properties"].get("FunctionResponseTypes") for m in mappings] == [["ReportBatchItemFailures"]], mappings
    print(f"readme-python: the README's first SqsWorker example (line {line}) synthesized as a Python app: "
          f"{len(resources)} resources in {', '.join(templates)}")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(*sys.argv[1:])
