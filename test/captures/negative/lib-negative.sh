# Helpers for the failure-class captures in test/captures/negative/ (sourced, not run).
#
# Builds on ../lib.sh (tcpdump start/stop, bounded SIPp parties, tshark message listing) and
# on its scenario approach (one SIPp call per dialog, coordinated through global variables,
# -oocsf for the REFER side). neg_publish is a changed copy of cap_publish that writes into
# negative/ instead of test/captures/.
#
# Address plan (this folder owns 127.0.3.0/24, ports 35000-35999; UDP over IPv4 only):
#   UE-1 127.0.3.1:35001   UE-2 127.0.3.2:35002   UE-3 127.0.3.3:35003
#   bystander caller 127.0.3.21:35021, callee 127.0.3.22:35022 (replication-among-50)
#   SIPp control sockets on port+100, SDP media ports 355xx (no RTP is sent).
#
# A make-<name>.sh script sets the switches of its failure class, then calls
# neg_run_replication and neg_expect_sequence:
#   NEG_KEYS[name]=value   -key for every party (text put into messages)
#   NEG_UE1_SET / NEG_UE2_SET / NEG_UE3_SET   -set arguments, e.g. (-set skip_ack 1)
#   NEG_UE3_CALLS          INVITEs UE-3 answers (2, or 1 when UE-2 never invites)
#   NEG_NOTIFY_WAIT_S      seconds UE-1 waits for a NOTIFY before giving up
#   NEG_UE3_RETRANS        "on" lets UE-3 retransmit its 200 (ack-missing)

NEG_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../lib.sh
source "$NEG_DIR/../lib.sh"
NEG_SCENARIOS="$NEG_DIR/scenarios"

UE1_IP=127.0.3.1 UE1_PORT=35001
UE2_IP=127.0.3.2 UE2_PORT=35002
UE3_IP=127.0.3.3 UE3_PORT=35003
BYSTANDER_A_IP=127.0.3.21 BYSTANDER_A_PORT=35021
BYSTANDER_B_IP=127.0.3.22 BYSTANDER_B_PORT=35022

# Only this folder's hosts and ports reach the capture (others capture on lo at the same time).
NEG_FILTER=(udp and src net 127.0.3.0/24 and dst net 127.0.3.0/24 and portrange 35000-35999)

declare -A NEG_KEYS=(
  [ue2_host]=$UE2_IP [ue2_port]=$UE2_PORT
  [sub_state]="terminated;reason=noresource"
  [sipfrag]="SIP/2.0 200 OK"
)
NEG_UE1_SET=()
NEG_UE2_SET=()
NEG_UE3_SET=()
NEG_UE3_CALLS=2
NEG_NOTIFY_WAIT_S=3
NEG_UE3_RETRANS=off

# cap_init, with the work folder under a prefix of this folder's own (others tidy up
# /tmp/siptrail-cap-* while they work, which took the logs of failed runs with it).
neg_init() {
  cap_init "$1"
  rm -rf "$CAP_TMP"
  CAP_TMP="$(mktemp -d "/tmp/negative-capture-$1.XXXXXX")"
  CAP_PCAP="$CAP_TMP/$1.pcap"
}

# -key arguments, NUL-separated (values hold spaces and semicolons).
neg_key_args() {
  local name
  for name in "${!NEG_KEYS[@]}"; do
    printf '%s\0' -key "$name" "${NEG_KEYS[$name]}"
  done
}

# Common SIPp options for one party: address, port, its own control and media sockets in this
# folder's range, and no default behaviours (SIPp sends no BYE or CANCEL on its own).
neg_party_args() {
  local ip="$1" port="$2"
  printf '%s\0' -t u1 -i "$ip" -p "$port" -mi "$ip" -mp "$((port + 500))" \
    -ci "$ip" -cp "$((port + 100))" -nd
}

# SIPp's UDP retransmissions (-nr turns them off). Off by default: on a loaded machine a late
# answer would add a retransmission and change the expected message count. ack-missing needs
# UE-3's 200 retransmissions.
neg_retrans_args() {
  [[ "${1:-off}" == on ]] || printf '%s\0' -nr
}

# Starts UE-3, then UE-2, then UE-1 (each once the previous one is bound); UE-1 drives the
# flow. Call between cap_tcpdump_start and cap_wait_all.
neg_start_replication() {
  local -a keys ue2 ue3
  mapfile -d '' keys < <(neg_key_args)
  mapfile -d '' ue2 < <(neg_party_args "$UE2_IP" "$UE2_PORT"; neg_retrans_args)
  mapfile -d '' ue3 < <(neg_party_args "$UE3_IP" "$UE3_PORT"; neg_retrans_args "$NEG_UE3_RETRANS")

  cap_sipp ue3 -sf "$NEG_SCENARIOS/ue3-target.xml" "${ue3[@]}" "${keys[@]}" \
    -m "$NEG_UE3_CALLS" ${NEG_UE3_SET[@]+"${NEG_UE3_SET[@]}"}
  cap_wait_bound udp "$UE3_IP" "$UE3_PORT"

  cap_sipp ue2 -sf "$NEG_SCENARIOS/ue2-invite.xml" -oocsf "$NEG_SCENARIOS/ue2-refer-ooc.xml" \
    "${ue2[@]}" "${keys[@]}" -m 1 -cid_str 'neg-ue2-%u@home1.net' \
    ${NEG_UE2_SET[@]+"${NEG_UE2_SET[@]}"} "$UE3_IP:$UE3_PORT"
  cap_wait_bound udp "$UE2_IP" "$UE2_PORT"

  neg_start_ue1
}

