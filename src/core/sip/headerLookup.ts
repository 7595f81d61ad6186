// Header access by canonical key: `getHeader(msg, 'i')`, `getHeaders(msg, 'Via')`.
import type { SipHeader } from '../model/sipMessage';
import { canonicalHeaderKey } from './compactForms';

/** Messages that know which header keys they carry without holding parsed headers (captured messages). */
interface HeaderKeyIndex { mayHaveHeader(canonicalKey: string): boolean; headerList(): readonly SipHeader[] }

function certainlyAbsent(msg: object, k: string): boolean {
  const index = msg as Partial<HeaderKeyIndex>;
  return typeof index.mayHaveHeader === 'function' && !index.mayHaveHeader(k);
}

/** The header list itself (not the lazy view a captured message shows as `headers`). */
function listOf(msg: { headers: readonly SipHeader[] }): readonly SipHeader[] {
  const index = msg as Partial<HeaderKeyIndex>;
  return typeof index.headerList === 'function' ? index.headerList() : msg.headers;
}

/** The first header whose canonical key matches `key` (any case, compact forms accepted), or null. */
export function getHeader(msg: { headers: readonly SipHeader[] }, key: string): SipHeader | null {
  const k = canonicalHeaderKey(key);
  if (certainlyAbsent(msg, k)) return null;
  for (const h of listOf(msg)) if (h.key === k) return h;
  return null;
}

/** Every header whose canonical key matches `key`, in message order. */
export function getHeaders(msg: { headers: readonly SipHeader[] }, key: string): SipHeader[] {
  const k = canonicalHeaderKey(key);
  if (certainlyAbsent(msg, k)) return [];
  return listOf(msg).filter((h) => h.key === k);
}
