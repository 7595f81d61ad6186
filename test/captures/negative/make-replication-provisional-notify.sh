#!/usr/bin/env bash
# Positive variant: a provisional NOTIFY (sipfrag "SIP/2.0 100 Trying", Subscription-State
# active) right after the 202, then the flow as usual (RFC 3515 2.4.5). Expected: pass.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib-negative.sh"
neg_init replication-provisional-notify

NEG_UE2_SET=(-set early_notify 1)
neg_run_replication
neg_expect_sequence \
  INVITE "200 (INVITE)" ACK \
  REFER "202 (REFER)" \
  NOTIFY "200 (NOTIFY)" \
  INVITE "200 (INVITE)" ACK \
  NOTIFY "200 (NOTIFY)"
neg_expect_frames 'sipfrag.line contains "SIP/2.0 100 Trying"' 1
neg_publish
