#!/usr/bin/env bash
# Writes replication-udp.pcap: the seed's session-replication push-mode flow over UDP between
# three SIPp parties on loopback (UE-1 127.0.1.1:15001, UE-2 127.0.1.2:15002,
# UE-3 127.0.1.3:15003). See README.md in this folder.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$CAP_DIR/replication-flow.sh"

cap_init replication-udp
cap_tcpdump_start udp and src net 127.0.1.0/24 and dst net 127.0.1.0/24 and portrange 15000-15999
run_replication_flow udp 127.0.1.1 127.0.1.2 127.0.1.3
cap_tcpdump_stop
# original session 5 (INVITE 100 180 200 ACK) + REFER 202 NOTIFY 200 + INVITE 100 200 ACK + NOTIFY 200
cap_expect_sip_count 15
cap_publish
