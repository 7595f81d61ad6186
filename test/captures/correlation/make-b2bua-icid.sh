#!/usr/bin/env bash
# A call through two IMS B2BUAs that keep the icid-value of P-Charging-Vector (RFC 7315 section 4.6) and rewrite its other parameters; each leg has its own Session-ID and an anonymous From.
# Expected: correlate() puts leg-a-1@home1.net, leg-b-1@b2bua1.home1.net and leg-c-1@b2bua2.home1.net into one
# call with two links labelled icid-value, and links none of the unrelated calls other-1..3@home3.net.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib-correlation.sh"
source "$CORR_DIR/b2bua-chain.sh"
corr_init b2bua-icid

run_b2bua_chain icid no
corr_publish
