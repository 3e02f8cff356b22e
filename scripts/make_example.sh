#!/usr/bin/env bash
# Regenerate .repomind.example/ by running repomind on a real project (default: pallets/click).
# Usage: scripts/make_example.sh PATH_TO_A_CLICK_CLONE
set -euo pipefail
src="${1:?usage: $0 PATH_TO_A_GIT_CLONE}"
here="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
git clone -q "$src" "$work/project"
(cd "$work/project" && repomind init -q && repomind index -q)
rm -rf "$here/.repomind.example"
mkdir -p "$here/.repomind.example"
cp -r "$work/project/.repomind/config.yaml" "$work/project/.repomind/.gitignore" \
    "$work/project/.repomind/memory" "$here/.repomind.example/"
echo "generated from $(git -C "$work/project" rev-parse HEAD)"
rm -rf "$work"
