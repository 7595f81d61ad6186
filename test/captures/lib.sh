# Shared helpers for the capture scripts in test/captures/ (sourced, not run).
#
# Every capture script follows the same shape:
#   source lib.sh; cap_init <name>
#   [cap_netns_create]                  # optional private network namespace
#   cap_tcpdump_start <filter...>       # returns once tcpdump is really capturing
#   cap_sipp <label> <sipp args...>     # background SIPp, bounded in time
#   cap_wait_bound udp 127.0.1.3 15003  # before starting the next party
#   cap_wait <label> / cap_wait_all     # each SIPp must exit 0
#   cap_sipp_finish <label>             # SIGUSR1 to a server started without -m
#   cap_kamailio / cap_stop <label>     # a proxy in the background, stopped by its pid
#   cap_tcpdump_stop                    # SIGINT, so the pcap is flushed
#   cap_expect_sip_count <n>            # fail loudly on a wrong message count
#   cap_publish                         # move the pcap into test/captures/
#
# Processes are only ever stopped by the pid this library recorded for them. Nothing here
# uses pkill/killall, so other users of the loopback interface are left alone.

set -euo pipefail
export LC_ALL=C

CAP_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CAP_SCENARIOS="$CAP_DIR/scenarios"
# Upper bound for any single party (seconds). The flows take well under 2 s.
CAP_PARTY_TIMEOUT="${CAP_PARTY_TIMEOUT:-20}"
CAP_NAME=""
CAP_TMP=""
CAP_NS=""
CAP_PCAP=""
CAP_TCPDUMP_PID=""
CAP_PIDS=()
CAP_LABELS=()

cap_log() { printf '[%s] %s\n' "${CAP_NAME:-capture}" "$*" >&2; }

cap_die() {
  printf '[%s] ERROR: %s\n' "${CAP_NAME:-capture}" "$*" >&2
  exit 1
}

cap_require_tools() {
  local tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null 2>&1 || cap_die "required tool '$tool' is not installed"
  done
}

# Command prefix that enters the private namespace, if any. `ip netns exec` execs the command,
# so $! of a backgrounded "${CAP_NS_PREFIX[@]}" cmd & is the command's own pid.
CAP_NS_PREFIX=()

# Runs a command inside the private namespace when one was created, else directly.
cap_exec() {
  if [[ -n "$CAP_NS" ]]; then
    ip netns exec "$CAP_NS" "$@"
  else
    "$@"
  fi
}

cap_init() {
  CAP_NAME="$1"
  cap_require_tools sipp tcpdump tshark timeout ss
  CAP_TMP="$(mktemp -d "/tmp/siptrail-cap-$CAP_NAME.XXXXXX")"
  CAP_PCAP="$CAP_TMP/$CAP_NAME.pcap"
  trap cap_cleanup EXIT
  trap 'exit 130' INT TERM
}

cap_cleanup() {
  local status=$?
  local pid
  for pid in "${CAP_PIDS[@]}" ${CAP_TCPDUMP_PID:+"$CAP_TCPDUMP_PID"}; do
    cap_stop_pid "$pid"
  done
  if [[ -n "$CAP_NS" ]]; then
    ip netns del "$CAP_NS" 2>/dev/null || true
  fi
  if [[ $status -ne 0 && -n "$CAP_TMP" ]]; then
    cap_log "failed; logs kept in $CAP_TMP"
  elif [[ -n "$CAP_TMP" && -z "${CAP_KEEP:-}" ]]; then
    rm -rf "$CAP_TMP"
  fi
  exit "$status"
}

# Stops one process we started (a timeout(1) wrapper, which passes the signal on). SIPp and
# tcpdump both stop on SIGINT (SIPp ignores SIGTERM); SIGKILL only after 3 s.
cap_stop_pid() {
  local pid="$1" i child
  kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
  kill -INT "$pid" 2>/dev/null || true
  for i in $(seq 1 30); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    for child in $(ps -o pid= --ppid "$pid" 2>/dev/null); do
      kill -KILL "$child" 2>/dev/null || true
    done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
}

