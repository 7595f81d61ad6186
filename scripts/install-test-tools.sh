#!/usr/bin/env bash
# Installs the Debian tools the tests use as oracles and producers: tshark (reference dissector), chromium (mermaid
# parse/render and the export tests, driven by playwright-core), plantuml (checks exported PlantUML), plus what
# regenerating captures needs (sip-tester = SIPp, tcpdump, kamailio), and script(1) (bsdutils, a real terminal for
# the CLI's progress test; Essential in Debian, so normally there). Non-interactive, idempotent.
set -euo pipefail
need=()
command -v tshark >/dev/null 2>&1 || need+=(tshark)
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v plantuml >/dev/null 2>&1 || need+=(plantuml)
command -v script >/dev/null 2>&1 || need+=(bsdutils)
if [ "${SIPTRAIL_CAPTURE_TOOLS:-0}" = 1 ]; then
  command -v sipp >/dev/null 2>&1 || need+=(sip-tester)
  command -v tcpdump >/dev/null 2>&1 || need+=(tcpdump)
  command -v kamailio >/dev/null 2>&1 || need+=(kamailio)
fi
[ ${#need[@]} -eq 0 ] && exit 0
export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture; answer no without a prompt.
echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
for attempt in 1 2 3 4 5; do
  if apt-get update -q && apt-get install -y -q --no-install-recommends "${need[@]}"; then exit 0; fi
  echo "apt-get failed (attempt $attempt), retrying in 10 s" >&2
  sleep 10
done
exit 1
