#!/usr/bin/env bash
# Small load-test captures for the compact message index (src/core/index): SIPp's built-in uac scenario (INVITE,
# 100, 180, 200, ACK, BYE, 200) against its uas, on 127.0.7.1/127.0.7.2 only, bounded by call count and time.
#   load-udp.pcap       200 calls, no loss                     (tcpdump, classic pcap)
#   load-udp-lost.pcapng 120 calls, SIPp dropping 8 % of what it sends (-lost 8): retransmissions of INVITE, 200 and
#                       BYE that the index must fold as the full correlation does; converted to pcapng by editcap
# Run from anywhere: bash test/captures/index/make-load.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
tmp="$(mktemp -d)"
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$tmp"' EXIT
UAS=127.0.7.1 UAC=127.0.7.2 PORT=27060

run() { # name calls rate extra-uac-args...
  local name="$1" calls="$2" rate="$3"; shift 3
  tcpdump -i lo -n -s 0 -U -w "$tmp/$name.pcap" "host $UAS and host $UAC and udp" 2>"$tmp/tcpdump.log" &
  local td=$!
  for _ in $(seq 50); do grep -q 'listening on' "$tmp/tcpdump.log" && break; sleep 0.1; done
  timeout 60 sipp -sn uas -i "$UAS" -p "$PORT" -nostdin -timeout 50s >/dev/null 2>&1 &
  local uas=$!
  sleep 0.5
  timeout 60 sipp -sn uac "$UAS:$PORT" -i "$UAC" -p $((PORT + 1)) -m "$calls" -r "$rate" -nostdin -timeout 50s "$@" >/dev/null 2>&1 || true
  sleep 1
  kill "$uas" 2>/dev/null || true; wait "$uas" 2>/dev/null || true
  kill -INT "$td"; wait "$td" 2>/dev/null || true
}

run load-udp 200 100
mv "$tmp/load-udp.pcap" "$here/load-udp.pcap"
run load-udp-lost 120 60 -lost 8 -recv_timeout 8000
editcap -F pcapng "$tmp/load-udp-lost.pcap" "$here/load-udp-lost.pcapng"
for f in load-udp.pcap load-udp-lost.pcapng; do
  printf '%s: %s SIP messages\n' "$f" "$(tshark -r "$here/$f" -Y sip 2>/dev/null | wc -l)"
done
