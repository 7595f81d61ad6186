#!/usr/bin/env bash
# UE-2 invites sip:user4@home2.net although the REFER's Refer-To is <sip:user3@home2.net>.
# Expected: flow.invite-target-mismatch at step invite.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib-negative.sh"
neg_init invite-target-mismatch

NEG_UE2_SET=(-set wrong_target "sip:user4@home2.net")
neg_run_replication
neg_expect_sequence \
  INVITE "200 (INVITE)" ACK \
  REFER "202 (REFER)" \
  INVITE "200 (INVITE)" ACK \
  NOTIFY "200 (NOTIFY)"
neg_expect_frames 'sip.Method == "INVITE" && sip.r-uri == "sip:user4@home2.net" && ip.src == 127.0.3.2' 1
neg_publish
