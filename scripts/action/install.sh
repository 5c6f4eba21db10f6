#!/usr/bin/env bash
# Installs evalgate for the composite action (action.yml).
#
# With EVALGATE_VERSION: downloads the release binary for this runner's OS and architecture from
# the action's repository and verifies its SHA-256 checksum. Without it: `cargo install --locked`
# from the action's own checkout (the caller caches ~/.cargo and the install root).
# Inputs arrive only through the environment.
set -euo pipefail

root="${RUNNER_TOOL_CACHE:-$HOME/.cache}/evalgate"
mkdir -p "$root/bin"

if [[ -n "${EVALGATE_VERSION:-}" ]]; then
  version="${EVALGATE_VERSION#v}"
  if [[ ! "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+([-.+][0-9A-Za-z.-]+)?$ ]]; then
    echo "::error::version must look like 1.2.3, got \`$EVALGATE_VERSION\`" >&2
    exit 2
  fi
  case "${RUNNER_OS:-Linux}/${RUNNER_ARCH:-X64}" in
    Linux/X64) target=x86_64-unknown-linux-gnu ;;
    Linux/ARM64) target=aarch64-unknown-linux-gnu ;;
    macOS/X64) target=x86_64-apple-darwin ;;
    macOS/ARM64) target=aarch64-apple-darwin ;;
    *)
      echo "::error::no evalgate release for ${RUNNER_OS:-?}/${RUNNER_ARCH:-?}; leave \`version\` empty to build from source" >&2
      exit 2
      ;;
  esac
  repo="${EVALGATE_RELEASE_REPO:-${GITHUB_ACTION_REPOSITORY:-}}"
  if [[ -z "$repo" ]]; then
    echo "::error::cannot tell which repository publishes evalgate releases" >&2
    exit 2
  fi
  base="${GITHUB_SERVER_URL:-https://github.com}/$repo/releases/download/v$version"
  asset="evalgate-$target.tar.gz"
  tmp="$(mktemp -d)"
  curl --fail --silent --show-error --location --retry 3 -o "$tmp/$asset" "$base/$asset"
  curl --fail --silent --show-error --location --retry 3 -o "$tmp/$asset.sha256" "$base/$asset.sha256"
  expected="$(cut -d' ' -f1 < "$tmp/$asset.sha256")"
  actual="$(sha256sum "$tmp/$asset" 2>/dev/null | cut -d' ' -f1 || shasum -a 256 "$tmp/$asset" | cut -d' ' -f1)"
  if [[ -z "$expected" || "$expected" != "$actual" ]]; then
    echo "::error::checksum mismatch for $asset (expected $expected, got $actual)" >&2
    exit 1
  fi
  tar -xzf "$tmp/$asset" -C "$root/bin" evalgate
else
  cargo install --locked --path "${GITHUB_ACTION_PATH:?}" --root "$root" --quiet
fi

echo "$root/bin" >> "${GITHUB_PATH:?}"
"$root/bin/evalgate" --version
