#!/usr/bin/env bash
# Positive variant: UE-2 accepts the REFER with 200 OK instead of 202 Accepted, as RFC 7647
# allows. Expected: pass (step refer-accepted matched by the 200).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib-negative.sh"
neg_init replication-refer-200

NEG_UE2_SET=(-set refer_accept_200 1)
neg_run_replication
neg_expect_sequence \
  INVITE "200 (INVITE)" ACK \
  REFER "200 (REFER)" \
  INVITE "200 (INVITE)" ACK \
  NOTIFY "200 (NOTIFY)"
neg_publish
