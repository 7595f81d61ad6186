#!/usr/bin/env bash
# Regenerates every capture in this folder, one after the other (each takes a few seconds).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
for script in "$here"/make-*.sh; do
  [[ "$(basename "$script")" == make-all.sh ]] && continue
  bash "$script"
done
