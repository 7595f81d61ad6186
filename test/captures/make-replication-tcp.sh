#!/usr/bin/env bash
# Writes replication-tcp.pcap: the seed's session-replication push-mode flow over TCP
# (UE-1 127.0.1.1, UE-2 127.0.1.2, UE-3 127.0.1.3, SIP port 1500x; clients open one connection
# per dialog). It runs in a private network namespace whose loopback has MTU 900 (MSS 848),
# so the INVITEs (~1100 bytes) go out in two segments, and is throttled (initcwnd 1 + tbf) so
# that UE-3's 180 Ringing and 200 OK, written right after the 100 Trying while it is still
# unacknowledged, leave together in one segment. Both properties are checked below.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$CAP_DIR/replication-flow.sh"
cap_require_tools ip tc

cap_init replication-tcp
cap_netns_create 900
cap_netns_throttle 100kbit 1000
cap_tcpdump_start tcp and net 127.0.1.0/24
run_replication_flow tcp 127.0.1.1 127.0.1.2 127.0.1.3
cap_tcpdump_stop
cap_expect_sip_count 15

# A SIP message that tshark had to reassemble from two or more TCP segments.
split="$(tshark -r "$CAP_PCAP" -Y 'sip && tcp.segment.count >= 2' -T fields -e frame.number 2>/dev/null | wc -l)"
[[ "$split" -ge 1 ]] || cap_die "no SIP message is split across TCP segments"
# A TCP segment that carries two (or more) whole SIP messages.
shared="$(cut -f1 "$CAP_TMP/messages.tsv" | uniq -d | wc -l)"
[[ "$shared" -ge 1 ]] || cap_die "no TCP segment carries two SIP messages"
cap_log "$split message(s) split across segments, $shared segment(s) with several messages"
cap_publish
