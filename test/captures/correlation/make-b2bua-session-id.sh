#!/usr/bin/env bash
# A call through two B2BUAs that pass the RFC 7989 Session-ID on (the UUID pair is the same on all three legs); the B2BUAs anonymise From and mint their own icid-value.
# Expected: correlate() puts leg-a-1@home1.net, leg-b-1@b2bua1.home1.net and leg-c-1@b2bua2.home1.net into one
# call with two links labelled session-id, and links none of the unrelated calls other-1..3@home3.net.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib-correlation.sh"
source "$CORR_DIR/b2bua-chain.sh"
corr_init b2bua-session-id

run_b2bua_chain sid no
corr_publish
