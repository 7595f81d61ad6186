# One call through two back-to-back user agents (three legs, three Call-IDs), with three unrelated calls
# between two other parties at the same time (sourced after lib-correlation.sh).
#
# run_b2bua_chain <carry> <keep_from>
#   carry: sid | icid | xcid | none   (what each B2BUA copies from its incoming leg, see b2bua-outgoing.xml)
#   keep_from: yes | no               (no: the B2BUAs send an anonymous From, RFC 3323)
# Call-IDs: leg 1 A -> B2BUA-1 leg-a-1@home1.net, leg 2 B2BUA-1 -> B2BUA-2 leg-b-1@b2bua1.home1.net,
# leg 3 B2BUA-2 -> C leg-c-1@b2bua2.home1.net; unrelated calls other-1..3@home3.net, whose caller has the
# same user part (alice) as A. Every INVITE carries a Session-ID and a P-Charging-Vector; the values
# differ per call and per leg except where a B2BUA carries them.

A_IP=127.0.5.1 A_PORT=25001
B1_IP=127.0.5.11 B1_PORT=25011
B2_IP=127.0.5.12 B2_PORT=25012
C_IP=127.0.5.3 C_PORT=25003
OTHER_A_IP=127.0.5.21 OTHER_A_PORT=25021
OTHER_B_IP=127.0.5.22 OTHER_B_PORT=25022

run_b2bua_chain() {
  local carry="$1" keepFrom="$2"
  local -a c b2 b1 oa ob a
  mapfile -d '' c < <(corr_party_args "$C_IP" "$C_PORT")
  mapfile -d '' b2 < <(corr_party_args "$B2_IP" "$B2_PORT")
  mapfile -d '' b1 < <(corr_party_args "$B1_IP" "$B1_PORT")
  mapfile -d '' oa < <(corr_party_args "$OTHER_A_IP" "$OTHER_A_PORT")
  mapfile -d '' ob < <(corr_party_args "$OTHER_B_IP" "$OTHER_B_PORT")
  mapfile -d '' a < <(corr_party_args "$A_IP" "$A_PORT")

  cap_tcpdump_start "${CORR_FILTER[@]}"

  cap_sipp callee -sf "$CORR_SCENARIOS/leg-callee.xml" "${c[@]}" -m 1 \
    -key sid_base 9e8d7c6b5a4938271605f4e3d2c1b0a
  cap_wait_bound udp "$C_IP" "$C_PORT"
  cap_sipp b2bua2 -sf "$CORR_SCENARIOS/b2bua-outgoing.xml" -oocsf "$CORR_SCENARIOS/b2bua-incoming.xml" \
    "${b2[@]}" -m 1 -cid_str 'leg-c-%u@b2bua2.home1.net' \
    -key carry "$carry" -key keep_from "$keepFrom" -key callee carol -key domain home2.net \
    -key sid_base b2b2b2b2c0ffee000000000000000b2 -key icid_base b2bua2-icid-7f31 -key name b2bua2 \
    "$C_IP:$C_PORT"
  cap_wait_bound udp "$B2_IP" "$B2_PORT"
  cap_sipp b2bua1 -sf "$CORR_SCENARIOS/b2bua-outgoing.xml" -oocsf "$CORR_SCENARIOS/b2bua-incoming.xml" \
    "${b1[@]}" -m 1 -cid_str 'leg-b-%u@b2bua1.home1.net' \
    -key carry "$carry" -key keep_from "$keepFrom" -key callee carol -key domain home2.net \
    -key sid_base b1b1b1b1c0ffee000000000000000b1 -key icid_base b2bua1-icid-52a0 -key name b2bua1 \
    "$B2_IP:$B2_PORT"
  cap_wait_bound udp "$B1_IP" "$B1_PORT"
  cap_sipp other-callee -sf "$CORR_SCENARIOS/leg-callee.xml" "${ob[@]}" -m 3 \
    -key sid_base fedcba9876543210fedcba987654321
  cap_wait_bound udp "$OTHER_B_IP" "$OTHER_B_PORT"

  # The unrelated calls start just before A's call, so they overlap it in time.
  cap_sipp other-caller -sf "$CORR_SCENARIOS/leg-caller.xml" "${oa[@]}" -m 3 -r 10 -l 3 \
    -cid_str 'other-%u@home3.net' -key caller alice -key callee dave -key domain home3.net \
    -key sid_base 0123456789abcdef0123456789abcde -key icid_base other-icid -d 300 \
    "$OTHER_B_IP:$OTHER_B_PORT"
  cap_sipp caller -sf "$CORR_SCENARIOS/leg-caller.xml" "${a[@]}" -m 1 \
    -cid_str 'leg-a-%u@home1.net' -key caller alice -key callee carol -key domain home2.net \
    -key sid_base 4f1a2b3c4d5e6f708192a3b4c5d6e7f -key icid_base a-icid-e41c -d 300 \
    "$B1_IP:$B1_PORT"

  cap_wait_all
  cap_tcpdump_stop
  # 3 legs + 3 unrelated calls, each INVITE 100 200 ACK BYE 200
  local -a one=(INVITE "100 (INVITE)" "200 (INVITE)" ACK BYE "200 (BYE)")
  corr_expect_messages "${one[@]}" "${one[@]}" "${one[@]}" "${one[@]}" "${one[@]}" "${one[@]}"
}
