#!/usr/bin/env bash
# Regenerates every capture of this folder, one after the other (they share addresses/ports).
set -euo pipefail
dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
for name in replication-udp replication-tcp replication-ipv6 replication-kamailio; do
  bash "$dir/make-$name.sh"
done
