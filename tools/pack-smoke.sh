#!/usr/bin/env bash
# Packed-install smoke test: packs the publishable packages, installs the tarballs into a new project
# outside the repository with install scripts disabled (so the prebuilt native binary alone must
# serve), and trains a small LSTM there on the native backend, then on the fallback, through both
# `require` and `import`; then reads the interop fixtures (.pt, safetensors, .keras) through it, and
# builds a large LSTM (its orthogonal weight comes from the shipped worker module).
# Then the README's first example as a user runs it: saved as first.mts, type-checked with
# TypeScript 5 and the latest (7) without @types/node, run with `npx tsx first.mts` on both backends.
# Last, the installed `rnn` command line on a generated CSV file.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "pack-smoke: building and packing into $work/tarballs"
mkdir -p "$work/tarballs" "$work/app"
(cd "$repo" && npx nx run-many -t build --projects=@rnn/backend-api,@rnn/fallback,@rnn/native,@rnn/core,@rnn/cli --outputStyle=static >/dev/null)
for pkg in packages/backend-api packages/fallback native packages/core packages/cli; do
  (cd "$repo/$pkg" && npm pack --silent --pack-destination "$work/tarballs" >/dev/null)
done
ls "$work/tarballs"
tar -tzf "$work"/tarballs/rnn-core-*.tgz | grep -x 'package/README.md' >/dev/null || { echo "pack-smoke: the @rnn/core tarball has no README.md" >&2; exit 1; }

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
echo "pack-smoke: a large layer's orthogonal weight, from the installed worker module"
node -e 'const { Sequential, LSTM } = require("@rnn/core");
const model = new Sequential([new LSTM({ units: 220, inputShape: [3, 2] })], { seed: 5 });
model.ready().then(() => {
  let sum = 0; // Keras-orthogonal [220, 880]: 220 orthonormal rows, so the squares sum to 220
  for (const v of model.layers[0].cell.weightHh.value) sum += v * v;
  if (Math.abs(sum - 220) > 1e-2) throw new Error(`weight_hh_l0 is not orthogonal: sum of squares ${sum}`);
});'

echo "pack-smoke: the README's first example (first.mts)"
node "$repo/tools/pack-smoke/readme-block.mjs" "$repo/README.md" "A first model" > first.mts
for typescript in typescript@5 typescript@latest; do
  npm install --ignore-scripts --no-audit --no-fund --save-dev tsx "$typescript" >/dev/null
  if [ -e node_modules/@types/node ]; then echo "pack-smoke: @types/node came along; the type check must run without it" >&2; exit 1; fi
  echo "pack-smoke: tsc $(npx tsc --version) --strict first.mts"
  npx tsc --noEmit --strict --module nodenext --target es2022 first.mts
done
for backend in native fallback; do
  echo "pack-smoke: RNN_BACKEND=$backend npx tsx first.mts"
  # tsx keeps a compile cache in the temporary directory: keep it inside $work, which is removed.
  mkdir -p "$work/tsx-tmp"
  TMPDIR="$work/tsx-tmp" RNN_BACKEND=$backend npx tsx first.mts > first.log
  tail -n 1 first.log | grep -qx 'true' || { cat first.log; echo "pack-smoke: first.mts did not end by printing true" >&2; exit 1; }
  tail -n 2 first.log | head -n 1
done

echo "pack-smoke: the rnn command line (npx rnn), on a generated CSV file"
node -e 'const rows = ["date,value"];
for (let i = 0; i < 120; i++) rows.push(new Date(Date.UTC(2020, 0, 1 + i)).toISOString().slice(0, 10) + "," + (10 + Math.sin(i / 4)).toFixed(3));
require("fs").writeFileSync("series.csv", rows.join("\n") + "\n");'
npx --no-install rnn --help >/dev/null
npx --no-install rnn train series.csv --column value --window 8 --units 8 --epochs 2 --quiet --no-plot --out series-model >/dev/null
npx --no-install rnn forecast series-model series.csv --steps 3 --format csv --no-plot
npx --no-install rnn export series-model --onnx series.onnx --safetensors series.safetensors
echo "pack-smoke: ok"
