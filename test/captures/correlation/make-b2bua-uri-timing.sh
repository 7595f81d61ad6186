#!/usr/bin/env bash
# A call through two B2BUAs that carry no correlation value at all (own Session-ID and icid-value per leg) but keep the caller's From: only the caller, the addresses and the timing tie the legs together.
# Expected: correlate() puts leg-a-1@home1.net, leg-b-1@b2bua1.home1.net and leg-c-1@b2bua2.home1.net into one
# call with two links labelled uri-timing, and links none of the unrelated calls other-1..3@home3.net.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib-correlation.sh"
source "$CORR_DIR/b2bua-chain.sh"
corr_init b2bua-uri-timing

run_b2bua_chain none yes
corr_publish
