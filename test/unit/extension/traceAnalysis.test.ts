// The worker's `analyse` op (src/extension/traceAnalysis.ts through TraceStore): message and dialog summaries,
// findings with related messages, verdicts. Expected facts come from tshark and test/captures/negative/expected.json.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TraceStore } from '../../../src/extension/traceStore';
import type { AnalyseOptions } from '../../../src/extension/traceWorkerProtocol';
import { repoRoot } from '../../support/paths';
import { hasTshark, tsharkFields } from '../../support/tshark';

const defaults: AnalyseOptions = { flowIds: [], userFlows: [], correlationHeaders: [] };

interface ExpectedCapture {
  file: string;
  verdict: 'pass' | 'fail';
  findings: { code: string; step: string; frames: number[] }[];
}
const expected = JSON.parse(readFileSync(join(repoRoot, 'test/captures/negative/expected.json'), 'utf8')) as { flow: string; captures: ExpectedCapture[] };

function open(file: string): TraceStore {
  const store = new TraceStore();
  store.openCapture('t', file.slice(file.lastIndexOf('/') + 1), new Uint8Array(readFileSync(file)), () => undefined);
  return store;
}

test('replication-udp.pcap: one summary per tshark SIP message, dialogs by Call-ID, the replication flow passes', () => {
  hasTshark();
  const file = join(repoRoot, 'test/captures/replication-udp.pcap');
  const rows = tsharkFields(file, ['frame.number', 'sip.Call-ID', 'sip.CSeq'], { filter: 'sip' });
  const analysis = open(file).analyse('t', defaults);

  assert.equal(analysis.messages.length, rows.length);
  analysis.messages.forEach((m, i) => {
    assert.equal(m.index, i);
    assert.deepEqual(m.source, { frame: Number(rows[i][0]) });
    assert.equal(m.callId, rows[i][1]);
    assert.equal(m.cseq, rows[i][2]);
  });
  // Every message of a dialog shares its Call-ID, and the summary points back at the dialog.
  for (const d of analysis.dialogs) {
    assert.ok(d.messages.length > 0);
    for (const index of d.messages) assert.equal(analysis.messages[index].callId, d.callId);
    assert.ok(d.messages.some((index) => analysis.messages[index].dialog === d.id));
  }
  const tsharkCallIds = new Set(rows.map((r) => r[1]));
  const invitedCallIds = new Set(rows.filter((r) => r[2].endsWith(' INVITE') || r[2].endsWith(' REFER')).map((r) => r[1]));
  for (const callId of invitedCallIds) assert.ok(analysis.dialogs.some((d) => d.callId === callId), `a dialog for ${callId}`);
  for (const d of analysis.dialogs) assert.ok(tsharkCallIds.has(d.callId));

  const replication = analysis.report.flows.filter((f) => f.flow === expected.flow);
  assert.equal(replication.length, 1);
  assert.equal(replication[0].verdict, 'pass');
  assert.equal(analysis.findings.filter((f) => f.flow !== undefined && f.severity === 'error').length, 0);
});

for (const name of ['refer-rejected.pcap', 'ack-missing.pcap', 'step-missing.pcap']) {
  test(`negative ${name}: the expected checker finding, its step and related frames`, () => {
    const facts = expected.captures.find((c) => c.file === name)!;
    const analysis = open(join(repoRoot, 'test/captures/negative', name)).analyse('t', defaults);
    const instance = analysis.report.flows.find((f) => f.flow === expected.flow);
    assert.ok(instance);
    assert.equal(instance.verdict, facts.verdict);
    for (const want of facts.findings) {
      const got = analysis.findings.find((f) => f.code === want.code && f.flow === expected.flow);
      assert.ok(got, `finding ${want.code}`);
      assert.equal(got.step, want.step);
      assert.equal(got.instance, instance.instance);
      // Every frame the capture's README names is among the related messages, each with its own frame as source
      // (one SIP message per frame, so frame n is message n-1).
      const relatedFrames = got.related.map((r) => (r.source as { frame: number }).frame);
      for (const frame of want.frames) assert.ok(relatedFrames.includes(frame), `frame ${frame} related`);
      got.related.forEach((r) => assert.equal((r.source as { frame: number }).frame, r.index + 1));
      if (got.related.length) assert.deepEqual(got.source, got.related[0].source);
      else assert.equal(got.source, undefined);
    }
  });
}

