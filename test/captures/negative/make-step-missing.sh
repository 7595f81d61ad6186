#!/usr/bin/env bash
# UE-2 invites UE-3 (200, ACK) but never sends the final NOTIFY; UE-1 waits 3 s for it.
# Expected: flow.step-missing at step notify (and notify-ok).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib-negative.sh"
neg_init step-missing

NEG_UE2_SET=(-set skip_notify 1)
neg_run_replication
neg_expect_sequence \
  INVITE "200 (INVITE)" ACK \
  REFER "202 (REFER)" \
  INVITE "200 (INVITE)" ACK
neg_publish
