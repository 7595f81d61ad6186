#!/usr/bin/env bash
# A call through two B2BUAs that add an X-CID correlation header: B2BUA-1 puts the incoming Call-ID in it, B2BUA-2 passes the X-CID it received on; each leg has its own Session-ID and icid-value and an anonymous From.
# Expected: correlate() puts leg-a-1@home1.net, leg-b-1@b2bua1.home1.net and leg-c-1@b2bua2.home1.net into one
# call with two links labelled correlation-header, and links none of the unrelated calls other-1..3@home3.net.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib-correlation.sh"
source "$CORR_DIR/b2bua-chain.sh"
corr_init b2bua-x-cid

run_b2bua_chain xcid no
corr_publish
