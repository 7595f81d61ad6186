#!/bin/sh
# Builds a text log of at least 1 GiB from a real SIPp trace (test/fixtures/traces/sipp-ue1.log repeated, each
# copy's Call-IDs made unique) and reads it with the built CLI under /usr/bin/time -v, to show a text trace larger
# than V8's string limit (~512 MiB) is read in windows instead of as one string (issue 8). Not part of npm test;
# the generated file is written outside the repository and deleted afterwards (KEEP=1 keeps it).
# Usage: npm run build && sh test/robustness/make-big-text-trace.sh [bytes] [output dir]
set -eu
repo=$(cd "$(dirname "$0")/../.." && pwd)
want=${1:-1073741824}
dir=${2:-${TMPDIR:-/tmp}}
fixture="$repo/test/fixtures/traces/sipp-ue1.log"
out="$dir/siptrail-big-text-trace.log"
[ -f "$repo/dist/cli.js" ] || { echo "dist/cli.js missing: run npm run build first" >&2; exit 1; }

one=$(wc -c < "$fixture")
copies=$(( (want + one - 1) / one ))
echo "writing $copies copies of $(basename "$fixture") ($one bytes) to $out" >&2
# awk keeps the fixture's bytes (CRLF inside messages included) and rewrites only the Call-ID value per copy.
awk -v copies="$copies" '
  { lines[NR] = $0 }
  END {
    for (c = 1; c <= copies; c++)
      for (i = 1; i <= NR; i++) {
        l = lines[i]
        # The part before "@" becomes the copy number, padded to the same width: the SIPp byte counts stay true.
        if (tolower(substr(l, 1, 8)) == "call-id:" && match(l, /: *[^@]+@/)) {
          pre = substr(l, 1, RSTART); val = substr(l, RSTART + 1, RLENGTH - 2); sp = val; sub(/[^ ].*$/, "", sp)
          id = sprintf("%0" (length(val) - length(sp)) "d", c)
          l = pre sp id substr(l, RSTART + RLENGTH - 1)
        }
        print l
      }
  }' "$fixture" > "$out"
ls -l "$out" >&2

status=0
/usr/bin/time -v node "$repo/dist/cli.js" messages "$out" --format json > /dev/null 2> "$dir/siptrail-big-text-trace.time" || status=$?
grep -E "Elapsed|Maximum resident|Exit status|terminated by signal" "$dir/siptrail-big-text-trace.time" >&2
grep -E "FATAL ERROR|^siptrail:" "$dir/siptrail-big-text-trace.time" | head -3 >&2 || true

# The same file through the core session alone, counting messages without keeping them: the reading cost itself.
echo "core session only (messages counted, not kept):" >&2
(cd "$repo" && /usr/bin/time -v node --import tsx test/robustness/countTextTrace.ts "$out" 2> "$dir/siptrail-big-text-trace.count.time") || status=$?
grep -E "Elapsed|Maximum resident|Exit status|terminated by signal" "$dir/siptrail-big-text-trace.count.time" >&2
[ "${KEEP:-0}" = 1 ] || rm -f "$out"
exit $status
