// Lifelines of a ladder diagram: who sent and who received each message, and what to call them.
// Runs anywhere core runs.
import type { SipMessage } from '../model/sipMessage';
import { formatEndpoint } from '../model/packet';
import { contactUri, parseUriParts } from '../dialog/sipFields';

export interface ParticipantNaming {
  /**
   * User-set lifeline names (the `sipTrail.participantNames` setting). Keys are `ip:port`, a bare `ip`
   * (every port of that address), a caption name from a text trace, or `user@host`. Keys given the same
   * name share one lifeline: that is how an SBC's or CSCF's several interfaces merge.
   */
  names?: Readonly<Record<string, string>>;
}

export interface Participant {
  /** Mermaid identifier (`p1`, `p2`, …), never trace text: mermaid#193 breaks on `participant 127.0.0.1:5060`. */
  id: string;
  /** Lifeline title. */
  name: string;
  /** Second line under the title (the address when the title came from a URI or a user name), or null. */
  detail: string | null;
  /** Every trace key (`ip:port`, caption name, `user@host`) drawn on this lifeline, in order of appearance. */
  keys: string[];
}

export interface ParticipantTable {
  /** In order of first appearance. */
  participants: Participant[];
  /** Per position in the input list: index into `participants` of the sender and of the receiver. */
  from: number[];
  to: number[];
}

/** Assigns every message a sending and a receiving lifeline. */
export function resolveParticipants(messages: readonly SipMessage[], naming: ParticipantNaming = {}): ParticipantTable {
  const names = naming.names ?? {};
  const identities = learnIdentities(messages);
  const participants: Participant[] = [];
  const byLifeline = new Map<string, number>();
  const byKey = new Map<string, number>();
  const from: number[] = [];
  const to: number[] = [];

  function lifelineOf(side: SideKey): number {
    const known = byKey.get(side.key);
    if (known !== undefined) return known;
    const userName = userSetName(names, side, identities.get(side.key) ?? null);
    const identity = identities.get(side.key) ?? null;
    // A user-set name is the lifeline's identity, so keys sharing it share one lifeline.
    const lifeline = userName !== null ? `name\u0000${userName}` : `key\u0000${side.key}`;
    let index = byLifeline.get(lifeline);
    if (index === undefined) {
      index = participants.length;
      participants.push({ id: `p${index + 1}`, name: userName ?? identity ?? side.key, detail: null, keys: [side.key] });
      byLifeline.set(lifeline, index);
    } else {
      participants[index].keys.push(side.key);
    }
    byKey.set(side.key, index);
    return index;
  }

  for (const m of messages) {
    from.push(lifelineOf(sideKey(m, 'src')));
    to.push(lifelineOf(sideKey(m, 'dst')));
  }
  for (const p of participants) p.detail = detailOf(p);
  return { participants, from, to };
}

/** The addresses under a lifeline's title, unless the title is already its only address. */
function detailOf(p: Participant): string | null {
  if (p.keys.length === 1) return p.keys[0] === p.name ? null : p.keys[0];
  if (p.keys.length <= 3) return p.keys.join(', ');
  return `${p.keys[0]}, ${p.keys[1]} and ${p.keys.length - 2} more addresses`;
}

export interface SideKey {
  key: string;
  /** The bare address when the key is an endpoint (`ip:port`). */
  ip: string | null;
}

/** What identifies one end of a message: its transport address, else its caption name, else its URI party. */
export function sideKey(m: SipMessage, side: 'src' | 'dst'): SideKey {
  const endpoint = side === 'src' ? m.src : m.dst;
  if (endpoint) return { key: formatEndpoint(endpoint), ip: endpoint.ip };
  const caption = side === 'src' ? m.caption?.from : m.caption?.to;
  if (caption) return { key: caption, ip: null };
  // A response copies From and To from its request (RFC 3261 §8.2.6.2), so its sender is the To party.
  const party = (m.kind === 'request') === (side === 'src') ? m.from : m.to;
  if (party) return { key: userAtHost(party.uri), ip: null };
  return { key: side === 'src' ? '(unknown sender)' : '(unknown receiver)', ip: null };
}

/**
 * Endpoints that are user agents, named after the party they speak for: a message whose Contact points at its
 * own source address was sent by the UA itself (RFC 3261 §8.1.1.8), so its From (request) or To (response)
 * names that endpoint. Proxies do not put their own address in Contact, so they keep their address as name.
 */
function learnIdentities(messages: readonly SipMessage[]): Map<string, string> {
  const identities = new Map<string, string>();
  for (const m of messages) {
    if (!m.src) continue;
    const key = formatEndpoint(m.src);
    if (identities.has(key)) continue;
    const contact = contactUri(m);
    if (!contact) continue;
    const host = bareHost(parseUriParts(contact).host);
    if (host !== m.src.ip.toLowerCase()) continue;
    const party = m.kind === 'request' ? m.from : m.to;
    // Only a user part names a party; a bare host would just repeat the address.
    if (party && parseUriParts(party.uri.trim()).user) identities.set(key, userAtHost(party.uri));
  }
  return identities;
}

function userSetName(names: Readonly<Record<string, string>>, side: SideKey, identity: string | null): string | null {
  const direct = ownName(names, side.key);
  if (direct !== null) return direct;
  if (side.ip !== null) {
    const byIp = ownName(names, side.ip);
    if (byIp !== null) return byIp;
  }
  return identity !== null ? ownName(names, identity) : null;
}

function ownName(names: Readonly<Record<string, string>>, key: string): string | null {
  if (!Object.prototype.hasOwnProperty.call(names, key)) return null;
  const value = names[key];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

/** `user@host` of a URI (`+123` for tel:, the host alone when there is no user part). */
export function userAtHost(uri: string): string {
  const parts = parseUriParts(uri.trim());
  if (parts.scheme === 'tel') return parts.user ?? uri;
  if (!parts.host) return uri;
  return parts.user ? `${parts.user}@${parts.host}` : parts.host;
}

function bareHost(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1).toLowerCase() : host.toLowerCase();
}
