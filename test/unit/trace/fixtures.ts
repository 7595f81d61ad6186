// Shared by the text-trace tests: where the fixtures are, and the reference each one is checked against
// (tshark's own field list of the capture, or markers read straight from the fixture text).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SipMessage } from '../../../src/core/model/sipMessage';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const fixtureDir = path.join(repoRoot, 'test/fixtures/traces');

export function readFixture(name: string): string {
  return readFileSync(path.join(fixtureDir, name), 'utf8');
}

export function fixtureLines(name: string): string[] {
  // Lines as VS Code counts them: CRLF, LF and a lone CR each end a line.
  return readFixture(name).split(/\r\n|\n|\r/);
}

/** One row of `tshark -T fields` as make-fixtures.sh writes it. */
export interface TsharkRow { frame: number; time: number; src: string; srcPort: number; dst: string; dstPort: number; callId: string; label: string; cseq: number }

/** tshark's list of the SIP messages in a capture (the reference the text readers must agree with). */
export function tsharkRows(name: string): TsharkRow[] {
  return readFixture(name).split('\n').filter(Boolean).map((row) => {
    const [frame, time, src, srcPort, dst, dstPort, callId, method, status, cseq] = row.split('\t');
    return { frame: Number(frame), time: Number(time), src, srcPort: Number(srcPort), dst, dstPort: Number(dstPort), callId, label: method || status, cseq: Number(cseq) };
  });
}

/** "INVITE" for requests, "200" for responses. */
export function label(m: SipMessage): string {
  return m.kind === 'request' ? String(m.method) : String(m.status);
}

export function textSource(m: SipMessage): { line: number; endLine: number } {
  if (!('line' in m.source)) throw new Error('message has no line source');
  return m.source;
}
