#!/usr/bin/env bash
# Lints action.yml and the example workflows: zizmor (security, incl. template injection) and
# check-jsonschema (GitHub's action and workflow schemas). Tools go into a venv under target/.
set -euo pipefail
cd "$(dirname "$0")/.."
venv="${CARGO_TARGET_DIR:-target}/venv-lint"
if [[ ! -x "$venv/bin/zizmor" || ! -x "$venv/bin/check-jsonschema" ]]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet zizmor check-jsonschema
fi
"$venv/bin/check-jsonschema" --builtin-schema vendor.github-actions action.yml
"$venv/bin/check-jsonschema" --builtin-schema vendor.github-workflows examples/workflows/*.yml
"$venv/bin/zizmor" --offline --config zizmor.yml action.yml examples/workflows/*.yml
echo "action lint: ok"
