#!/usr/bin/env bash
# Session replication by the remote UE, push mode, single subscription (3GPP TS 24.337; the seed's clause
# 4.7.4.2.1.1): UE-1 and UE-2 share the public user identity sip:user1_public1@home1.net and are addressed by
# their GRUUs. Original session UE-1 <-> UE-3, REFER UE-1 -> UE-2's GRUU (;gr=urn:uuid:...2222) with Refer-To
# UE-3, 202, NOTIFY 100 Trying, 200, INVITE UE-2 -> UE-3 (Contact UE-2's GRUU), 100, 200, ACK, final NOTIFY, 200.
# Expected: 3gpp-replication-push-single gives one instance, verdict pass, every step matched;
# 3gpp-replication-push (two subscriptions) finds no instance, because From and Request-URI share an
# address-of-record.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib-correlation.sh"
source "$CORR_DIR/single-flow.sh"
corr_init single-subscription

run_single_flow "$UE2_GRUU"
corr_expect_sequence \
  INVITE "100 (INVITE)" "180 (INVITE)" "200 (INVITE)" ACK \
  REFER "202 (REFER)" NOTIFY "200 (NOTIFY)" \
  INVITE "100 (INVITE)" "200 (INVITE)" ACK \
  NOTIFY "200 (NOTIFY)"
corr_publish
