#!/usr/bin/env bash
# REFERs that name the session they are about. UE-1 (127.0.5.31) sets up two sessions with UE-3 (127.0.5.33),
# td-ue1-1@home1.net and td-ue1-2@home1.net, both left up. Then it sends two REFERs to UE-2 (127.0.5.32), each
# naming the first session: td-ue1-3@home1.net with Target-Dialog (RFC 4538), td-ue1-4@home1.net with
# Refer-To ...?Replaces=td-ue1-1%40home1.net%3Bto-tag%3D...%3Bfrom-tag%3D... (RFC 3891). UE-2 accepts each (202)
# and ends the subscription with a NOTIFY whose sipfrag is "603 Declined".
# Expected: both REFERs relate to session td-ue1-1@home1.net (evidence target-dialog, then replaces), although the
# latest session UE-1 holds with UE-3 is td-ue1-2@home1.net.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib-correlation.sh"
corr_init refer-target-dialog

UE1_IP=127.0.5.31 UE1_PORT=25031
UE2_IP=127.0.5.32 UE2_PORT=25032
UE3_IP=127.0.5.33 UE3_PORT=25033
mapfile -d '' ue3 < <(corr_party_args "$UE3_IP" "$UE3_PORT")
mapfile -d '' ue2 < <(corr_party_args "$UE2_IP" "$UE2_PORT")
mapfile -d '' ue1 < <(corr_party_args "$UE1_IP" "$UE1_PORT")

cap_tcpdump_start "${CORR_FILTER[@]}"
cap_sipp ue3 -sf "$CORR_SCENARIOS/single-ue3.xml" "${ue3[@]}" -m 2 -key tp ""
cap_wait_bound udp "$UE3_IP" "$UE3_PORT"
cap_sipp ue2 -sf "$CORR_SCENARIOS/td-ue2.xml" "${ue2[@]}" -m 2
cap_wait_bound udp "$UE2_IP" "$UE2_PORT"
cap_sipp ue1 -sf "$CORR_SCENARIOS/td-ue1.xml" "${ue1[@]}" -m 4 -cid_str 'td-ue1-%u@home1.net' \
  -key refer_host "$UE2_IP" -key refer_port "$UE2_PORT" -key replaces_callid 'td-ue1-1%40home1.net' \
  "$UE3_IP:$UE3_PORT"
cap_wait_all
cap_tcpdump_stop

# The two sessions may interleave; the REFERs come after both, one after the other.
corr_expect_messages \
  INVITE "100 (INVITE)" "180 (INVITE)" "200 (INVITE)" ACK \
  INVITE "100 (INVITE)" "180 (INVITE)" "200 (INVITE)" ACK \
  REFER "202 (REFER)" NOTIFY "200 (NOTIFY)" \
  REFER "202 (REFER)" NOTIFY "200 (NOTIFY)"
corr_publish
