// Header access by canonical key: `getHeader(msg, 'i')`, `getHeaders(msg, 'Via')`.
import type { SipHeader } from '../model/sipMessage';
import { canonicalHeaderKey } from './compactForms';

/** The first header whose canonical key matches `key` (any case, compact forms accepted), or null. */
export function getHeader(msg: { headers: readonly SipHeader[] }, key: string): SipHeader | null {
  const k = canonicalHeaderKey(key);
  for (const h of msg.headers) if (h.key === k) return h;
  return null;
}

/** Every header whose canonical key matches `key`, in message order. */
export function getHeaders(msg: { headers: readonly SipHeader[] }, key: string): SipHeader[] {
  const k = canonicalHeaderKey(key);
  return msg.headers.filter((h) => h.key === k);
}
