#!/usr/bin/env bash
# Writes replication-kamailio.pcap: the seed's session-replication push-mode flow over UDP
# through a kamailio proxy (kamailio/replication.cfg, stateless, record-routing) on
# 127.0.1.10:15010. UE-1 127.0.1.1:15001, UE-2 127.0.1.2:15002, UE-3 127.0.1.3:15003 send every
# request to the proxy, so each request and each response is captured twice: UE -> proxy and
# proxy -> UE.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$CAP_DIR/replication-flow.sh"

PROXY=127.0.1.10
PROXY_PORT=15010

cap_init replication-kamailio
cap_tcpdump_start udp and src net 127.0.1.0/24 and dst net 127.0.1.0/24 and portrange 15000-15999
cap_kamailio proxy "$CAP_DIR/kamailio/replication.cfg" udp "$PROXY" "$PROXY_PORT"
run_replication_flow udp 127.0.1.1 127.0.1.2 127.0.1.3 "$PROXY" "$PROXY_PORT"
cap_stop proxy
cap_tcpdump_stop
# The 15 messages of replication-udp.pcap, each on two hops.
cap_expect_sip_count 30
cap_publish
