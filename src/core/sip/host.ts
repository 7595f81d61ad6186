// host = hostname / IPv4address / IPv6reference (RFC 3261 §25.1, IPv6 as corrected by RFC 5954).
import { isAlpha, isDigit, isHexDigit } from './charClasses';
import { shown } from './shown';

export type HostCheck =
  | { ok: true; kind: 'hostname' | 'ipv4' | 'ipv6'; /** RFC 5118 §4.10 three-colon form, tolerated. */ abnfBug: boolean }
  | { ok: false; error: string };

/** Validates a host as written in a SIP URI or Via sent-by (IPv6 must be bracketed). */
export function checkHost(host: string): HostCheck {
  if (host.length === 0) return { ok: false, error: 'the host is empty (RFC 3261 §25.1)' };
  if (host.charCodeAt(0) === 0x5b) {
    if (host.charCodeAt(host.length - 1) !== 0x5d) return { ok: false, error: `IPv6 reference ${shown(host)} has no closing "]" (RFC 3261 §25.1)` };
    const v6 = checkIpv6Address(host.slice(1, -1));
    if (v6 === null) return { ok: false, error: `${shown(host)} is not a valid IPv6 reference (RFC 3261 §25.1 as corrected by RFC 5954)` };
    return { ok: true, kind: 'ipv6', abnfBug: v6 === 'three-colon' };
  }
  if (isIpv4Address(host)) return { ok: true, kind: 'ipv4', abnfBug: false };
  if (host.indexOf(':') >= 0) return { ok: false, error: `${shown(host)} looks like an IPv6 address without the "[" "]" an IPv6 reference needs (RFC 5118 §4.2)` };
  if (!isHostname(host)) return { ok: false, error: `${shown(host)} is not a valid hostname, IPv4 address or IPv6 reference (RFC 3261 §25.1)` };
  return { ok: true, kind: 'hostname', abnfBug: false };
}

/** dec-octet "." dec-octet "." dec-octet "." dec-octet */
export function isIpv4Address(s: string): boolean {
  let parts = 0;
  let digits = 0;
  let value = 0;
  for (let i = 0; i <= s.length; i++) {
    const c = i < s.length ? s.charCodeAt(i) : 0x2e;
    if (c === 0x2e) {
      if (digits === 0 || value > 255) return false;
      parts++;
      digits = 0;
      value = 0;
    } else if (isDigit(c)) {
      if (++digits > 3) return false;
      value = value * 10 + (c - 0x30);
    } else return false;
  }
  return parts === 4;
}

/**
 * IPv6address (RFC 4291 §2.2 text form). Returns 'valid', 'three-colon' for the RFC 3261 ABNF bug form
 * (`2001:db8:::192.0.2.1`, which RFC 5118 §4.10 says to tolerate), or null when invalid.
 */
export function checkIpv6Address(s: string): 'valid' | 'three-colon' | null {
  let text = s;
  let bug = false;
  const triple = text.indexOf(':::');
  if (triple >= 0) {
    // Only the RFC 3261 production `hexpart ":" IPv4address` with hexpart ending in "::" yields ":::".
    const rest = text.slice(triple + 3);
    if (!isIpv4Address(rest)) return null;
    text = text.slice(0, triple + 2) + rest;
    bug = true;
  }
  const dbl = text.indexOf('::');
  if (dbl >= 0 && text.indexOf('::', dbl + 1) >= 0) return null;
  let groups = 0;
  const segments = dbl >= 0 ? [text.slice(0, dbl), text.slice(dbl + 2)] : [text];
  for (let si = 0; si < segments.length; si++) {
    const seg = segments[si];
    if (seg.length === 0) {
      if (dbl < 0) return null;
      continue;
    }
    const parts = seg.split(':');
    for (let pi = 0; pi < parts.length; pi++) {
      const p = parts[pi];
      const last = si === segments.length - 1 && pi === parts.length - 1;
      if (last && p.indexOf('.') >= 0) {
        if (!isIpv4Address(p)) return null;
        groups += 2;
      } else {
        if (p.length < 1 || p.length > 4) return null;
        for (let i = 0; i < p.length; i++) if (!isHexDigit(p.charCodeAt(i))) return null;
        groups += 1;
      }
    }
  }
  if (dbl >= 0 ? groups > 7 : groups !== 8) return null;
  return bug ? 'three-colon' : 'valid';
}

/**
 * hostname = *( domainlabel "." ) toplabel [ "." ]. Labels are alphanum with inner "-"; "_" is also
 * accepted because deployed DNS names (SRV-style labels) carry it, and rejecting them would flag real traffic.
 */
export function isHostname(s: string): boolean {
  let end = s.length;
  if (end > 0 && s.charCodeAt(end - 1) === 0x2e) end--;
  if (end === 0) return false;
  let labelStart = 0;
  for (let i = 0; i <= end; i++) {
    const c = i < end ? s.charCodeAt(i) : 0x2e;
    if (c === 0x2e) {
      if (i === labelStart) return false;
      const first = s.charCodeAt(labelStart);
      const lastc = s.charCodeAt(i - 1);
      if (first === 0x2d || lastc === 0x2d) return false;
      if (i === end && !isAlpha(first)) return false; // toplabel starts with ALPHA
      labelStart = i + 1;
    } else if (!(isAlpha(c) || isDigit(c) || c === 0x2d || c === 0x5f)) return false;
  }
  return true;
}
