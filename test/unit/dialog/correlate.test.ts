// Correlation over real captures: transactions and retransmissions (checked against tshark's own retransmission
// flag), hops through kamailio, dialog states, REFER relations, B2BUA legs in an operator trace.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { correlate } from '../../../src/core/dialog/correlate';
import { loadCapture, repoRoot } from '../flow/support/loadTrace';

const cap = (p: string) => path.join(repoRoot, 'test/captures', p);
const corpus = (p: string) => path.resolve(repoRoot, '../shared/corpus/public/pcap', p);
const frameOf = (m: { source: unknown }) => (m.source as { frame: number }).frame;

function tsharkResent(file: string): Set<number> {
  const out = execFileSync('tshark', ['-r', file, '-Y', 'sip.resend == 1', '-T', 'fields', '-e', 'frame.number'], { encoding: 'utf8' });
  return new Set(out.split('\n').filter(Boolean).map(Number));
}

test('retransmissions are folded into their original, as tshark flags them (ack-missing capture)', { skip: !existsSync(cap('negative/ack-missing.pcap')) }, async () => {
  const file = cap('negative/ack-missing.pcap');
  const messages = await loadCapture(file);
  const corr = correlate(messages);
  const ours = new Set(corr.groups.flatMap((g) => g.retransmissions).map((i) => frameOf(messages[i])));
  const theirs = tsharkResent(file);
  assert.ok(theirs.size >= 3, 'UE-3 retransmits its 200 at least three times');
  assert.deepEqual([...ours].sort((a, b) => a - b), [...theirs].sort((a, b) => a - b));
  // All copies of the 200 are one logical message; the first copy is the original.
  const ok = corr.logical.find((lm) => lm.kind === 'response' && lm.status === 200 && lm.method === 'INVITE' && lm.indexes.some((i) => theirs.has(frameOf(messages[i]))))!;
  assert.equal(ok.indexes.length, 1 + theirs.size);
  assert.ok(!theirs.has(frameOf(messages[ok.first])));
  assert.ok(corr.findings.some((f) => f.code === 'trace.retransmissions-folded'));
});

test('through kamailio every message is one logical message with two hops', { skip: !existsSync(cap('replication-kamailio.pcap')) }, async () => {
  const messages = await loadCapture(cap('replication-kamailio.pcap'));
  const corr = correlate(messages);
  assert.equal(corr.logical.length * 2, messages.length);
  for (const lm of corr.logical) {
    assert.equal(lm.hops.length, 2, `${lm.method} ${lm.status ?? ''}`);
    const [a, b] = lm.hops.map((g) => messages[corr.groups[g].copies[0]]);
    // Same Call-ID and CSeq on both hops, different addresses (UE → proxy, proxy → UE).
    assert.equal(a.callId, b.callId);
    assert.deepEqual(a.cseq, b.cseq);
    assert.notDeepEqual([a.src, a.dst], [b.src, b.dst]);
  }
  // The proxy adds its Via on the second hop of each request (RFC 3261 §16.6), yet both hops merged.
  const refer = corr.logical.find((lm) => lm.method === 'REFER' && lm.kind === 'request')!;
  const vias = refer.hops.map((g) => messages[corr.groups[g].copies[0]].vias.length).sort();
  assert.deepEqual(vias, [1, 2]);
});

test('dialogs of the replication: states over time and what ended them', async () => {
  const messages = await loadCapture(cap('replication-udp.pcap'));
  const corr = correlate(messages);
  const byCallId = new Map(corr.dialogs.map((d) => [d.callId, d]));
  // Call-IDs fixed by the capture script (replication-flow.sh, -cid_str).
  const original = byCallId.get('replication-ue1-1@home1.net')!;
  const refer = byCallId.get('replication-ue1-2@home1.net')!;
  const replica = byCallId.get('replication-ue2-1@home1.net')!;
  assert.equal(corr.dialogs.length, 3);
  assert.equal(original.usage, 'invite');
  assert.deepEqual(original.states.map((s) => s.state), ['early', 'confirmed']);
  assert.equal(original.state, 'confirmed');
  assert.equal(replica.state, 'confirmed');
  assert.equal(refer.usage, 'subscription');
  assert.equal(refer.state, 'terminated');
  assert.equal(refer.terminatedBy!.cause, 'subscription-terminated');
  assert.equal(refer.subscriptions.length, 1);
  assert.equal(refer.subscriptions[0].event, 'refer');
  assert.equal(refer.subscriptions[0].id, '41277');
  assert.equal(refer.subscriptions[0].notifies.length, 2);
  const rel = corr.refers[0];
  assert.equal(corr.refers.length, 1);
  assert.equal(rel.subscriptionDialog, refer.id);
  assert.equal(corr.logical[rel.triggeredInvite!].callId, 'replication-ue2-1@home1.net');
  assert.deepEqual(rel.inviteEvidence.sort(), ['referred-by', 'request-uri', 'sender']);
  assert.equal(rel.originalSession, original.id);
  assert.equal(rel.originalEvidence, 'parties');
});

test('a BYE and a non-2xx final response terminate dialogs, with the cause', { skip: !existsSync(cap('negative/original-ended.pcap')) }, async () => {
  const ended = correlate(await loadCapture(cap('negative/original-ended.pcap')));
  const bye = ended.dialogs.find((d) => d.terminatedBy?.cause === 'bye')!;
  assert.ok(bye, 'the original session ends with BYE');
  assert.equal(ended.logical[bye.terminatedBy!.logical].method, 'BYE');
  const busy = correlate(await loadCapture(cap('negative/sipfrag-mismatch.pcap')));
  const rejected = busy.dialogs.find((d) => d.terminatedBy?.cause === 'non-2xx:486');
  assert.ok(rejected, 'the 486 to the replicated INVITE ends its dialog');
});

test('B2BUA legs with different Call-IDs are linked by URIs plus timing in an operator trace', async () => {
  const file = corpus('cn-trace-analyzer__SIP_MT_offnet.pcap');
  const corr = correlate(await loadCapture(file));
  // Read with tshark: the first INVITE (Call-ID SD42mf901-…) reaches 10.0.1.84, which sends the second leg's INVITE
  // (Call-ID HZaW7080…) 69 ms later for the same caller.
  const legs = corr.calls.filter((c) => c.callIds.length > 1);
  assert.equal(legs.length, 1);
  assert.deepEqual(legs[0].callIds, ['SD42mf901-3c018714cacb43a0b6dd2cff0c9119a8-v300g00020', 'HZaW7080008270mebcGhEfEmEjC0f@NL1MSC1.CORE.UPCMOBILE.COM']);
  assert.equal(legs[0].links[0].evidence, 'uri-timing');
});

test('fifty unrelated calls are not linked to each other', { skip: !existsSync(cap('negative/replication-among-50.pcap')) }, async () => {
  const corr = correlate(await loadCapture(cap('negative/replication-among-50.pcap')));
  assert.equal(corr.calls.filter((c) => c.callIds.length > 1).length, 0);
  assert.equal(corr.dialogs.filter((d) => d.terminatedBy?.cause === 'bye').length, 50);
});
