#!/usr/bin/env bash
# UE-2 sends its final NOTIFY outside the REFER dialog: new Call-ID, new From tag, no To tag.
# UE-1 answers 481 (RFC 6665 4.1.3); no NOTIFY ever arrives in the REFER dialog.
# Expected: flow.notify-outside-dialog at step notify.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib-negative.sh"
neg_init notify-outside-dialog

NEG_UE2_SET=(-set notify_outside 1)
neg_run_replication
neg_expect_sequence \
  INVITE "200 (INVITE)" ACK \
  REFER "202 (REFER)" \
  INVITE "200 (INVITE)" ACK \
  NOTIFY "481 (NOTIFY)"
neg_expect_frames 'sip.Method == "NOTIFY" && sip.Call-ID == "7f3a91c2-outside@home1.net"' 1
neg_publish
