// What a REFER refers to, over a real capture (test/captures/correlation/make-refer-target-dialog.sh): UE-1 holds two
// confirmed sessions with UE-3 and sends two REFERs that name the first one, by Target-Dialog (RFC 4538) and by
// Replaces in the Refer-To (RFC 3891). Call-IDs and tags are the ones the script's scenarios put on the wire.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { correlate } from '../../../src/core/dialog/correlate';
import type { SipMessage } from '../../../src/core/model/sipMessage';
import { loadCapture, repoRoot, tsharkFrames } from '../flow/support/loadTrace';

const file = path.join(repoRoot, 'test/captures/correlation/refer-target-dialog.pcap');
const FIRST_SESSION = 'td-ue1-1@home1.net';
const SECOND_SESSION = 'td-ue1-2@home1.net';

async function load(): Promise<SipMessage[]> {
  const messages = await loadCapture(file);
  assert.equal(messages.length, 18);
  assert.equal(tsharkFrames(file).size, 18);
  return messages;
}

function referOf(messages: SipMessage[], callId: string): number {
  const i = messages.findIndex((m) => m.kind === 'request' && m.method === 'REFER' && m.callId === callId);
  assert.ok(i >= 0, `REFER ${callId} is in the capture`);
  return i;
}

test('Target-Dialog and Replaces name the original session, not the latest dialog with the target', async () => {
  const messages = await load();
  const corr = correlate(messages);
  const sessions = corr.dialogs.filter((d) => d.usage === 'invite');
  assert.deepEqual(sessions.map((d) => d.callId).sort(), [FIRST_SESSION, SECOND_SESSION]);
  // Both sessions are confirmed before either REFER (no BYE in the capture).
  for (const d of sessions) assert.equal(d.state, 'confirmed');
  assert.equal(corr.refers.length, 2);
  const byCallId = (callId: string) => corr.refers.find((r) => corr.logical[r.refer].first === referOf(messages, callId))!;

  const td = byCallId('td-ue1-3@home1.net');
  assert.ok(messages[referOf(messages, 'td-ue1-3@home1.net')].headers.some((h) => h.key === 'target-dialog'));
  assert.equal(td.originalEvidence, 'target-dialog');
  assert.equal(corr.dialogs[td.originalSession!].callId, FIRST_SESSION);

  const rp = byCallId('td-ue1-4@home1.net');
  assert.match(rp.referTo ?? '', /\?Replaces=td-ue1-1%40home1\.net%3Bto-tag%3D/);
  assert.equal(rp.originalEvidence, 'replaces');
  assert.equal(corr.dialogs[rp.originalSession!].callId, FIRST_SESSION);

  // Each REFER's implicit subscription holds its one NOTIFY; UE-2 declined, so no INVITE was triggered.
  for (const r of [td, rp]) {
    assert.equal(r.notifies.length, 1);
    assert.equal(corr.logical[r.notifies[0]].method, 'NOTIFY');
    assert.equal(r.triggeredInvite, null);
  }
});

test('without Target-Dialog and Replaces, the REFER sender\'s latest confirmed dialog with the target is taken', async () => {
  const messages = await load();
  // The same REFERs with the naming removed: Target-Dialog dropped, Refer-To cut before its "?".
  const bare = messages.map((m) => ({
    ...m,
    headers: m.headers
      .filter((h) => h.key !== 'target-dialog')
      .map((h) => (h.key === 'refer-to' && h.value.includes('?') ? { ...h, value: `${h.value.slice(0, h.value.indexOf('?'))}>` } : h)),
  }));
  const corr = correlate(bare);
  assert.equal(corr.refers.length, 2);
  for (const r of corr.refers) {
    assert.equal(r.originalEvidence, 'parties');
    assert.equal(corr.dialogs[r.originalSession!].callId, SECOND_SESSION);
  }
});

test('a Target-Dialog naming no dialog in the trace falls back to the parties', async () => {
  const messages = await load();
  const wrong = messages.map((m) => ({
    ...m,
    headers: m.headers.map((h) => (h.key === 'target-dialog' ? { ...h, value: h.value.replace('remote-tag=ue3-1', 'remote-tag=unknown') } : h)),
  }));
  const corr = correlate(wrong);
  const td = corr.refers.find((r) => messages[corr.logical[r.refer].first].callId === 'td-ue1-3@home1.net')!;
  assert.equal(td.originalEvidence, 'parties');
  assert.equal(corr.dialogs[td.originalSession!].callId, SECOND_SESSION);
});
