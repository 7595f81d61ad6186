// Header names: compact forms (RFC 3261 §7.3.3 and the IANA SIP header registry) mapped to canonical keys.

/** Compact form → canonical lower-case long name. */
export const COMPACT_FORMS: Readonly<Record<string, string>> = {
  a: 'accept-contact',      // RFC 3841
  b: 'referred-by',         // RFC 3892
  c: 'content-type',        // RFC 3261
  d: 'request-disposition', // RFC 3841
  e: 'content-encoding',    // RFC 3261
  f: 'from',                // RFC 3261
  i: 'call-id',             // RFC 3261
  j: 'reject-contact',      // RFC 3841
  k: 'supported',           // RFC 3261
  l: 'content-length',      // RFC 3261
  m: 'contact',             // RFC 3261
  n: 'identity-info',       // RFC 4474
  o: 'event',               // RFC 6665
  r: 'refer-to',            // RFC 3515
  s: 'subject',             // RFC 3261
  t: 'to',                  // RFC 3261
  u: 'allow-events',        // RFC 6665
  v: 'via',                 // RFC 3261
  x: 'session-expires',     // RFC 4028
  y: 'identity',            // RFC 8224
};

/** Canonical key of a header name: lower-cased, compact forms expanded (`I` → `call-id`, `CSeq` → `cseq`). */
export function canonicalHeaderKey(name: string): string {
  const lower = name.toLowerCase();
  if (lower.length === 1) return COMPACT_FORMS[lower] ?? lower;
  return lower;
}
