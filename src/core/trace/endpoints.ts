// Address:port strings as logs print them: 1.2.3.4:5060, [2001:db8::1]:5060, or (ngrep, pjsip) 2001:db8::1:5060.
import type { Endpoint } from '../model/packet';

const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/;
const IPV6 = /^[0-9A-Fa-f:.]+$/;

/** Parses `host:port`; the host must be an IP literal (logs of the tools we read print addresses, not names). */
export function parseEndpoint(text: string): Endpoint | null {
  let s = text.trim();
  if (s.length === 0) return null;
  let host: string;
  let portText: string;
  if (s.startsWith('[')) {
    const close = s.indexOf(']');
    if (close < 0 || s.charCodeAt(close + 1) !== 58 /* : */) return null;
    host = s.slice(1, close);
    portText = s.slice(close + 2);
  } else {
    const colon = s.lastIndexOf(':');
    if (colon < 0) return null;
    host = s.slice(0, colon);
    portText = s.slice(colon + 1);
  }
  if (!/^\d{1,5}$/.test(portText)) return null;
  const port = Number(portText);
  if (port > 65535) return null;
  if (IPV4.test(host)) return { ip: host, port };
  if (host.includes(':') && IPV6.test(host)) return { ip: host.toLowerCase(), port };
  return null;
}
