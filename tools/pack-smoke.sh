#!/usr/bin/env bash
# Packed-install smoke test: packs the publishable packages, installs the tarballs into a new project
# outside the repository with install scripts disabled (so the prebuilt native binary alone must
# serve), and trains a small LSTM there on the native backend, then on the fallback, through both
# `require` and `import`; then reads the interop fixtures (.pt, safetensors, .keras) through it.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "pack-smoke: building and packing into $work/tarballs"
mkdir -p "$work/tarballs" "$work/app"
(cd "$repo" && npx nx run-many -t build --projects=@rnn/backend-api,@rnn/fallback,@rnn/native,@rnn/core --outputStyle=static >/dev/null)
for pkg in packages/backend-api packages/fallback native packages/core; do
  (cd "$repo/$pkg" && npm pack --silent --pack-destination "$work/tarballs" >/dev/null)
done
ls "$work/tarballs"

cd "$work/app"
npm init -y >/dev/null
npm install --ignore-scripts --no-audit --no-fund "$work"/tarballs/*.tgz >/dev/null
cp "$repo/tools/pack-smoke/train.cjs" "$repo/tools/pack-smoke/train.mjs" "$repo/tools/pack-smoke/interop.cjs" .

for backend in native fallback; do
  echo "pack-smoke: RNN_BACKEND=$backend (CommonJS)"
  RNN_BACKEND=$backend node train.cjs "$backend"
  echo "pack-smoke: RNN_BACKEND=$backend (ES module)"
  RNN_BACKEND=$backend node train.mjs "$backend"
done
echo "pack-smoke: interop readers"
node interop.cjs "$repo/packages/core/test/interop/fixtures"
echo "pack-smoke: ok"
