// Back-to-back user agent legs over real captures: a call through two SIPp B2BUAs (three legs, three Call-IDs) with three
// unrelated calls at the same time (test/captures/correlation/make-b2bua-*.sh). Each capture carries one kind of evidence
// across the legs; the Call-IDs and header values asserted here are the ones the scripts put on the wire.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { correlate } from '../../../src/core/dialog/correlate';
import type { CallGroup, LegEvidence } from '../../../src/core/dialog/callLegs';
import type { SipMessage } from '../../../src/core/model/sipMessage';
import { loadCapture, repoRoot, tsharkFrames } from '../flow/support/loadTrace';

const dir = path.join(repoRoot, 'test/captures/correlation');
const LEGS = ['leg-a-1@home1.net', 'leg-b-1@b2bua1.home1.net', 'leg-c-1@b2bua2.home1.net'];
const UNRELATED = ['other-1@home3.net', 'other-2@home3.net', 'other-3@home3.net'];

function callOf(calls: CallGroup[], callId: string): CallGroup {
  const g = calls.find((c) => c.callIds.includes(callId));
  assert.ok(g, `a call group holds ${callId}`);
  return g;
}

/** The chain is one call of exactly its three legs, linked twice, every link with this evidence; unrelated calls stand alone. */
function assertChain(messages: SipMessage[], calls: CallGroup[], evidence: LegEvidence): CallGroup {
  const chain = callOf(calls, LEGS[0]);
  assert.deepEqual([...chain.callIds].sort(), [...LEGS].sort());
  assert.equal(chain.links.length, 2, 'three legs need two links');
  for (const l of chain.links) {
    assert.equal(l.evidence, evidence);
    for (let k = 0; k < 2; k++) assert.equal(messages[l.messages[k]].callId, l.callIds[k], 'each link names a message of each leg');
  }
  for (const id of UNRELATED) assert.deepEqual(callOf(calls, id).callIds, [id], `${id} is linked to nothing`);
  assert.equal(calls.length, 4, 'one chained call and three unrelated ones');
  return chain;
}

async function load(name: string): Promise<SipMessage[]> {
  const file = path.join(dir, `${name}.pcap`);
  const messages = await loadCapture(file);
  // tshark sees the same 36 SIP messages (6 per leg or call), with the same Call-IDs.
  const frames = tsharkFrames(file);
  assert.equal(messages.length, 36);
  assert.equal([...frames.values()].reduce((n, f) => n + f.callIds.length, 0), 36);
  const ids = new Set(messages.map((m) => m.callId));
  assert.deepEqual([...ids].sort(), [...LEGS, ...UNRELATED].sort());
  return messages;
}

test('RFC 7989 Session-ID: the UUID pair the B2BUAs pass on links the three legs', async () => {
  const messages = await load('b2bua-session-id');
  const chain = assertChain(messages, correlate(messages).calls, 'session-id');
  // The caller's UUID (make-b2bua-session-id.sh: sid_base 4f1a…e7f + call number 1).
  for (const l of chain.links) assert.equal(l.value, '4f1a2b3c4d5e6f708192a3b4c5d6e7f1');
  // The same without any correlation header configured: Session-ID needs no configuration.
  assertChain(messages, correlate(messages, { correlationHeaders: [] }).calls, 'session-id');
});

test('IMS icid-value of P-Charging-Vector kept across the legs links them', async () => {
  const messages = await load('b2bua-icid');
  const chain = assertChain(messages, correlate(messages).calls, 'icid-value');
  for (const l of chain.links) assert.equal(l.value, 'a-icid-e41c-1');
  // Every leg's INVITE has its own Session-ID here, and those link nothing.
  const sids = new Set(messages.filter((m) => m.kind === 'request' && m.method === 'INVITE').map((m) => m.headers.find((h) => h.key === 'session-id')?.value));
  assert.equal(sids.size, 6);
});

test('a configured correlation header (X-CID) links the legs, and only when it is configured', async () => {
  const messages = await load('b2bua-x-cid');
  // X-CID is among the default correlation headers; named explicitly (any case) it works the same.
  for (const options of [{}, { correlationHeaders: ['X-CID'] }]) {
    const chain = assertChain(messages, correlate(messages, options).calls, 'correlation-header');
    for (const l of chain.links) {
      assert.equal(l.header, 'x-cid');
      // B2BUA-1 names its incoming Call-ID, B2BUA-2 passes that X-CID on.
      assert.equal(l.value, 'leg-a-1@home1.net');
    }
  }
  // Not configured: nothing else ties these legs (own Session-IDs and icid-values, anonymous From), so they stay apart.
  for (const options of [{ correlationHeaders: [] }, { correlationHeaders: ['x-call-id'] }]) {
    const { calls } = correlate(messages, options);
    assert.equal(calls.length, 6);
    for (const g of calls) assert.equal(g.callIds.length, 1);
  }
});

test('URIs plus timing: same caller, each leg leaving from where the previous one arrived, links the legs', async () => {
  const messages = await load('b2bua-uri-timing');
  const chain = assertChain(messages, correlate(messages).calls, 'uri-timing');
  // The unrelated calls come from a caller with the same user part (alice) within the window, but from elsewhere.
  const invites = messages.filter((m) => m.kind === 'request' && m.method === 'INVITE');
  assert.ok(invites.filter((m) => UNRELATED.includes(m.callId ?? '')).every((m) => m.from?.uri === 'sip:alice@home1.net'));
  // Link order follows the chain: A → B2BUA-1, then B2BUA-1 → B2BUA-2, each naming the two INVITEs.
  assert.deepEqual(chain.links.map((l) => l.callIds), [[LEGS[0], LEGS[1]], [LEGS[1], LEGS[2]]]);
  for (const l of chain.links) for (const i of l.messages) assert.equal(messages[i].method, 'INVITE');
  assert.equal(messages[chain.links[0].messages[0]].dst?.ip, messages[chain.links[0].messages[1]].src?.ip);
  // With a window shorter than the B2BUA's reaction time, nothing links.
  const firstGap = messages[chain.links[0].messages[1]].time! - messages[chain.links[0].messages[0]].time!;
  assert.ok(firstGap > 0);
  const { calls } = correlate(messages, { uriTimingWindow: firstGap / 2 });
  assert.notDeepEqual([...callOf(calls, LEGS[0]).callIds].sort(), [...LEGS].sort());
});

test('an anonymous From (RFC 3323) is no caller: legs that share only it and an address are not linked', async () => {
  // b2bua-session-id: legs 2 and 3 both come from "Anonymous" <sip:anonymous@anonymous.invalid>, and leg 3 leaves from
  // where leg 2 arrived. Without Session-ID (dropped here) they must not link on that.
  const messages = await load('b2bua-session-id');
  const stripped = messages.map((m) => ({ ...m, headers: m.headers.filter((h) => h.key !== 'session-id') }));
  const anon = stripped.filter((m) => m.kind === 'request' && m.method === 'INVITE' && m.from?.uri === 'sip:anonymous@anonymous.invalid');
  assert.equal(anon.length, 2);
  const { calls } = correlate(stripped, { correlationHeaders: [] });
  assert.equal(calls.length, 6);
});
