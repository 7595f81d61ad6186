// The flow checker over real SIPp captures and the seed's REFER as text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { correlate } from '../../../src/core/dialog/correlate';
import { builtinFlow } from '../../../src/core/flow/builtinFlows';
import { checkFlow } from '../../../src/core/flow/checkFlow';
import { loadCapture, loadSeed, positiveCaptures, repoRoot, tsharkFrames } from './support/loadTrace';

const STEP_IDS = ['session', 'refer', 'refer-accepted', 'invite', 'invite-ok', 'ack', 'notify', 'notify-ok'];

function push() {
  const f = builtinFlow('3gpp-replication-push');
  assert.ok(f, 'built-in 3gpp-replication-push loads');
  return f;
}

for (const file of [...positiveCaptures(), path.join(repoRoot, 'test/captures/negative/replication-control.pcap')]) {
  test(`positive replication passes: ${path.relative(repoRoot, file)}`, async () => {
    const messages = await loadCapture(file);
    const frames = tsharkFrames(file);
    const instances = checkFlow(correlate(messages), push());
    assert.equal(instances.length, 1, 'one REFER, so one instance');
    const inst = instances[0];
    assert.deepEqual(inst.findings, []);
    assert.equal(inst.verdict, 'pass');
    assert.deepEqual(inst.steps.map((s) => s.id), STEP_IDS);
    for (const s of inst.steps) assert.equal(s.status, 'matched', s.id);
    // Each step's messages sit in frames where tshark sees that kind of message (method, or status + CSeq method).
    const frameOf = (i: number) => frames.get((messages[i].source as { frame: number }).frame)!;
    const is = (i: number, ...kinds: string[]) => kinds.some((k) => frameOf(i).kinds.has(k));
    const stepOf = (id: string) => inst.steps.find((s) => s.id === id)!;
    const expected: Record<string, string[]> = {
      refer: ['REFER'], 'refer-accepted': ['202 REFER', '200 REFER'], invite: ['INVITE'], 'invite-ok': ['200 INVITE'],
      ack: ['ACK'], notify: ['NOTIFY'], 'notify-ok': ['200 NOTIFY'],
    };
    for (const [id, kinds] of Object.entries(expected)) {
      assert.ok(stepOf(id).messages.length > 0, id);
      for (const i of stepOf(id).messages) assert.ok(is(i, ...kinds), `${id}: message ${i} in a frame tshark reads as ${[...frameOf(i).kinds].join('/')}`);
    }
    // The session step is the UE-1 ↔ UE-3 INVITE dialog: an INVITE, its 200 and the ACK, in another dialog than the REFER.
    const session = stepOf('session').messages;
    assert.ok(session.some((i) => is(i, 'INVITE')) && session.some((i) => is(i, '200 INVITE')) && session.some((i) => is(i, 'ACK')));
    const referFirst = Math.min(...stepOf('refer').messages);
    const referCallId = frameOf(referFirst).callIds[0];
    assert.ok(session.every((i) => !frameOf(i).callIds.includes(referCallId)));
    // The roles are the REFER's From, Request-URI and Refer-To (read from the REFER's own headers here).
    const refer = messages[referFirst];
    assert.equal(inst.roles['UE-1'], refer.from?.uri);
    assert.equal(inst.roles['UE-2'], refer.requestUri);
    const referTo = refer.headers.find((h) => h.key === 'refer-to')!.value;
    assert.equal(`<${inst.roles['UE-3']}>`, referTo.split('?')[0].replace(/>?$/, '>'));
  });
}

test('the seed REFER as a text trace: refer present, every other step missing, verdict fail', async () => {
  const messages = await loadSeed();
  assert.equal(messages.length, 1);
  const instances = checkFlow(correlate(messages), push());
  assert.equal(instances.length, 1);
  const inst = instances[0];
  assert.equal(inst.verdict, 'fail');
  const status = Object.fromEntries(inst.steps.map((s) => [s.id, s.status]));
  assert.deepEqual(status, {
    session: 'missing', refer: 'matched', 'refer-accepted': 'missing', invite: 'missing', 'invite-ok': 'missing',
    ack: 'missing', notify: 'missing', 'notify-ok': 'missing',
  });
  assert.deepEqual(inst.steps.find((s) => s.id === 'refer')!.messages, [0]);
  // Roles straight from the seed's table: From, Request-URI (UE-2's GRUU) and Refer-To.
  assert.deepEqual(inst.roles, {
    'UE-1': 'sip:user1@home1.net',
    'UE-2': 'sip:user2@home1.net;gr=urn:uuid:f81d4fae-7dec-11d0-2222-222222222222',
    'UE-3': 'sip:user3@home2.net',
  });
  const missing = inst.findings.filter((f) => f.code === 'flow.step-missing').map((f) => f.step);
  // Steps that depend on a missing request (its response, the ACK of a missing 200) are not reported twice.
  assert.deepEqual(missing, ['session', 'refer-accepted', 'invite', 'notify']);
  for (const f of inst.findings) assert.match(f.message, /expected .*, but /);
  // The dual-subscription REFER (From user1, Request-URI user2) is not an instance of the single-subscription flow.
  assert.equal(checkFlow(correlate(messages), builtinFlow('3gpp-replication-push-single')!).length, 0);
});

test('messages merged out of time order give the same verdict and steps', async () => {
  const file = positiveCaptures()[0] ?? path.join(repoRoot, 'test/captures/negative/replication-control.pcap');
  const messages = await loadCapture(file);
  const forward = checkFlow(correlate(messages), push())[0];
  // The same messages listed backwards, as a merge of two captures might list them; indexes follow the new list.
  const n = messages.length;
  const reversed = messages.slice().reverse().map((m, i) => ({ ...m, index: i }));
  const corr = correlate(reversed);
  assert.ok(corr.findings.some((f) => f.code === 'trace.reordered'));
  const backward = checkFlow(corr, push())[0];
  assert.equal(backward.verdict, 'pass');
  for (let s = 0; s < forward.steps.length; s++) {
    assert.deepEqual(backward.steps[s].messages.map((i) => n - 1 - i).sort((a, b) => a - b), forward.steps[s].messages);
  }
});

test('captured duplicates are folded into their step as copies, not retransmissions', async () => {
  const file = positiveCaptures()[0] ?? path.join(repoRoot, 'test/captures/negative/replication-control.pcap');
  const messages = await loadCapture(file);
  // A mirror port delivers every packet twice: the second copy right after the first, marked duplicateOf.
  const doubled = messages.flatMap((m) => [m, { ...m, duplicateOf: m.index }]).map((m, i) => ({ ...m, index: i, duplicateOf: m.duplicateOf === undefined ? undefined : 2 * m.duplicateOf }));
  const corr = correlate(doubled);
  assert.ok(corr.findings.some((f) => f.code === 'trace.duplicates-folded'));
  assert.ok(!corr.findings.some((f) => f.code === 'trace.retransmissions-folded'));
  for (const g of corr.groups) assert.equal(g.retransmissions.length, 0);
  const inst = checkFlow(corr, push())[0];
  assert.equal(inst.verdict, 'pass');
  const single = checkFlow(correlate(messages), push())[0];
  for (let s = 0; s < inst.steps.length; s++) {
    assert.deepEqual(inst.steps[s].messages, single.steps[s].messages.flatMap((i) => [2 * i, 2 * i + 1]));
  }
});
