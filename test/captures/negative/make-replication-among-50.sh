#!/usr/bin/env bash
# The control flow while 50 unrelated basic calls (caller1..50@home3.net -> callee1..50@home4.net,
# INVITE/200/ACK/BYE/200, 10 calls/s, 1 s each) run between two other hosts in the same capture.
# Expected: exactly one instance of 3gpp-replication-push, verdict pass, bound to the UE-1/UE-2/
# UE-3 dialogs (Call-IDs neg-ue1-1, neg-ue1-2, neg-ue2-1 @home1.net); no bystander call bound.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib-negative.sh"
neg_init replication-among-50

cap_tcpdump_start "${NEG_FILTER[@]}"
neg_start_bystanders 50 10
# UE-3 and UE-2 come up while the bystander calls are running; UE-1 starts the replication in
# the middle of them.
neg_start_replication
cap_wait_all
cap_tcpdump_stop

bystander=()
for what in INVITE "200 (INVITE)" ACK BYE "200 (BYE)"; do
  for i in $(seq 1 50); do bystander+=("$what"); done
done
neg_expect_messages \
  INVITE "200 (INVITE)" ACK \
  REFER "202 (REFER)" \
  INVITE "200 (INVITE)" ACK \
  NOTIFY "200 (NOTIFY)" \
  "${bystander[@]}"
replication="$(awk -F'\t' '$2 ~ /^127\.0\.3\.[123]$/ { print $3 }' <<<"$NEG_MESSAGES")"
[[ "$replication" == "$(printf '%s\n' INVITE "200 (INVITE)" ACK REFER "202 (REFER)" \
  INVITE "200 (INVITE)" ACK NOTIFY "200 (NOTIFY)")" ]] ||
  cap_die "the replication's own messages are not the control sequence:
$replication"
calls="$(awk -F'\t' '$2 ~ /^127\.0\.3\.2[12]$/ { print $4 }' <<<"$NEG_MESSAGES" | sort -u | wc -l)"
[[ "$calls" -eq 50 ]] || cap_die "expected 50 bystander Call-IDs, found $calls"
# The replication must really happen among the bystander calls, not before or after them.
first_refer="$(awk -F'\t' '$3 == "REFER" { print NR; exit }' <<<"$NEG_MESSAGES")"
last_bye="$(awk -F'\t' '$3 == "BYE" { n = NR } END { print n }' <<<"$NEG_MESSAGES")"
first_invite="$(awk -F'\t' '$2 == "127.0.3.21" && $3 == "INVITE" { print NR; exit }' <<<"$NEG_MESSAGES")"
[[ "$first_invite" -lt "$first_refer" && "$first_refer" -lt "$last_bye" ]] ||
  cap_die "the REFER (message $first_refer) is not among the bystander calls ($first_invite..$last_bye)"
neg_publish
