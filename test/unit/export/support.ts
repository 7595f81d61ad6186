// Test support for the export tests: real captures read, correlated and selected as the CLI does.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readCapture } from '../../../src/core/capture/readCapture';
import { correlate } from '../../../src/core/dialog/correlate';
import { builtinFlows } from '../../../src/core/flow/builtinFlows';
import { selectForExport, type ExportSelection, type ExportView } from '../../../src/core/export/exportSelection';
import type { SipMessage } from '../../../src/core/model/sipMessage';
import type { Finding } from '../../../src/core/model/finding';
import { repoRoot } from '../../support/paths';

export const replicationCapture = join(repoRoot, 'test/captures/replication-udp.pcap');
export const exampleCapture = join(repoRoot, 'examples/session-replication-push.pcap');
export const kamailioCapture = join(repoRoot, 'test/captures/replication-kamailio.pcap');
export const REPLICATION_FLOW = '3gpp-replication-push';

export function readMessages(file: string): { messages: SipMessage[]; findings: Finding[]; packets: number } {
  const r = readCapture([new Uint8Array(readFileSync(file))]);
  return { messages: r.messages, findings: r.findings, packets: r.packets };
}

export function viewOf(file: string, selection: ExportSelection = {}): ExportView {
  const r = readMessages(file);
  return selectForExport(correlate(r.messages), builtinFlows().flows, selection, r.findings);
}

export function viewOfMessages(messages: SipMessage[], selection: ExportSelection = {}): ExportView {
  return selectForExport(correlate(messages), builtinFlows().flows, selection);
}

/** PlantUML's `<U+XXXX>` references back to characters. */
export function decodePlantUml(text: string): string {
  return text.replace(/<U\+([0-9A-F]{4,6})>/g, (_, h: string) => String.fromCodePoint(parseInt(h, 16)));
}

/** Mermaid's `#NNN;` entity codes back to characters. */
export function decodeMermaid(text: string): string {
  return text.replace(/#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)));
}

/** What a one-line text slot must read as: line breaks as spaces, controls and lone surrogates as U+FFFD. */
export function shownText(text: string): string {
  return text.replace(/[\t\r\n]/g, ' ')
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g, '\ufffd')
    .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
}
