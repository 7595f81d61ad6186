#!/usr/bin/env bash
# Writes replication-ipv6.pcap: the seed's session-replication push-mode flow over UDP on the
# IPv6 loopback: UE-1 [::1]:15001, UE-2 [::1]:15002, UE-3 [::1]:15003. Via and Contact carry
# bracketed IPv6 references ([::1]:port, RFC 3261 section 25.1), as the seed's Via does.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$CAP_DIR/replication-flow.sh"

cap_init replication-ipv6
cap_tcpdump_start ip6 and udp and host ::1 and portrange 15000-15999
run_replication_flow udp ::1 ::1 ::1
cap_tcpdump_stop
cap_expect_sip_count 15
cap_publish
