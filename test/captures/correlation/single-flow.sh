# The single-subscription session-replication flow with three SIPp parties on 127.0.5.31-33 (sourced after
# lib-correlation.sh). Same shape as ../replication-flow.sh (UE-3, then UE-2, then UE-1, each once the previous
# one is bound; globals coordinate each party's calls), UDP only.
#
# run_single_flow <invite_gruu>
#   invite_gruu: the GRUU UE-2 puts in the Contact of its INVITE to UE-3.
# Call-IDs: single-ue1-1@home1.net (original session), single-ue1-2@home1.net (REFER dialog),
# single-ue2-1@home1.net (replicated session).

UE1_IP=127.0.5.31 UE1_PORT=25031
UE2_IP=127.0.5.32 UE2_PORT=25032
UE3_IP=127.0.5.33 UE3_PORT=25033
UE2_GRUU=urn:uuid:f81d4fae-7dec-11d0-2222-222222222222

# Scenario files; a variant can point one party elsewhere.
SINGLE_SCENARIO_UE1="${SINGLE_SCENARIO_UE1:-$CORR_SCENARIOS/single-ue1.xml}"
SINGLE_SCENARIO_UE1_MAX="${SINGLE_SCENARIO_UE1_MAX:-2}"

run_single_flow() {
  local inviteGruu="$1"
  local -a ue1 ue2 ue3
  mapfile -d '' ue3 < <(corr_party_args "$UE3_IP" "$UE3_PORT")
  mapfile -d '' ue2 < <(corr_party_args "$UE2_IP" "$UE2_PORT")
  mapfile -d '' ue1 < <(corr_party_args "$UE1_IP" "$UE1_PORT")

  cap_tcpdump_start "${CORR_FILTER[@]}"
  cap_sipp ue3 -sf "$CORR_SCENARIOS/single-ue3.xml" "${ue3[@]}" -m "${SINGLE_UE3_CALLS:-2}" -key tp ""
  cap_wait_bound udp "$UE3_IP" "$UE3_PORT"
  cap_sipp ue2 -sf "$CORR_SCENARIOS/single-ue2-invite.xml" -oocsf "$CORR_SCENARIOS/single-ue2-refer-ooc.xml" \
    "${ue2[@]}" -m 1 -cid_str 'single-ue2-%u@home1.net' -key tp "" -key invite_gruu "$inviteGruu" \
    "$UE3_IP:$UE3_PORT"
  cap_wait_bound udp "$UE2_IP" "$UE2_PORT"
  cap_sipp ue1 -sf "$SINGLE_SCENARIO_UE1" "${ue1[@]}" -m "$SINGLE_SCENARIO_UE1_MAX" \
    -cid_str 'single-ue1-%u@home1.net' -key tp "" \
    -key refer_host "$UE2_IP" -key refer_port "$UE2_PORT" -key refer_proto udp \
    "$UE3_IP:$UE3_PORT"
  cap_wait_all
  cap_tcpdump_stop
}
