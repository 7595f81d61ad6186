#!/usr/bin/env bash
# UE-2 waits 33.5 s after its 202 before it invites UE-3, more than the 32 s limit (RFC 3261
# Timer B/F, 64*T1) the flow allows between steps; the flow then completes. The wait is real:
# this script takes about 40 s.
# Expected: flow.step-late at step invite.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib-negative.sh"
neg_init step-late

CAP_PARTY_TIMEOUT=60
NEG_NOTIFY_WAIT_S=50
NEG_UE2_SET=(-set late_invite 1)
neg_run_replication
neg_expect_sequence \
  INVITE "200 (INVITE)" ACK \
  REFER "202 (REFER)" \
  INVITE "200 (INVITE)" ACK \
  NOTIFY "200 (NOTIFY)"
gap="$(tshark -r "$CAP_PCAP" -Y 'sip' -T fields -e frame.time_relative 2>/dev/null |
  awk 'NR == 5 { accepted = $1 } NR == 6 { printf "%.3f", $1 - accepted }')"
awk -v gap="$gap" 'BEGIN { exit !(gap > 32) }' ||
  cap_die "the INVITE follows the 202 after ${gap} s, not after more than 32 s"
cap_log "INVITE ${gap} s after the 202"
neg_publish
