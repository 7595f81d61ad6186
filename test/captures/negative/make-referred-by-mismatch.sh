#!/usr/bin/env bash
# UE-2's INVITE carries Referred-By: <sip:user4@home1.net>; the REFER said <sip:user1@home1.net>
# (RFC 3892: the triggered request copies the REFER's Referred-By).
# Expected: flow.referred-by-mismatch at step invite.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib-negative.sh"
neg_init referred-by-mismatch

NEG_UE2_SET=(-set wrong_referred_by "<sip:user4@home1.net>")
neg_run_replication
neg_expect_sequence \
  INVITE "200 (INVITE)" ACK \
  REFER "202 (REFER)" \
  INVITE "200 (INVITE)" ACK \
  NOTIFY "200 (NOTIFY)"
neg_expect_frames 'sip.Method == "INVITE" && sip.Referred-by == "<sip:user4@home1.net>" && ip.src == 127.0.3.2' 1
neg_publish
