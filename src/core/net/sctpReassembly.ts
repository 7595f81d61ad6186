// Reassembly of SCTP user messages split over several DATA / I-DATA chunks (RFC 9260 §6.9, RFC 8260 §2.1),
// bounded in fragments, bytes and time like IP reassembly.

import type { FragmentReassemblyLimits } from './ipFragmentReassembly';

export interface SctpFragment {
  /** Association direction, stream and SSN (DATA) or message id (I-DATA): the fragments of one message share it. */
  key: string;
  /** TSN (DATA) or FSN (I-DATA): consecutive within a message. */
  sequence: number;
  beginning: boolean;
  ending: boolean;
  data: Uint8Array;
  truncated: boolean;
  ppid: number;
  frame: number;
  time: number | null;
}

export interface SctpMessage {
  data: Uint8Array;
  ppid: number;
  truncated: boolean;
  firstFrame: number;
  fragmentCount: number;
}

export interface DroppedSctpFragments {
  key: string;
  reason: 'timeout' | 'capacity' | 'end-of-capture';
  firstFrame: number;
  lastFrame: number;
  fragmentCount: number;
  bytes: number;
}

export type SctpFragmentOutcome =
  | { status: 'pending'; dropped: DroppedSctpFragments[] }
  | { status: 'duplicate'; dropped: DroppedSctpFragments[] }
  | { status: 'complete'; message: SctpMessage; dropped: DroppedSctpFragments[] };

interface HeldFragment extends SctpFragment {
  arrived: number;
}

interface Direction {
  key: string;
  fragments: Map<number, HeldFragment>;
  bytes: number;
  firstTime: number | null;
  firstFrame: number;
  lastFrame: number;
}

/** A message longer than this many fragments is not looked for (bounds the walk). */
const MAX_FRAGMENTS_PER_MESSAGE = 4096;
const MAX_REMEMBERED_FRAGMENTS = 4096;

export class SctpMessageReassembler {
  private readonly pending = new Map<string, Direction>();
  /** `key#sequence` of fragments already assembled (oldest evicted first), to recognise retransmitted copies. */
  private readonly used = new Set<string>();
  private pendingBytes = 0;
  private pendingFragments = 0;
  private latestTime: number | null = null;
  private arrivals = 0;

  constructor(private readonly limits: FragmentReassemblyLimits) {}

  add(fragment: SctpFragment): SctpFragmentOutcome {
    const dropped = this.expire(fragment.time);
    const seq = fragment.sequence >>> 0;
    if (this.used.has(`${fragment.key}#${seq}`)) return { status: 'duplicate', dropped };
    let direction = this.pending.get(fragment.key);
    if (!direction) {
      direction = { key: fragment.key, fragments: new Map(), bytes: 0, firstTime: fragment.time, firstFrame: fragment.frame, lastFrame: fragment.frame };
      this.pending.set(fragment.key, direction);
    }
    if (direction.fragments.has(seq)) return { status: 'duplicate', dropped };
    direction.fragments.set(seq, { ...fragment, sequence: seq, arrived: this.arrivals++ });
    direction.bytes += fragment.data.length;
    direction.lastFrame = fragment.frame;
    this.pendingBytes += fragment.data.length;
    this.pendingFragments++;

    const message = this.tryComplete(direction, seq);
    if (message) return { status: 'complete', message, dropped };
    dropped.push(...this.enforceCapacity());
    return { status: 'pending', dropped };
  }

  expire(now: number | null): DroppedSctpFragments[] {
    const dropped: DroppedSctpFragments[] = [];
    if (now === null) return dropped;
    if (this.latestTime === null || now > this.latestTime) this.latestTime = now;
    const limit = this.latestTime - this.limits.timeoutSeconds;
    for (const direction of [...this.pending.values()]) {
      if (direction.firstTime !== null && direction.firstTime < limit) dropped.push(this.drop(direction, 'timeout'));
    }
    return dropped;
  }

  flush(): DroppedSctpFragments[] {
    return [...this.pending.values()].map((d) => this.drop(d, 'end-of-capture'));
  }

  /** Walks from the new fragment back to a beginning and forward to an ending; assembles when nothing is missing. */
  private tryComplete(direction: Direction, seq: number): SctpMessage | null {
    const held = direction.fragments;
    let first = seq;
    for (let n = 0; !held.get(first)!.beginning; n++) {
      const previous = (first - 1) >>> 0;
      if (n >= MAX_FRAGMENTS_PER_MESSAGE || !held.has(previous)) return null;
      first = previous;
    }
    let last = seq;
    for (let n = 0; !held.get(last)!.ending; n++) {
      const next = (last + 1) >>> 0;
      if (n >= MAX_FRAGMENTS_PER_MESSAGE || !held.has(next)) return null;
      last = next;
    }
    const parts: HeldFragment[] = [];
    for (let s = first; ; s = (s + 1) >>> 0) {
      parts.push(held.get(s)!);
      if (s === last) break;
    }
    let length = 0;
    let truncated = false;
    for (const p of parts) {
      length += p.data.length;
      if (p.truncated) truncated = true;
    }
    const data = new Uint8Array(length);
    let at = 0;
    for (const p of parts) { data.set(p.data, at); at += p.data.length; }
    for (const p of parts) {
      held.delete(p.sequence);
      direction.bytes -= p.data.length;
      this.pendingBytes -= p.data.length;
      this.pendingFragments--;
      this.used.add(`${direction.key}#${p.sequence}`);
    }
    // Remember only recent fragments: enough to spot retransmissions, bounded in memory.
    for (const old of this.used) {
      if (this.used.size <= MAX_REMEMBERED_FRAGMENTS) break;
      this.used.delete(old);
    }
    if (held.size === 0) this.pending.delete(direction.key);
    const firstFrame = parts.reduce((min, p) => (p.arrived < min.arrived ? p : min), parts[0]).frame;
    return { data, ppid: parts[0].ppid, truncated, firstFrame, fragmentCount: parts.length };
  }

  private enforceCapacity(): DroppedSctpFragments[] {
    const dropped: DroppedSctpFragments[] = [];
    while (this.pending.size > 0 && (this.pendingFragments > this.limits.maxPendingDatagrams || this.pendingBytes > this.limits.maxPendingBytes)) {
      dropped.push(this.drop(this.pending.values().next().value as Direction, 'capacity'));
    }
    return dropped;
  }

  private drop(direction: Direction, reason: DroppedSctpFragments['reason']): DroppedSctpFragments {
    this.pending.delete(direction.key);
    this.pendingBytes -= direction.bytes;
    this.pendingFragments -= direction.fragments.size;
    return {
      key: direction.key, reason, firstFrame: direction.firstFrame, lastFrame: direction.lastFrame,
      fragmentCount: direction.fragments.size, bytes: direction.bytes,
    };
  }
}
