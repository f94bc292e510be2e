#!/usr/bin/env bash
# Runs a command (e.g. `npm test`), showing its output, and fails when that output carries tool
# chatter a newcomer should not have to read: Vite's configLoader warning, nx's performance advice,
# cmake-js INFO lines, a doubled "@rnn/native: @rnn/native:" prefix, tfjs's "install our node
# backend" banner. The command's own failure fails it too.
set -euo pipefail
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
"$@" 2>&1 | tee "$log"
chatter='configLoader|Recommendation:|Increase parallelism|INFO (TOOL|CMD|RUN)|@rnn/native: @rnn/native:|looks like you are running TensorFlow\.js'
if grep -En "$chatter" "$log" >&2; then
  echo "quiet-check: the output of '$*' has tool chatter (lines above)" >&2
  exit 1
fi
