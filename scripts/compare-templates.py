#!/usr/bin/env python3
"""Compares the cloud assemblies of the language apps with the TypeScript reference app's.

Usage: compare-templates.py [--expect OTHER_CDK_OUT=JSON_PATH ...] REFERENCE_CDK_OUT OTHER_CDK_OUT [...]

For every stack template of the reference: the same resources (logical ids), and for each the same
Type, Properties, DependsOn, Condition and policies; the same Outputs, Conditions, Parameters and Rules;
and the same synth messages (warnings, errors, info: what ServerlessGuardrails reports) per construct
path. Normalized first, because they depend on the build and not on the library:
- asset hashes (64 hex digits) and anything embedding one (S3 keys, asset paths);
- resource Metadata (asset paths, `aws:cdk:path`), the CDKMetadata resource (analytics string that
  names the language runtime) and its condition;
- stack traces attached to messages.
Prints each difference as a JSON path with both values and exits 1 if there is any, except a difference
named with --expect (an app built on an older aws-cdk-lib, see scripts/languages.sh): that one must then
be found, so the exception goes away when its cause does.
"""
import json
import os
import re
import sys

HASH = re.compile(r"[0-9a-f]{64}")
COMPARED_RESOURCE_KEYS = ("Type", "Properties", "DependsOn", "Condition", "DeletionPolicy",
                          "UpdateReplacePolicy", "UpdatePolicy", "CreationPolicy")


def normalize(value):
    if isinstance(value, dict):
        return {key: normalize(item) for key, item in value.items()}
    if isinstance(value, list):
        return [normalize(item) for item in value]
    if isinstance(value, str):
        return HASH.sub("<asset-hash>", value)
    return value


def load_assembly(outdir):
    with open(os.path.join(outdir, "manifest.json")) as file:
        manifest = json.load(file)
    stacks = {}
    for name, artifact in manifest["artifacts"].items():
        if artifact["type"] != "aws:cloudformation:stack":
            continue
        with open(os.path.join(outdir, artifact["properties"]["templateFile"])) as file:
            template = json.load(file)
        resources = {
            logical_id: {key: resource[key] for key in COMPARED_RESOURCE_KEYS if key in resource}
            for logical_id, resource in template.get("Resources", {}).items()
            if resource.get("Type") != "AWS::CDK::Metadata"
        }
        conditions = {key: value for key, value in template.get("Conditions", {}).items()
                      if key != "CDKMetadataAvailable"}
        metadata = dict(artifact.get("metadata", {}))
        if "additionalMetadataFile" in artifact:
            with open(os.path.join(outdir, artifact["additionalMetadataFile"])) as file:
                metadata.update(json.load(file))
        messages = sorted(
            f"{path} {entry['type']} {entry['data'] if isinstance(entry['data'], str) else json.dumps(entry['data'])}"
            for path, entries in metadata.items()
            for entry in entries
            if entry["type"] in ("aws:cdk:warning", "aws:cdk:error", "aws:cdk:info")
        )
        stacks[name] = normalize({
            "Resources": resources,
            "Outputs": template.get("Outputs", {}),
            "Conditions": conditions,
            "Parameters": template.get("Parameters", {}),
            "Rules": template.get("Rules", {}),
            "Description": template.get("Description"),
            "messages": messages,
        })
    return stacks


def differences(expected, actual, path):
    if isinstance(expected, dict) and isinstance(actual, dict):
        for key in sorted(set(expected) | set(actual)):
            if key not in actual:
                yield f"{path}.{key}: only in the reference: {json.dumps(expected[key])[:300]}"
            elif key not in expected:
                yield f"{path}.{key}: only in this app: {json.dumps(actual[key])[:300]}"
            else:
                yield from differences(expected[key], actual[key], f"{path}.{key}")
    elif isinstance(expected, list) and isinstance(actual, list) and len(expected) == len(actual):
        for index, (left, right) in enumerate(zip(expected, actual)):
            yield from differences(left, right, f"{path}[{index}]")
    elif expected != actual:
        yield f"{path}: reference {json.dumps(expected)[:300]} != {json.dumps(actual)[:300]}"


def main(args):
    expected = {}
    while args[:1] == ["--expect"]:
        other_dir, _, path = args[1].partition("=")
        expected.setdefault(other_dir, set()).add(path)
        args = args[2:]
    if len(args) < 2:
        sys.exit(__doc__)
    reference_dir, other_dirs = args[0], args[1:]
    reference = load_assembly(reference_dir)
    resource_count = sum(len(stack["Resources"]) for stack in reference.values())
    failed = False
    for other_dir in other_dirs:
        allowed = expected.get(other_dir, set())
        found = list(differences(reference, load_assembly(other_dir), "$"))
        unexpected = [line for line in found if line.split(": ", 1)[0] not in allowed]
        missing = allowed - {line.split(": ", 1)[0] for line in found}
        for line in found:
            if line not in unexpected:
                print(f"{other_dir}: expected difference {line}")
        if unexpected or missing:
            failed = True
            print(f"{other_dir}: {len(unexpected)} differences from {reference_dir}:")
            for line in unexpected:
                print(f"  {line}")
            for path in sorted(missing):
                print(f"  {path}: expected to differ (--expect) but the same: remove the exception")
        else:
            print(f"{other_dir}: same {resource_count} resources, properties and synth messages as {reference_dir}"
                  + (f" except {len(allowed)} expected" if allowed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
