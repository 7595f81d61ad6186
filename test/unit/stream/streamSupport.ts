// Shared by the stream tests: real transport payloads out of corpus captures (through our capture reader and
// packet decoder), the extractor run over them, and tshark's view of the same captures.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCaptureReader } from '../../../src/core/pcap/captureReader';
import { createPacketDecoder } from '../../../src/core/net/packetDecoder';
import { createSipExtractor, type ExtractedSip, type ExtractStats, type SipExtractorOptions } from '../../../src/core/capture/sipExtractor';
import type { TransportPayload } from '../../../src/core/model/packet';
import type { Finding } from '../../../src/core/model/finding';
import { corpusDir } from '../../support/paths';
import { hasTshark, tsharkFields } from '../../support/tshark';

export function corpusFile(name: string): string {
  return join(corpusDir, 'pcap', name);
}

/** Every transport payload of a capture, with its bytes copied (the decoder hands out views). */
export function payloadsOf(file: string): TransportPayload[] {
  const reader = createCaptureReader();
  const decoder = createPacketDecoder();
  const out: TransportPayload[] = [];
  const data = new Uint8Array(readFileSync(file));
  const take = (ps: TransportPayload[]) => { for (const p of ps) out.push({ ...p, payload: p.payload.slice() }); };
  for (let i = 0; i < data.length; i += 8192) {
    for (const record of reader.push(data.subarray(i, i + 8192))) take(decoder.decode(record).payloads);
  }
  for (const record of reader.end()) take(decoder.decode(record).payloads);
  take(decoder.end().payloads);
  return out;
}

export interface Extraction {
  messages: ExtractedSip[];
  findings: Finding[];
  stats: ExtractStats;
}

export function extract(payloads: Iterable<TransportPayload>, options?: SipExtractorOptions): Extraction {
  const x = createSipExtractor(options);
  const messages: ExtractedSip[] = [];
  const findings: Finding[] = [];
  for (const p of payloads) {
    const r = x.push(p);
    messages.push(...r.messages);
    findings.push(...r.findings);
  }
  const r = x.flush();
  messages.push(...r.messages);
  findings.push(...r.findings);
  return { messages, findings, stats: x.stats() };
}

const latin1 = new TextDecoder('latin1');

/** `frame METHOD|status Call-ID`, read from the message bytes with no parser but the start line and one header. */
export function describe(m: ExtractedSip): string {
  const text = latin1.decode(m.bytes);
  const firstLine = text.slice(0, text.search(/\r?\n|$/));
  const parts = firstLine.split(' ');
  const what = /^SIP\//i.test(firstLine) ? parts[1] : parts[0];
  const callId = /^(?:call-id|i)[ \t]*:[ \t]*(.*?)[ \t]*\r?$/im.exec(text)?.[1] ?? '';
  return `${m.frame} ${what} ${callId}`;
}

/** tshark's SIP messages of a capture in the same form (several per frame in wire order, one Call-ID each). */
export function tsharkDescribed(file: string, decodeAs: string[] = []): string[] {
  hasTshark();
  const extra: string[] = [];
  for (const rule of decodeAs) extra.push('-d', rule);
  const rows = tsharkFields(file, ['frame.number', 'sip.Request-Line', 'sip.Status-Line', 'sip.Call-ID'], { filter: 'sip', extra });
  const out: string[] = [];
  for (const [frame, requests, statuses, callIds] of rows) {
    const req = requests ? requests.split('\u0001') : [];
    const st = statuses ? statuses.split('\u0001') : [];
    const ids = callIds ? callIds.split('\u0001') : [];
    // with requests and responses mixed in one frame the wire order is lost here; the callers' captures do not mix them
    const lines = [...req.map((l) => l.split(' ')[0]), ...st.map((l) => l.split(' ')[1])];
    lines.forEach((what, i) => out.push(`${frame} ${what} ${ids[i] ?? ''}`));
  }
  return out;
}

/** Bytes of one SIP message as tshark shows a frame's payload (the whole UDP payload / TCP segment data). */
export function tsharkPayloadHex(file: string, frame: number, field: 'udp.payload' | 'tcp.payload'): Uint8Array {
  hasTshark();
  const [row] = tsharkFields(file, [field], { filter: `frame.number == ${frame}` });
  return Uint8Array.from(Buffer.from(row[0].replace(/:/g, ''), 'hex'));
}

export function ascii(s: string): Uint8Array {
  return Uint8Array.from(Buffer.from(s, 'latin1'));
}

export function text(b: Uint8Array): string {
  return latin1.decode(b);
}
