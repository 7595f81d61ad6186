# The session-replication push-mode flow with three SIPp parties (sourced after lib.sh).
#
# run_replication_flow <transport> <ue1-ip> <ue2-ip> <ue3-ip> [<proxy-ip> <proxy-port>]
#   transport: udp | tcp
# Starts UE-3, then UE-2, then UE-1 (each only once the previous one is bound), waits for UE-1
# and UE-2 to finish, then tells UE-3 to finish, and returns. With a proxy, UE-1 and UE-2 send
# every request to it (UE-3 answers whoever sent the request).
#
# Ports: SIP UE-1 15001, UE-2 15002, UE-3 15003 (the proxy's port is the caller's choice);
# SIPp also binds an RTP echo pair (-mp: 15100/15102, 15200/15202, 15300/15302; no RTP is sent)
# and a UDP control port on all addresses (-cp 15901-15903), all kept in the 15000-15999 range.
# Call-IDs are fixed by -cid_str: replication-ue1-1@home1.net (original session),
# replication-ue1-2@home1.net (REFER dialog), replication-ue2-1@home1.net (replicated session).

# Scenario files; a variant of the flow (e.g. a negative capture) can point one party elsewhere.
REPLICATION_SCENARIO_UE1="${REPLICATION_SCENARIO_UE1:-$CAP_SCENARIOS/ue1-replicate.xml}"
REPLICATION_SCENARIO_UE2="${REPLICATION_SCENARIO_UE2:-$CAP_SCENARIOS/ue2-invite.xml}"
REPLICATION_SCENARIO_UE2_REFER="${REPLICATION_SCENARIO_UE2_REFER:-$CAP_SCENARIOS/ue2-refer-ooc.xml}"
REPLICATION_SCENARIO_UE3="${REPLICATION_SCENARIO_UE3:-$CAP_SCENARIOS/ue3-answer.xml}"

REPLICATION_PORT_UE1=15001
REPLICATION_PORT_UE2=15002
REPLICATION_PORT_UE3=15003

# host:port as SIPp wants it on its command line (IPv6 literals in brackets, RFC 3986).
replication_hostport() {
  if [[ "$1" == *:* ]]; then printf '[%s]:%s' "$1" "$2"; else printf '%s:%s' "$1" "$2"; fi
}

run_replication_flow() {
  local transport="$1" ue1="$2" ue2="$3" ue3="$4" proxy="${5:-}" proxyPort="${6:-}"
  local clientTransport serverTransport tp
  case "$transport" in
    udp) clientTransport=u1; serverTransport=u1; tp="" ;;
    # Clients tn: one connection per call, so UE-1's REFER can go to another host than its
    # INVITE. UE-3 t1: it only accepts connections and keeps them open after each call.
    tcp) clientTransport=tn; serverTransport=t1; tp=";transport=tcp" ;;
    *) cap_die "unknown transport $transport" ;;
  esac

  local ue1NextHop ue2NextHop referHost referPort
  if [[ -n "$proxy" ]]; then
    ue1NextHop="$(replication_hostport "$proxy" "$proxyPort")"
    ue2NextHop="$ue1NextHop"
    referHost="$proxy"
    referPort="$proxyPort"
  else
    ue1NextHop="$(replication_hostport "$ue3" "$REPLICATION_PORT_UE3")"
    ue2NextHop="$ue1NextHop"
    referHost="$ue2"
    referPort="$REPLICATION_PORT_UE2"
  fi

  cap_sipp ue3 -sf "$REPLICATION_SCENARIO_UE3" -t "$serverTransport" \
    -i "$ue3" -p "$REPLICATION_PORT_UE3" -mp 15300 -cp 15903 -nd \
    -key sip_port "$REPLICATION_PORT_UE3" -key tp "$tp"
  cap_wait_bound "$transport" "$ue3" "$REPLICATION_PORT_UE3"

  cap_sipp ue2 -sf "$REPLICATION_SCENARIO_UE2" -oocsf "$REPLICATION_SCENARIO_UE2_REFER" \
    -t "$clientTransport" -i "$ue2" -p "$REPLICATION_PORT_UE2" -mp 15200 -cp 15902 -m 1 -nd \
    -cid_str 'replication-ue2-%u@home1.net' \
    -key sip_port "$REPLICATION_PORT_UE2" -key tp "$tp" "$ue2NextHop"
  cap_wait_bound "$transport" "$ue2" "$REPLICATION_PORT_UE2"

  cap_sipp ue1 -sf "$REPLICATION_SCENARIO_UE1" -t "$clientTransport" \
    -i "$ue1" -p "$REPLICATION_PORT_UE1" -mp 15100 -cp 15901 -m 2 -nd \
    -cid_str 'replication-ue1-%u@home1.net' \
    -key sip_port "$REPLICATION_PORT_UE1" -key tp "$tp" \
    -key refer_host "$referHost" -key refer_port "$referPort" -key refer_proto "$transport" \
    "$ue1NextHop"

  cap_wait ue1
  cap_wait ue2
  # UE-3 runs without -m: had it exited after its second ACK, its TCP connections would have
  # closed while UE-2 was still sending the final NOTIFY, and SIPp aborts calls (with a BYE)
  # whose connection closes.
  cap_sipp_finish ue3
}
