#!/usr/bin/env bash
# UE-2 answers the REFER 403 Forbidden; nothing of the replication follows.
# Expected: flow.refer-rejected at step refer-accepted.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib-negative.sh"
neg_init refer-rejected

NEG_UE2_SET=(-set refer_rejected 1)
NEG_UE3_CALLS=1
neg_run_replication
neg_expect_sequence \
  INVITE "200 (INVITE)" ACK \
  REFER "403 (REFER)"
neg_publish
