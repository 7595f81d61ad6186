// A plain copy of a message with some fields changed. Readers may hand out class instances with lazily rebuilt
// fields (a captured message rebuilds `headers` from `raw`), which an object spread would lose; this copies every
// field of the SipMessage model by name, so the copy answers exactly like the original.
import type { SipMessage } from '../model/sipMessage';

export function copyMessage(m: SipMessage, changes: Partial<SipMessage> = {}): SipMessage {
  const copy: SipMessage = {
    kind: m.kind, method: m.method, requestUri: m.requestUri, status: m.status, reason: m.reason, version: m.version,
    headers: m.headers, callId: m.callId, cseq: m.cseq, from: m.from, to: m.to, vias: m.vias, contentType: m.contentType,
    contentLength: m.contentLength, bodyOffset: m.bodyOffset, body: m.body, lineEnding: m.lineEnding, issues: m.issues,
    index: m.index, time: m.time, src: m.src, dst: m.dst, transport: m.transport, raw: m.raw, source: m.source,
  };
  if (m.lineMap !== undefined) copy.lineMap = m.lineMap;
  if (m.duplicateOf !== undefined) copy.duplicateOf = m.duplicateOf;
  if (m.caption !== undefined) copy.caption = m.caption;
  return Object.assign(copy, changes);
}
