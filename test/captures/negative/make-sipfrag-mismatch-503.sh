#!/usr/bin/env bash
# The other direction: UE-3 answers the replicated INVITE 200 OK (and it is ACKed), yet UE-2's
# final NOTIFY reports "SIP/2.0 503 Service Unavailable".
# Expected: flow.sipfrag-status-mismatch at step notify.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib-negative.sh"
neg_init sipfrag-mismatch-503

NEG_KEYS[sipfrag]="SIP/2.0 503 Service Unavailable"
neg_run_replication
neg_expect_sequence \
  INVITE "200 (INVITE)" ACK \
  REFER "202 (REFER)" \
  INVITE "200 (INVITE)" ACK \
  NOTIFY "200 (NOTIFY)"
neg_expect_frames 'sipfrag.line contains "SIP/2.0 503 Service Unavailable"' 1
neg_publish
