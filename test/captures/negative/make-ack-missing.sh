#!/usr/bin/env bash
# UE-2 never ACKs UE-3's 200 to the replicated INVITE. UE-3 retransmits the 200 with T1 = 500 ms
# doubling (RFC 3261 13.3.1.4) and gives up waiting after 5 s, which bounds the capture:
# the 200 at t, t+0.5, t+1.5, t+3.5 s. UE-2 still reports success in its final NOTIFY.
# Expected: flow.ack-missing at step ack.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib-negative.sh"
neg_init ack-missing

NEG_UE2_SET=(-set skip_ack 1)
NEG_UE3_RETRANS=on
neg_run_replication
# The NOTIFY interleaves with the retransmissions, so the order is left open.
neg_expect_messages \
  INVITE "200 (INVITE)" ACK \
  REFER "202 (REFER)" \
  INVITE "200 (INVITE)" "200 (INVITE)" "200 (INVITE)" "200 (INVITE)" \
  NOTIFY "200 (NOTIFY)"
neg_expect_frames 'sip.Status-Code == 200 && sip.CSeq.method == "INVITE" && ip.src == 127.0.3.3 && ip.dst == 127.0.3.2' 4
neg_expect_frames 'sip.Method == "ACK" && ip.src == 127.0.3.2' 0
neg_publish
