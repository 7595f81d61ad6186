#!/usr/bin/env bash
# The final NOTIFY (sipfrag "SIP/2.0 200 OK") keeps Subscription-State: active;expires=600 and no
# terminating NOTIFY follows (UE-1 waits 3 s for one).
# Expected: flow.subscription-not-terminated (step notify).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib-negative.sh"
neg_init subscription-not-terminated

NEG_KEYS[sub_state]="active;expires=600"
neg_run_replication
neg_expect_sequence \
  INVITE "200 (INVITE)" ACK \
  REFER "202 (REFER)" \
  INVITE "200 (INVITE)" ACK \
  NOTIFY "200 (NOTIFY)"
neg_expect_frames 'sip.Subscription-State contains "terminated"' 0
neg_publish