test('analyse is cached per options and recomputed after the trace is opened again', () => {
  const file = join(repoRoot, 'test/captures/negative/refer-rejected.pcap');
  const store = open(file);
  const first = store.analyse('t', defaults);
  assert.equal(store.analyse('t', { ...defaults }), first);
  const named = store.analyse('t', { ...defaults, flowIds: ['3gpp-replication-push'] });
  assert.notEqual(named, first);
  store.openCapture('t', 'refer-rejected.pcap', new Uint8Array(readFileSync(file)), () => undefined);
  assert.notEqual(store.analyse('t', defaults), first);
});

test('user flow files: an invalid one becomes a finding without a trace position; unknown flow ids are reported', () => {
  const store = open(join(repoRoot, 'test/captures/negative/refer-rejected.pcap'));
  const analysis = store.analyse('t', {
    flowIds: ['3gpp-replication-push', 'no-such-flow'],
    userFlows: [{ path: '.siptrail/flows/broken.yaml', text: 'id: [unclosed\n' }],
    correlationHeaders: ['X-Call-ID'],
  });
  const flowFile = analysis.findings.filter((f) => f.code.startsWith('flow-spec.'));
  assert.ok(flowFile.some((f) => f.message.includes('broken.yaml')));
  assert.ok(flowFile.some((f) => f.code === 'flow-spec.unknown-flow' && f.message.includes('no-such-flow')));
  for (const f of flowFile) assert.equal(f.source, undefined);
  assert.equal(analysis.report.flows.length, 1);
});

test('a big analysis reaches the host in slices: analyse without summaries, then summaries [from, from + count)', async () => {
  const { answerTraceRequest } = await import('../../../src/extension/traceRequests');
  const { DecodedDocumentBuilder, buildDecodedDocument } = await import('../../../src/extension/decodedDocument');
  const store = new TraceStore();
  const replies: { id: number; kind: string; result?: unknown }[] = [];
  const ask = (request: Parameters<typeof answerTraceRequest>[1]) => {
    answerTraceRequest(store, request, (reply) => replies.push(reply));
    const reply = replies.filter((r) => r.id === request.id && r.kind !== 'progress').at(-1)!;
    assert.equal(reply.kind, 'result');
    return reply.result as never;
  };
  const options: AnalyseOptions = defaults;
  const bytes = new Uint8Array(readFileSync(join(repoRoot, 'test/captures/index/load-udp-lost.pcapng')));
  ask({ op: 'openCapture', id: 1, traceId: 't', fileName: 'load.pcapng', bytes });
  const whole = store.analyse('t', options);
  const bare = ask({ op: 'analyse', id: 2, traceId: 't', options, summaries: false }) as { messages: unknown[]; dialogs: unknown[] };
  assert.deepEqual(bare.messages, []);
  assert.equal(bare.dialogs.length, whole.dialogs.length);
  const fetched: unknown[] = [];
  for (let from = 0, id = 3; ; from += 100, id++) {
    const slice = ask({ op: 'summaries', id, traceId: 't', options, from, count: 100 }) as { total: number; messages: unknown[] };
    fetched.push(...slice.messages);
    if (from + 100 >= slice.total) break;
  }
  assert.deepEqual(fetched, whole.messages);
  // The decoded view built slice by slice is the one built at once.
  const entries = whole.messages.map((summary) => ({ summary, text: null }));
  const builder = new DecodedDocumentBuilder('t', entries.length);
  for (let i = 0; i < entries.length; i += 97) builder.add(entries.slice(i, i + 97));
  assert.deepEqual(builder.finish(), buildDecodedDocument('t', entries));
});
