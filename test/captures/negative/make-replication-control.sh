#!/usr/bin/env bash
# Control: the seed's push-mode replication with nothing wrong (original session UE-1 <-> UE-3,
# REFER UE-1 -> UE-2, 202, INVITE UE-2 -> UE-3, 200, ACK, final NOTIFY, 200), made by the same
# scenarios as the failure captures; each of those differs from this one in one respect.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib-negative.sh"
neg_init replication-control

neg_run_replication
neg_expect_sequence \
  INVITE "200 (INVITE)" ACK \
  REFER "202 (REFER)" \
  INVITE "200 (INVITE)" ACK \
  NOTIFY "200 (NOTIFY)"
neg_publish
