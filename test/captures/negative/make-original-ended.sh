#!/usr/bin/env bash
# UE-1 ends the original session (BYE to UE-3, 200) right after the REFER was accepted, before
# UE-2 has invited UE-3; the replication itself then completes.
# Expected: flow.original-session-ended (the BYE is message 6).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib-negative.sh"
neg_init original-ended

NEG_UE1_SET=(-set bye_after_accept 1)
NEG_UE3_SET=(-set expect_bye 1)
neg_run_replication
neg_expect_sequence \
  INVITE "200 (INVITE)" ACK \
  REFER "202 (REFER)" \
  BYE "200 (BYE)" \
  INVITE "200 (INVITE)" ACK \
  NOTIFY "200 (NOTIFY)"
neg_publish