neg_start_ue1() {
  local -a keys ue1
  mapfile -d '' keys < <(neg_key_args)
  mapfile -d '' ue1 < <(neg_party_args "$UE1_IP" "$UE1_PORT"; neg_retrans_args)
  cap_sipp ue1 -sf "$NEG_SCENARIOS/ue1-referrer.xml" -oocsf "$NEG_SCENARIOS/ue1-unknown-ooc.xml" \
    "${ue1[@]}" "${keys[@]}" -m 2 -cid_str 'neg-ue1-%u@home1.net' \
    -set notify_wait_s "$NEG_NOTIFY_WAIT_S" ${NEG_UE1_SET[@]+"${NEG_UE1_SET[@]}"} \
    "$UE3_IP:$UE3_PORT"
}

# The whole capture of one replication variant.
neg_run_replication() {
  cap_tcpdump_start "${NEG_FILTER[@]}"
  neg_start_replication
  cap_wait_all
  cap_tcpdump_stop
}

# <count> unrelated basic calls (INVITE, 200, ACK, BYE, 200) between the bystanders, started at
# <rate> calls per second; returns once the callee listens and the caller has started.
neg_start_bystanders() {
  local count="$1" rate="$2"
  local -a callee caller
  mapfile -d '' callee < <(neg_party_args "$BYSTANDER_B_IP" "$BYSTANDER_B_PORT"; neg_retrans_args)
  mapfile -d '' caller < <(neg_party_args "$BYSTANDER_A_IP" "$BYSTANDER_A_PORT"; neg_retrans_args)
  cap_sipp bystander-callee -sf "$NEG_SCENARIOS/bystander-callee.xml" "${callee[@]}" -m "$count"
  cap_wait_bound udp "$BYSTANDER_B_IP" "$BYSTANDER_B_PORT"
  cap_sipp bystander-caller -sf "$NEG_SCENARIOS/bystander-caller.xml" "${caller[@]}" \
    -m "$count" -r "$rate" -l "$count" -cid_str 'call-%u-%p@home3.net' \
    "$BYSTANDER_B_IP:$BYSTANDER_B_PORT"
}

# Fails loudly unless tshark sees exactly these SIP messages in this order. Each argument is
# a method ("INVITE") or a status with its CSeq method ("200 (INVITE)"), as cap_sip_messages
# prints them. Keeps the listing in NEG_MESSAGES (tshark is slow to start; run it once).
NEG_MESSAGES=""
neg_expect_sequence() {
  local expected actual
  NEG_MESSAGES="$(cap_sip_messages)"
  expected="$(printf '%s\n' "$@")"
  actual="$(cut -f3 <<<"$NEG_MESSAGES")"
  [[ "$actual" == "$expected" ]] ||
    cap_die "expected $# SIP messages in this order, tshark sees $(wc -l <<<"$actual") (< expected, > tshark):
$(diff <(printf '%s\n' "$expected") <(printf '%s\n' "$actual") || true)
$NEG_MESSAGES"
}

# Like neg_expect_sequence, for captures whose order depends on timing: the same messages,
# each as often, in any order.
neg_expect_messages() {
  local expected actual
  NEG_MESSAGES="$(cap_sip_messages)"
  expected="$(printf '%s\n' "$@" | sort)"
  actual="$(cut -f3 <<<"$NEG_MESSAGES" | sort)"
  [[ "$actual" == "$expected" ]] ||
    cap_die "expected these $# SIP messages in any order, tshark sees $(wc -l <<<"$actual") (< expected, > tshark):
$(diff <(printf '%s\n' "$expected") <(printf '%s\n' "$actual") || true)
$NEG_MESSAGES"
}

# Fails loudly unless tshark finds exactly <count> frames matching the display filter.
neg_expect_frames() {
  local filter="$1" count="$2" actual
  actual="$(tshark -r "$CAP_PCAP" -Y "$filter" 2>/dev/null | wc -l)"
  [[ "$actual" -eq "$count" ]] ||
    cap_die "expected $count frames matching '$filter', tshark finds $actual"
}

# Copy of cap_publish (../lib.sh) that writes into negative/ instead of test/captures/ and
# prints the listing neg_expect_sequence made.
neg_publish() {
  local target="$NEG_DIR/$CAP_NAME.pcap"
  mv -f "$CAP_PCAP" "$target"
  chmod 0644 "$target"
  CAP_PCAP="$target"
  cap_log "wrote $target ($(stat -c %s "$target") bytes, $(capinfos -c -M "$target" | awk '/Number of packets/ { print $NF }') packets)"
  printf '%s\n' "${NEG_MESSAGES:-$(cap_sip_messages "$target")}" >&2
}
