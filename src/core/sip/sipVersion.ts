// SIP-Version = "SIP" "/" 1*DIGIT "." 1*DIGIT (RFC 3261 §7.1, §25.1); only SIP/2.0 is defined.
import { isDigit } from './charClasses';

/** 'ok' for SIP/2.0 (the literal is case-insensitive), 'unknown' for another well-formed version, 'malformed' otherwise. */
export function checkSipVersion(text: string): 'ok' | 'unknown' | 'malformed' {
  if (text.length < 7 || text.slice(0, 4).toUpperCase() !== 'SIP/') return 'malformed';
  const dot = text.indexOf('.', 4);
  if (dot <= 4 || dot === text.length - 1) return 'malformed';
  for (let i = 4; i < text.length; i++) if (i !== dot && !isDigit(text.charCodeAt(i))) return 'malformed';
  return Number(text.slice(4, dot)) === 2 && Number(text.slice(dot + 1)) === 0 ? 'ok' : 'unknown';
}
