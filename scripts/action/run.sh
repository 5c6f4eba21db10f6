#!/usr/bin/env bash
# Runs the gate for the composite action (action.yml). Inputs arrive only through the
# environment (never interpolated into this script); evalgate itself writes $GITHUB_OUTPUT,
# $GITHUB_STEP_SUMMARY, the annotations and the PR comment. The exit code is evalgate's.
set -uo pipefail

args=(run --config "${EVALGATE_CONFIG:-evalgate.yaml}" --out "${EVALGATE_OUT:-evalgate-out}")
if [[ -n "${EVALGATE_BASELINE_ARTIFACT:-}" ]]; then
  args+=(--baseline-artifact "$EVALGATE_BASELINE_ARTIFACT")
fi
if [[ "${EVALGATE_COMMENT:-true}" == "true" && "${GITHUB_EVENT_NAME:-}" == pull_request* ]]; then
  args+=(--comment)
fi
if [[ -n "${EVALGATE_COMMENT_AUTHOR:-}" ]]; then
  args+=(--comment-author "$EVALGATE_COMMENT_AUTHOR")
fi
if [[ -n "${EVALGATE_ARGS:-}" ]]; then
  # Word-split the extra arguments without glob expansion or evaluation.
  read -r -a extra <<< "$EVALGATE_ARGS"
  args+=("${extra[@]}")
fi

"${EVALGATE_BIN:-evalgate}" "${args[@]}"
