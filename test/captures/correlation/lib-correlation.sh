# Helpers for the captures in test/captures/correlation/ (sourced, not run): B2BUA call legs, the
# single-subscription replication flow and REFERs that name their original session.
#
# Builds on ../lib.sh (tcpdump start/stop, bounded SIPp parties, tshark message listing).
# Address plan (this folder owns 127.0.5.0/24, ports 25000-25999; UDP over IPv4 only):
#   B2BUA chain: caller A 127.0.5.1:25001 -> B2BUA-1 127.0.5.11:25011 -> B2BUA-2 127.0.5.12:25012
#                -> callee C 127.0.5.3:25003; unrelated calls 127.0.5.21:25021 -> 127.0.5.22:25022
#   Replication (single subscription) and REFER relations: UE-1 127.0.5.31:25031,
#                UE-2 127.0.5.32:25032, UE-3 127.0.5.33:25033
#   SIPp control sockets on port+100, media (no RTP is sent) on port+500.

CORR_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../lib.sh
source "$CORR_DIR/../lib.sh"
CORR_SCENARIOS="$CORR_DIR/scenarios"

# Only this folder's hosts and ports reach the capture (others capture on lo at the same time).
CORR_FILTER=(udp and src net 127.0.5.0/24 and dst net 127.0.5.0/24 and portrange 25000-25999)

# cap_init, with the work folder under this folder's own prefix.
corr_init() {
  cap_init "$1"
  rm -rf "$CAP_TMP"
  CAP_TMP="$(mktemp -d "/tmp/correlation-capture-$1.XXXXXX")"
  CAP_PCAP="$CAP_TMP/$1.pcap"
}

# Common SIPp options for one party (NUL-separated): address, port, control and media sockets in this
# folder's range, no default behaviours, and no UDP retransmissions (-nr), so that a late answer on a loaded
# machine cannot change the message count.
corr_party_args() {
  local ip="$1" port="$2"
  printf '%s\0' -t u1 -i "$ip" -p "$port" -mi "$ip" -mp "$((port + 500))" \
    -ci "$ip" -cp "$((port + 100))" -nd -nr -key sip_port "$port"
}

# Fails loudly unless tshark sees exactly these SIP messages, each as often, in any order (the B2BUA legs
# and the unrelated calls interleave by timing). Arguments as cap_sip_messages prints them: "INVITE",
# "200 (INVITE)". Keeps the listing in CORR_MESSAGES.
CORR_MESSAGES=""
corr_expect_messages() {
  local expected actual
  CORR_MESSAGES="$(cap_sip_messages)"
  expected="$(printf '%s\n' "$@" | sort)"
  actual="$(cut -f3 <<<"$CORR_MESSAGES" | sort)"
  [[ "$actual" == "$expected" ]] ||
    cap_die "expected these $# SIP messages, tshark sees $(wc -l <<<"$actual") (< expected, > tshark):
$(diff <(printf '%s\n' "$expected") <(printf '%s\n' "$actual") || true)
$CORR_MESSAGES"
}

# Same, in exactly this order.
corr_expect_sequence() {
  local expected actual
  CORR_MESSAGES="$(cap_sip_messages)"
  expected="$(printf '%s\n' "$@")"
  actual="$(cut -f3 <<<"$CORR_MESSAGES")"
  [[ "$actual" == "$expected" ]] ||
    cap_die "expected $# SIP messages in this order, tshark sees $(wc -l <<<"$actual") (< expected, > tshark):
$(diff <(printf '%s\n' "$expected") <(printf '%s\n' "$actual") || true)
$CORR_MESSAGES"
}

# Fails loudly unless tshark finds exactly <count> frames matching the display filter.
corr_expect_frames() {
  local filter="$1" count="$2" actual
  actual="$(tshark -r "$CAP_PCAP" -Y "$filter" 2>/dev/null | wc -l)"
  [[ "$actual" -eq "$count" ]] ||
    cap_die "expected $count frames matching '$filter', tshark finds $actual"
}

# cap_publish into this folder.
corr_publish() {
  local target="$CORR_DIR/$CAP_NAME.pcap"
  mv -f "$CAP_PCAP" "$target"
  chmod 0644 "$target"
  CAP_PCAP="$target"
  cap_log "wrote $target ($(stat -c %s "$target") bytes, $(capinfos -c -M "$target" | awk '/Number of packets/ { print $NF }') packets)"
  printf '%s\n' "${CORR_MESSAGES:-$(cap_sip_messages "$target")}" >&2
}
