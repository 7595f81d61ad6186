// A captured message that passed the parser without a single issue keeps its correlation keys (Call-ID, CSeq,
// From, To, Via, start line) as fields but not its header list: that list is most of a parsed message's memory
// (about 1.4 kB of the 3.8 kB a message cost), and correlation only asks for a few headers by name. The list is
// rebuilt from `raw` when asked for, and asking for a header the message does not carry answers without parsing.
import type { Endpoint, Transport } from '../model/packet';
import type { MessageIssue, MessageSource, NameAddr, ParsedSip, SipHeader, SipMessage, Via } from '../model/sipMessage';
import { parseSipHeaders } from '../sip/parseSipMessage';

/** Rebuilt header lists of the most recently asked messages (correlation reads one message's headers in a row). */
const RECENT = 64;
const recentHeaders = new Map<CapturedSipMessage, SipHeader[]>();
/** Key sequences are shared: messages of one kind from one user agent carry the same headers in the same order. */
const keySequences = new Map<string, string>();

export class CapturedSipMessage implements SipMessage {
  kind: ParsedSip['kind'];
  method: string | null;
  requestUri: string | null;
  status: number | null;
  reason: string | null;
  version: string;
  callId: string | null;
  cseq: { seq: number; method: string } | null;
  from: NameAddr | null;
  to: NameAddr | null;
  vias: Via[];
  contentType: string | null;
  contentLength: number | null;
  bodyOffset: number;
  body: Uint8Array;
  lineEnding: ParsedSip['lineEnding'];
  issues: MessageIssue[];
  index: number;
  time: number | null;
  src: Endpoint | null;
  dst: Endpoint | null;
  transport: Transport | null;
  raw: Uint8Array;
  source: MessageSource;
  /**
   * An own property (so `{ ...message }` copies keep it) that reads as the header list: a proxy over a shared empty
   * array whose every read goes to headerList().
   */
  headers: SipHeader[];
  /** Canonical keys of the headers, each followed by '\n' (e.g. `via\nfrom\n...`). */
  #headerKeys: string;

  constructor(p: ParsedSip, index: number, time: number | null, src: Endpoint | null, dst: Endpoint | null, transport: Transport | null, raw: Uint8Array, source: MessageSource) {
    this.kind = p.kind; this.method = p.method; this.requestUri = p.requestUri; this.status = p.status;
    this.reason = p.reason; this.version = p.version; this.callId = p.callId; this.cseq = p.cseq;
    this.from = p.from; this.to = p.to; this.vias = p.vias; this.contentType = p.contentType;
    this.contentLength = p.contentLength; this.bodyOffset = p.bodyOffset; this.body = p.body;
    this.lineEnding = p.lineEnding; this.issues = p.issues;
    this.index = index; this.time = time; this.src = src; this.dst = dst; this.transport = transport;
    this.raw = raw; this.source = source;
    this.headers = new Proxy(NO_HEADERS, new LazyHeaders(this)) as SipHeader[];
    let keys = '';
    for (const h of p.headers) keys += `${h.key}\n`;
    let shared = keySequences.get(keys);
    if (shared === undefined) {
      shared = keys;
      if (keySequences.size < 4096) keySequences.set(keys, keys);
    }
    this.#headerKeys = shared;
  }

  /** The header list, rebuilt from `raw` the first time it is read after falling out of the recent cache. */
  headerList(): SipHeader[] {
    let list = recentHeaders.get(this);
    if (list === undefined) {
      list = parseSipHeaders(this.raw);
      if (recentHeaders.size >= RECENT) recentHeaders.delete(recentHeaders.keys().next().value!);
      recentHeaders.set(this, list);
    }
    return list;
  }

  /** False when the message certainly carries no header with this canonical key (no parsing needed to say so). */
  mayHaveHeader(canonicalKey: string): boolean {
    const keys = this.#headerKeys;
    const at = keys.indexOf(canonicalKey);
    if (at < 0) return false;
    if ((at === 0 || keys.charCodeAt(at - 1) === 0x0a) && keys.charCodeAt(at + canonicalKey.length) === 0x0a) return true;
    return keys.includes(`\n${canonicalKey}\n`);
  }

}

const NO_HEADERS: SipHeader[] = [];

/** Proxy handler: every read of the headers array is a read of the owner's rebuilt header list. */
class LazyHeaders implements ProxyHandler<SipHeader[]> {
  constructor(private readonly owner: CapturedSipMessage) {}
  get(_t: SipHeader[], key: string | symbol): unknown {
    const list = this.owner.headerList();
    const value = Reflect.get(list, key);
    return typeof value === 'function' ? value.bind(list) : value;
  }
  has(_t: SipHeader[], key: string | symbol): boolean { return Reflect.has(this.owner.headerList(), key); }
  ownKeys(): ArrayLike<string | symbol> { return Reflect.ownKeys(this.owner.headerList()); }
  getOwnPropertyDescriptor(_t: SipHeader[], key: string | symbol): PropertyDescriptor | undefined {
    return Reflect.getOwnPropertyDescriptor(this.owner.headerList(), key);
  }
  set(_t: SipHeader[], key: string | symbol, value: unknown): boolean { return Reflect.set(this.owner.headerList(), key, value); }
}
