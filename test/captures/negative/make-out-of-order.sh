#!/usr/bin/env bash
# UE-2 reports success (final NOTIFY, sipfrag "SIP/2.0 200 OK", terminated) before it has even
# sent the INVITE to UE-3; the INVITE, 200 and ACK follow.
# Expected: flow.out-of-order (step notify before step invite).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib-negative.sh"
neg_init out-of-order

NEG_UE2_SET=(-set notify_first 1)
neg_run_replication
neg_expect_sequence \
  INVITE "200 (INVITE)" ACK \
  REFER "202 (REFER)" \
  NOTIFY "200 (NOTIFY)" \
  INVITE "200 (INVITE)" ACK
neg_publish
