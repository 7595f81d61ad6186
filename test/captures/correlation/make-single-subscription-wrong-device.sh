#!/usr/bin/env bash
# The single-subscription flow of make-single-subscription.sh, except that the INVITE to UE-3 carries another
# device's GRUU (;gr=urn:uuid:...3333, a third UE of the same public user identity) in its Contact: the REFER was
# addressed to UE-2's GRUU (...2222), but the session UE-3 gets is not with UE-2. From is the shared identity, so
# only the GRUU tells the devices apart (RFC 5627 section 3.1).
# Expected: 3gpp-replication-push-single gives one instance, verdict fail, flow.step-missing at step invite (no
# INVITE from the referred GRUU).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib-correlation.sh"
source "$CORR_DIR/single-flow.sh"
corr_init single-subscription-wrong-device

run_single_flow urn:uuid:f81d4fae-7dec-11d0-3333-333333333333
corr_expect_sequence \
  INVITE "100 (INVITE)" "180 (INVITE)" "200 (INVITE)" ACK \
  REFER "202 (REFER)" NOTIFY "200 (NOTIFY)" \
  INVITE "100 (INVITE)" "200 (INVITE)" ACK \
  NOTIFY "200 (NOTIFY)"
corr_publish
