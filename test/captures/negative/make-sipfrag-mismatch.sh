#!/usr/bin/env bash
# UE-3 answers the replicated INVITE 486 Busy Here, yet UE-2's final NOTIFY reports
# "SIP/2.0 200 OK" in its message/sipfrag body.
# Expected: flow.sipfrag-status-mismatch at step notify.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib-negative.sh"
neg_init sipfrag-mismatch

NEG_UE3_SET=(-set replica_busy 1)
neg_run_replication
neg_expect_sequence \
  INVITE "200 (INVITE)" ACK \
  REFER "202 (REFER)" \
  INVITE "486 (INVITE)" ACK \
  NOTIFY "200 (NOTIFY)"
neg_expect_frames 'sipfrag.line contains "SIP/2.0 200 OK"' 1
neg_publish
