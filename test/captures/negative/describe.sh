#!/usr/bin/env bash
# Prints each capture's SIP messages as tshark reads them, one line per capture:
#   <file>  <count>  <frame>:<method or status> <from>-><to> ...
# with the parties written UE1, UE2, UE3 (127.0.3.1-3) and A, B (the bystanders 127.0.3.21-22).
# Used to write the table in README.md. Usage: describe.sh [file.pcap...] (default: all here).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
[[ $# -gt 0 ]] || set -- *.pcap

for file in "$@"; do
  tshark -r "$file" -Y sip -T fields -E separator='|' \
    -e frame.number -e ip.src -e ip.dst -e sip.Method -e sip.Status-Code -e sip.CSeq.method 2>/dev/null |
    awk -F'|' -v file="$file" '
      function party(ip) {
        if (ip == "127.0.3.1") return "UE1"; if (ip == "127.0.3.2") return "UE2"
        if (ip == "127.0.3.3") return "UE3"; if (ip == "127.0.3.21") return "A"
        if (ip == "127.0.3.22") return "B"; return ip
      }
      { what = ($4 != "") ? $4 : $5 "(" $6 ")"
        line = line sprintf(" %s:%s %s->%s", $1, what, party($2), party($3)); n++ }
      END { printf "%s\t%d\t%s\n", file, n, substr(line, 2) }'
done
