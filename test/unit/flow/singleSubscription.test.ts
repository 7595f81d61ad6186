// 3gpp-replication-push-single over real SIPp captures (test/captures/correlation/make-single-subscription*.sh): UE-1 and
// UE-2 share the public user identity sip:user1_public1@home1.net and are told apart by their GRUUs (RFC 5627).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { correlate } from '../../../src/core/dialog/correlate';
import { builtinFlow } from '../../../src/core/flow/builtinFlows';
import { checkFlow } from '../../../src/core/flow/checkFlow';
import { loadCapture, repoRoot, tsharkFrames } from './support/loadTrace';

const dir = path.join(repoRoot, 'test/captures/correlation');
const STEP_IDS = ['session', 'refer', 'refer-accepted', 'invite', 'invite-ok', 'ack', 'notify', 'notify-ok'];
const UE2_GRUU = 'urn:uuid:f81d4fae-7dec-11d0-2222-222222222222';

function single() {
  const f = builtinFlow('3gpp-replication-push-single');
  assert.ok(f, 'built-in 3gpp-replication-push-single loads');
  return f;
}

const header = (m: { headers: { key: string; value: string }[] }, key: string) => m.headers.find((h) => h.key === key)?.value ?? null;

test('single subscription, REFER to UE-2\'s GRUU: every step matched, verdict pass', async () => {
  const file = path.join(dir, 'single-subscription.pcap');
  const messages = await loadCapture(file);
  const frames = tsharkFrames(file);
  assert.equal(messages.length, 15);
  const instances = checkFlow(correlate(messages), single());
  assert.equal(instances.length, 1);
  const inst = instances[0];
  assert.deepEqual(inst.findings, []);
  assert.equal(inst.verdict, 'pass');
  assert.deepEqual(inst.steps.map((s) => s.id), STEP_IDS);
  for (const s of inst.steps) assert.equal(s.status, 'matched', s.id);
  // Each step sits in frames tshark reads as that kind of message.
  const kinds = (i: number) => frames.get((messages[i].source as { frame: number }).frame)!.kinds;
  const expected: Record<string, string[]> = {
    refer: ['REFER'], 'refer-accepted': ['202 REFER'], invite: ['INVITE'], 'invite-ok': ['200 INVITE'], ack: ['ACK'],
    notify: ['NOTIFY'], 'notify-ok': ['200 NOTIFY'],
  };
  const stepOf = (id: string) => inst.steps.find((s) => s.id === id)!;
  for (const [id, ks] of Object.entries(expected)) {
    assert.equal(stepOf(id).messages.length, 1, id);
    assert.ok(ks.some((k) => kinds(stepOf(id).messages[0]).has(k)), `${id} in a frame tshark reads as ${[...kinds(stepOf(id).messages[0])]}`);
  }
  // The REFER goes to UE-2's GRUU of the identity it shares with UE-1; the INVITE comes from that identity, and its
  // Contact is the GRUU the REFER addressed.
  const refer = messages[stepOf('refer').messages[0]];
  assert.equal(refer.requestUri, `sip:user1_public1@home1.net;gr=${UE2_GRUU}`);
  assert.equal(refer.from?.uri, 'sip:user1_public1@home1.net');
  assert.equal(inst.roles['UE-1'], refer.from?.uri);
  assert.equal(inst.roles['UE-2'], refer.requestUri);
  const invite = messages[stepOf('invite').messages[0]];
  assert.equal(invite.from?.uri, 'sip:user1_public1@home1.net');
  assert.match(header(invite, 'contact') ?? '', new RegExp(`;gr=${UE2_GRUU}>`));
  // The original session is UE-1's own (its Contact carries UE-1's GRUU), not the replicated one.
  const session = stepOf('session').messages.map((i) => messages[i]);
  assert.ok(session.every((m) => m.callId === 'single-ue1-1@home1.net'));
});

test('the two-subscription flow finds no instance in a single-subscription trace', async () => {
  const messages = await loadCapture(path.join(dir, 'single-subscription.pcap'));
  // Its anchor needs the REFER's From and Request-URI to be different addresses-of-record; here they are one.
  assert.deepEqual(checkFlow(correlate(messages), builtinFlow('3gpp-replication-push')!), []);
});

test('single subscription, INVITE from another device of the same identity: step invite missing, verdict fail', async () => {
  const messages = await loadCapture(path.join(dir, 'single-subscription-wrong-device.pcap'));
  const instances = checkFlow(correlate(messages), single());
  assert.equal(instances.length, 1);
  const inst = instances[0];
  assert.equal(inst.verdict, 'fail');
  // The INVITE to UE-3 is in the trace, from the shared identity, but its Contact is GRUU ...3333, not the REFER's target.
  const invites = messages.filter((m) => m.kind === 'request' && m.method === 'INVITE' && m.callId === 'single-ue2-1@home1.net');
  assert.equal(invites.length, 1);
  assert.equal(invites[0].from?.uri, 'sip:user1_public1@home1.net');
  assert.match(header(invites[0], 'contact') ?? '', /;gr=urn:uuid:f81d4fae-7dec-11d0-3333-333333333333>/);
  const missing = inst.findings.filter((f) => f.code === 'flow.step-missing');
  assert.ok(missing.some((f) => f.step === 'invite'), `findings: ${inst.findings.map((f) => `${f.code}@${f.step}`).join(', ')}`);
  assert.equal(inst.steps.find((s) => s.id === 'invite')!.status, 'missing');
  for (const f of missing) assert.match(f.message, /expected .*, but .*\((RFC|3GPP)/);
  assert.deepEqual(checkFlow(correlate(messages), builtinFlow('3gpp-replication-push')!), []);
});
