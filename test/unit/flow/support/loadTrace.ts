// Test support: a capture → SipMessage[]. Uses the project's capture pipeline (src/core/capture/readCapture.ts) when it
// is complete; until then, tshark hands over each UDP payload (frame, time, addresses) and the project's own SIP
// parser (src/core/sip/parseSipMessage.ts) reads it — the bytes are the capture's, nothing is typed by hand.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { SipMessage } from '../../../../src/core/model/sipMessage';
import { parseSipMessage } from '../../../../src/core/sip/parseSipMessage';

export const repoRoot = path.resolve(__dirname, '../../../..');

let pipeline: ((chunks: Iterable<Uint8Array>) => { messages: SipMessage[] }) | null | undefined;

async function capturePipeline(): Promise<typeof pipeline> {
  if (pipeline !== undefined) return pipeline;
  pipeline = null;
  if (existsSync(path.join(repoRoot, 'src/core/capture/sipExtractor.ts'))) {
    try {
      const modPath = path.join(repoRoot, 'src/core/capture/readCapture.ts');
      const mod = (await import(modPath)) as { readCapture?: (chunks: Iterable<Uint8Array>) => { messages: SipMessage[] } };
      if (typeof mod.readCapture === 'function') pipeline = mod.readCapture;
    } catch {
      pipeline = null;
    }
  }
  return pipeline;
}

export async function loadCapture(file: string): Promise<SipMessage[]> {
  const read = await capturePipeline();
  if (read) return read([new Uint8Array(readFileSync(file))]).messages;
  return loadWithTshark(file);
}

function loadWithTshark(file: string): SipMessage[] {
  const fields = ['frame.number', 'frame.time_epoch', 'ip.src', 'ipv6.src', 'udp.srcport', 'ip.dst', 'ipv6.dst', 'udp.dstport', 'udp.payload'];
  const out = execFileSync('tshark', ['-r', file, '-Y', 'sip && udp', '-T', 'fields', ...fields.flatMap((f) => ['-e', f])], { encoding: 'utf8', maxBuffer: 1 << 28 });
  const messages: SipMessage[] = [];
  for (const line of out.split('\n')) {
    if (!line) continue;
    const [frame, time, ip4s, ip6s, sport, ip4d, ip6d, dport, hex] = line.split('\t');
    const raw = new Uint8Array(Buffer.from(hex.replace(/:/g, ''), 'hex'));
    const parsed = parseSipMessage(raw);
    if (!parsed.ok) throw new Error(`frame ${frame}: ${parsed.issue.message}`);
    messages.push({
      ...parsed.message, index: messages.length, time: Number(time),
      src: { ip: ip4s || ip6s, port: Number(sport) }, dst: { ip: ip4d || ip6d, port: Number(dport) },
      transport: 'UDP', raw, source: { frame: Number(frame) },
    });
  }
  return messages;
}

/** The seed (3GPP table text) read by the project's text-trace reader. */
export async function loadSeed(): Promise<SipMessage[]> {
  const { readTextTrace } = await import('../../../../src/core/trace/readTextTrace');
  const text = readFileSync(path.resolve(repoRoot, '../shared/seed/000_cd10b296226cba30.txt'), 'utf8');
  const r = readTextTrace(text);
  if ('error' in r) throw new Error(r.error.message);
  return r.messages;
}

/**
 * tshark's view of a capture, per frame: the SIP messages it carries as "METHOD" or "STATUS CSEQ-METHOD" strings
 * (a TCP segment may carry several), and their Call-IDs.
 */
export function tsharkFrames(file: string): Map<number, { kinds: Set<string>; callIds: string[] }> {
  const out = execFileSync('tshark', ['-r', file, '-Y', 'sip', '-T', 'fields', '-E', 'occurrence=a', '-E', 'aggregator=|', '-e', 'frame.number', '-e', 'sip.Call-ID', '-e', 'sip.Method', '-e', 'sip.Status-Code', '-e', 'sip.CSeq.method'], { encoding: 'utf8' });
  const frames = new Map<number, { kinds: Set<string>; callIds: string[] }>();
  for (const l of out.split('\n').filter(Boolean)) {
    const [frame, callIds, methods, statuses, cseqMethods] = l.split('\t');
    const kinds = new Set<string>();
    const list = (v: string) => (v ? v.split('|') : []);
    for (const m of list(methods)) kinds.add(m);
    // Which CSeq method belongs to which status is not in the fields when a frame mixes messages: allow each pairing.
    for (const st of list(statuses)) for (const cm of list(cseqMethods)) kinds.add(`${st} ${cm}`);
    frames.set(Number(frame), { kinds, callIds: list(callIds) });
  }
  return frames;
}

/** Positive replication captures made by SIPp (test/captures/replication-*.pcap*). */
export function positiveCaptures(): string[] {
  const dir = path.join(repoRoot, 'test/captures');
  return readdirSync(dir).filter((f) => /^replication-.*\.pcapn?g?$/.test(f)).sort().map((f) => path.join(dir, f));
}
