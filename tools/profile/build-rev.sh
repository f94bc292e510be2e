#!/usr/bin/env bash
# Builds the TypeScript packages of a git revision into DIR, for side-by-side timing against the
# working tree (tools/profile/*.js take the package directories: DIR/packages/core, …/fallback).
# The native addon and the third-party packages are the working tree's (linked, not copied).
#   usage: bash tools/profile/build-rev.sh REV DIR
#   e.g.   bash tools/profile/build-rev.sh main /tmp/before
set -euo pipefail
rev="$1"
dir="$2"
repo="$(cd "$(dirname "$0")/../.." && pwd)"
rm -rf "$dir"
mkdir -p "$dir/node_modules/@rnn"
git -C "$repo" archive "$rev" tsconfig.base.json packages/backend-api packages/fallback packages/core | tar -x -C "$dir"
for entry in "$repo"/node_modules/* "$repo"/node_modules/.bin; do
  name="$(basename "$entry")"
  [ "$name" = "@rnn" ] || ln -s "$entry" "$dir/node_modules/$name"
done
for pkg in backend-api fallback core; do ln -s "../../packages/$pkg" "$dir/node_modules/@rnn/$pkg"; done
ln -s "$repo/native" "$dir/node_modules/@rnn/native"
for pkg in backend-api fallback core; do (cd "$dir/packages/$pkg" && "$repo/node_modules/.bin/tsc" -p tsconfig.json); done
echo "built $rev into $dir"