# A private namespace with only a loopback interface; optional MTU for segmentation tests.
cap_netns_create() {
  local mtu="${1:-}"
  cap_require_tools ip
  CAP_NS="siptrail-$CAP_NAME-$$"
  ip netns add "$CAP_NS" || cap_die "cannot create network namespace $CAP_NS"
  CAP_NS_PREFIX=(ip netns exec "$CAP_NS")
  ip netns exec "$CAP_NS" ip link set lo up
  if [[ -n "$mtu" ]]; then
    # gso_max_segs 1: loopback takes GSO packets whole, so without this TCP hands it (and
    # tcpdump sees) super-segments larger than the MTU instead of MSS-sized segments.
    ip netns exec "$CAP_NS" ip link set lo mtu "$mtu" gso_max_segs 1
  fi
}

# Makes TCP senders in the namespace bunch messages written back to back into shared segments:
#  - initcwnd 1 on the loopback route: a new connection may have one segment in flight, so what
#    the application writes while the first segment is unacknowledged waits in the socket and
#    leaves coalesced (several writes per segment) once the ACK opens the window;
#  - a token bucket (tc tbf) on lo: every packet waits a few ms for tokens, which gives that
#    wait a duration (on a bare loopback the ACK arrives before send() even returns).
# burst must hold the largest frame, or tbf drops it.
cap_netns_throttle() {
  local rate="$1" burst="$2"
  [[ -n "$CAP_NS" ]] || cap_die "cap_netns_throttle needs cap_netns_create first"
  cap_require_tools tc
  ip netns exec "$CAP_NS" ip route change local 127.0.0.0/8 dev lo table local proto kernel \
    scope host src 127.0.0.1 initcwnd 1 || cap_die "cannot set initcwnd on lo in $CAP_NS"
  ip netns exec "$CAP_NS" tc qdisc add dev lo root tbf rate "$rate" burst "$burst" limit 200000 ||
    cap_die "cannot add a tbf qdisc to lo in $CAP_NS"
}

# Starts tcpdump on lo with the given BPF filter words and waits until it reports that it
# is listening, so no packet of the flow can be missed. Bounded by time and packet count.
cap_tcpdump_start() {
  [[ $# -gt 0 ]] || cap_die "cap_tcpdump_start needs a filter (others capture on lo too)"
  local err="$CAP_TMP/tcpdump.err"
  # --immediate-mode: hand each packet over at once, or the last ones can still sit in the
  # kernel ring when tcpdump is stopped. -Z root: Debian's tcpdump otherwise drops to an
  # account that cannot write into $CAP_TMP.
  "${CAP_NS_PREFIX[@]}" timeout --signal=INT --kill-after=5 120 tcpdump -i lo -n --immediate-mode -U -s 0 -c 2000 -Z root -w "$CAP_PCAP" "$@" 2>"$err" &
  CAP_TCPDUMP_PID=$!
  local i
  for i in $(seq 1 100); do
    if grep -q 'listening on' "$err" 2>/dev/null; then
      return 0
    fi
    kill -0 "$CAP_TCPDUMP_PID" 2>/dev/null || cap_die "tcpdump exited: $(cat "$err")"
    sleep 0.05
  done
  cap_die "tcpdump did not start listening within 5 s"
}

# SIGINT makes tcpdump write out what it buffered and close the file properly.
cap_tcpdump_stop() {
  [[ -n "$CAP_TCPDUMP_PID" ]] || cap_die "tcpdump is not running"
  # Let the last packets of the flow reach the capture before stopping it.
  sleep 0.3
  kill -INT "$CAP_TCPDUMP_PID" 2>/dev/null || true
  wait "$CAP_TCPDUMP_PID" 2>/dev/null || true
  CAP_TCPDUMP_PID=""
  [[ -s "$CAP_PCAP" ]] || cap_die "tcpdump wrote no capture"
}

# Runs a command in the background (in the namespace, if any), bounded by timeout(1), with its
# output in $CAP_TMP/<label>.stdout/.stderr. Usage: cap_spawn <label> <seconds> <command...>
cap_spawn() {
  local label="$1" seconds="$2"
  shift 2
  "${CAP_NS_PREFIX[@]}" timeout --signal=INT --kill-after=5 "$seconds" "$@" \
    >"$CAP_TMP/$label.stdout" 2>"$CAP_TMP/$label.stderr" &
  CAP_PIDS+=("$!")
  CAP_LABELS+=("$label")
}

# Runs one SIPp party in the background, bounded by SIPp's own -timeout and by timeout(1).
# Usage: cap_sipp <label> <sipp arguments...>
cap_sipp() {
  local label="$1"
  shift
  cap_spawn "$label" "$((CAP_PARTY_TIMEOUT + 5))" \
    sipp "$@" -max_socket 100 -nostdin -timeout "${CAP_PARTY_TIMEOUT}s" -timeout_error \
    -trace_err -error_file "$CAP_TMP/$label.errors.log" \
    -trace_msg -message_file "$CAP_TMP/$label.messages.log"
}

# Starts kamailio in the foreground of a background job (-DD: no daemon, children forked),
# with its pid file and runtime directory under $CAP_TMP, and waits until it listens.
# Usage: cap_kamailio <label> <config> <udp|tcp> <address> <port>
cap_kamailio() {
  local label="$1" config="$2" proto="$3" address="$4" port="$5"
  cap_require_tools kamailio
  mkdir -p "$CAP_TMP/$label.run"
  kamailio -c -f "$config" >"$CAP_TMP/$label.check" 2>&1 ||
    cap_die "kamailio rejects $config: $(tail -n 5 "$CAP_TMP/$label.check")"
  cap_spawn "$label" 120 kamailio -f "$config" -DD -E -m 32 -M 8 \
    -P "$CAP_TMP/$label.pid" -Y "$CAP_TMP/$label.run" -w "$CAP_TMP/$label.run"
  cap_wait_bound "$proto" "$address" "$port"
}

# Stops a background process started here (SIGINT, then SIGKILL after 3 s) and forgets it.
cap_stop() {
  local label="$1" i
  for i in "${!CAP_LABELS[@]}"; do
    [[ "${CAP_LABELS[$i]}" == "$label" ]] || continue
    cap_stop_pid "${CAP_PIDS[$i]}"
    unset 'CAP_PIDS[i]' 'CAP_LABELS[i]'
    return 0
  done
  cap_die "nothing labelled '$label' is running"
}

# Waits until something is bound to proto (udp|tcp) address:port, i.e. a party is ready.
cap_wait_bound() {
  local proto="$1" address="$2" port="$3"
  local flag="-Hlnu"
  [[ "$proto" == "tcp" ]] && flag="-Hlnt"
  local pattern="$address:$port"
  [[ "$address" == *:* ]] && pattern="[$address]:$port"
  local i
  for i in $(seq 1 100); do
    if cap_exec ss "$flag" | awk '{print $4}' | grep -qxF "$pattern"; then
      return 0
    fi
    sleep 0.05
  done
  cap_die "nothing is listening on $proto $pattern after 5 s"
}

# Waits for the SIPp started as <label>; it must exit 0 (all its calls succeeded).
cap_wait() {
  local label="$1" i rc
  for i in "${!CAP_LABELS[@]}"; do
    [[ "${CAP_LABELS[$i]}" == "$label" ]] || continue
    rc=0
    wait "${CAP_PIDS[$i]}" || rc=$?
    unset 'CAP_PIDS[i]' 'CAP_LABELS[i]'
    if [[ $rc -ne 0 ]]; then
      tail -n 20 "$CAP_TMP/$label.errors.log" 2>/dev/null >&2 || true
      cap_die "SIPp '$label' exited with status $rc (logs: $CAP_TMP/$label.*)"
    fi
    return 0
  done
  cap_die "no SIPp labelled '$label' is running"
}

# Waits for every SIPp still running.
cap_wait_all() {
  local i
  for i in "${!CAP_LABELS[@]}"; do
    cap_wait "${CAP_LABELS[$i]}"
  done
}

# Asks a SIPp server that runs without -m to finish: SIGUSR1 makes SIPp stop taking new calls
# and exit once its current calls are over, with status 0 when none failed. Used for parties
# that must stay up (and keep their TCP connections) until the other parties are done.
cap_sipp_finish() {
  local label="$1" i child
  for i in "${!CAP_LABELS[@]}"; do
    [[ "${CAP_LABELS[$i]}" == "$label" ]] || continue
    # The recorded pid is timeout(1), which does not pass SIGUSR1 on: signal its child.
    for child in $(ps -o pid= --ppid "${CAP_PIDS[$i]}" 2>/dev/null); do
      kill -USR1 "$child" 2>/dev/null || true
    done
    cap_wait "$label"
    return 0
  done
  cap_die "no SIPp labelled '$label' is running"
}

# One line per SIP message (a frame holding two messages gives two lines), tab-separated:
# frame, source address, method or "status (CSeq method)", Call-ID, CSeq.
# Read from tshark's PDML so that several SIP PDUs in one frame keep their order.
cap_sip_messages() {
  local file="${1:-$CAP_PCAP}"
  tshark -r "$file" -Y sip -T pdml 2>/dev/null |
    awk '
      function attr(name) {
        if (match($0, name "=\"[^\"]*\"")) return substr($0, RSTART + length(name) + 2, RLENGTH - length(name) - 3)
        return ""
      }
      /<packet>/ { frame = ""; src = ""; depth = 0; sipDepth = 0 }
      /<proto / {
        if ($0 ~ /\/>[ \t]*$/) next
        depth++
        if (attr("name") == "sip" && sipDepth == 0) {
          sipDepth = depth; method = ""; code = ""; callId = ""; seq = ""; cseqMethod = ""
        }
      }
      /<field / {
        name = attr("name")
        if (name == "frame.number") frame = attr("show")
        else if ((name == "ip.src" || name == "ipv6.src") && src == "") src = attr("show")
        else if (sipDepth > 0 && depth == sipDepth) {
          if (name == "sip.Method" && method == "") method = attr("show")
          else if (name == "sip.Status-Code" && code == "") code = attr("show")
          else if (name == "sip.Call-ID" && callId == "") callId = attr("show")
          else if (name == "sip.CSeq.seq" && seq == "") seq = attr("show")
          else if (name == "sip.CSeq.method" && cseqMethod == "") cseqMethod = attr("show")
        }
      }
      /<\/proto>/ {
        if (sipDepth > 0 && depth == sipDepth) {
          what = (code != "") ? code " (" cseqMethod ")" : method
          printf "%s\t%s\t%s\t%s\t%s %s\n", frame, src, what, callId, seq, cseqMethod
          sipDepth = 0
        }
        depth--
      }
    '
}

# Fails unless tshark sees exactly <n> SIP messages in the capture; keeps the list for
# cap_publish in $CAP_TMP/messages.tsv (tshark takes seconds to start, so it runs once).
cap_expect_sip_count() {
  local expected="$1"
  local actual
  cap_sip_messages >"$CAP_TMP/messages.tsv"
  actual="$(wc -l <"$CAP_TMP/messages.tsv")"
  [[ "$actual" -eq "$expected" ]] ||
    cap_die "expected $expected SIP messages in the capture, tshark sees $actual:
$(cat "$CAP_TMP/messages.tsv")"
}

# Moves the finished capture next to the scripts and prints its message list.
cap_publish() {
  local target="$CAP_DIR/$CAP_NAME.pcap"
  [[ -s "$CAP_TMP/messages.tsv" ]] || cap_sip_messages >"$CAP_TMP/messages.tsv"
  mv -f "$CAP_PCAP" "$target"
  chmod 0644 "$target"
  CAP_PCAP="$target"
  cap_log "wrote $target ($(stat -c %s "$target") bytes, $(tcpdump -r "$target" 2>/dev/null | wc -l) packets)"
  cat "$CAP_TMP/messages.tsv" >&2
}
