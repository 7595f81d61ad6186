// IP datagram reassembly from fragments (RFC 791 §3.2, RFC 815 hole filling, RFC 8200 §4.5), bounded in
// datagrams, bytes and time so a capture full of lone fragments cannot grow memory without limit.

export interface FragmentReassemblyLimits {
  /** Datagrams awaiting fragments at once; the oldest is dropped beyond this. */
  maxPendingDatagrams: number;
  /** Fragment bytes held at once; the oldest datagrams are dropped beyond this. */
  maxPendingBytes: number;
  /** A datagram still incomplete this many capture seconds after its first fragment is dropped. */
  timeoutSeconds: number;
}

export const DEFAULT_REASSEMBLY_LIMITS: FragmentReassemblyLimits = {
  maxPendingDatagrams: 1024,
  maxPendingBytes: 16 * 1024 * 1024,
  // Linux ipfrag_time default; a capture's fragments normally arrive within milliseconds.
  timeoutSeconds: 30,
};

/** Largest datagram an IP length field can describe (RFC 791 Total Length, RFC 8200 reassembled Payload Length). */
const MAX_DATAGRAM_BYTES = 65535;

export interface FragmentInput<M> {
  /** Reassembly identity: scope, addresses, protocol (IPv4) and identification. */
  key: string;
  /** Byte offset of this fragment's data within the datagram payload. */
  offset: number;
  /** Fragment data as captured (shorter than claimedLength when the snaplen cut it). */
  data: Uint8Array;
  /** Fragment data length according to the IP header. */
  claimedLength: number;
  moreFragments: boolean;
  frame: number;
  time: number | null;
  /** What the caller needs to continue after reassembly (kept from the offset-0 fragment when seen). */
  meta: M;
}

export interface ReassembledDatagram<M> {
  data: Uint8Array;
  /** True when a fragment was cut by the snaplen, so data stops at the first byte not captured. */
  truncated: boolean;
  meta: M;
  firstFrame: number;
  fragmentCount: number;
  /** Overlapping fragments carried different bytes (RFC 5722 forbids overlaps; later bytes were kept). */
  conflictingOverlap: boolean;
}

export interface DroppedDatagram<M> {
  key: string;
  reason: 'timeout' | 'capacity' | 'end-of-capture';
  meta: M;
  firstFrame: number;
  lastFrame: number;
  fragmentCount: number;
  receivedBytes: number;
  /** Datagram length when the last fragment was seen, else null. */
  totalLength: number | null;
  /** The bytes received contiguously from offset 0 (empty when the first fragment is missing). */
  prefix: Uint8Array;
  /** Whether the offset-0 fragment (holding the transport header) arrived. */
  hasFirstFragment: boolean;
}

export type FragmentOutcome<M> =
  | { status: 'pending'; dropped: DroppedDatagram<M>[] }
  | { status: 'complete'; datagram: ReassembledDatagram<M>; dropped: DroppedDatagram<M>[] }
  | { status: 'duplicate'; completedFrame: number; dropped: DroppedDatagram<M>[] }
  | { status: 'invalid'; reason: string; dropped: DroppedDatagram<M>[] };

interface StoredFragment {
  offset: number;
  claimedEnd: number;
  data: Uint8Array;
}

interface PendingDatagram<M> {
  key: string;
  fragments: StoredFragment[];
  totalLength: number | null;
  bytes: number;
  firstFrame: number;
  lastFrame: number;
  firstTime: number | null;
  meta: M;
  hasFirstFragment: boolean;
  conflictingOverlap: boolean;
}

interface CompletedDatagram {
  totalLength: number;
  frame: number;
  time: number | null;
}

/** How long (capture seconds) a completed datagram's identity is remembered to recognise late duplicate fragments. */
const DUPLICATE_WINDOW_SECONDS = 2;
const MAX_REMEMBERED_COMPLETIONS = 1024;

export class IpFragmentReassembler<M> {
  private readonly pending = new Map<string, PendingDatagram<M>>();
  private readonly completed = new Map<string, CompletedDatagram>();
  private pendingBytes = 0;
  private latestTime: number | null = null;

  constructor(private readonly limits: FragmentReassemblyLimits = DEFAULT_REASSEMBLY_LIMITS) {}

  get pendingCount(): number {
    return this.pending.size;
  }

  add(fragment: FragmentInput<M>): FragmentOutcome<M> {
    const dropped = this.expire(fragment.time);
    const claimedEnd = fragment.offset + fragment.claimedLength;
    if (claimedEnd > MAX_DATAGRAM_BYTES) {
      return { status: 'invalid', reason: `Expected fragment data to end within ${MAX_DATAGRAM_BYTES} bytes, but it ends at ${claimedEnd}.`, dropped };
    }
    if (fragment.moreFragments && fragment.claimedLength % 8 !== 0) {
      return { status: 'invalid', reason: `Expected a non-final fragment to carry a multiple of 8 bytes, but it carries ${fragment.claimedLength}.`, dropped };
    }
    const recent = this.completed.get(fragment.key);
    if (recent && !this.pending.has(fragment.key) && claimedEnd <= recent.totalLength && withinWindow(recent.time, fragment.time)) {
      return { status: 'duplicate', completedFrame: recent.frame, dropped };
    }

    let datagram = this.pending.get(fragment.key);
    if (!datagram) {
      datagram = {
        key: fragment.key, fragments: [], totalLength: null, bytes: 0, firstFrame: fragment.frame, lastFrame: fragment.frame,
        firstTime: fragment.time, meta: fragment.meta, hasFirstFragment: false, conflictingOverlap: false,
      };
      this.pending.set(fragment.key, datagram);
    }
    if (!fragment.moreFragments) {
      if (datagram.totalLength !== null && datagram.totalLength !== claimedEnd) {
        return { status: 'invalid', reason: `Expected one datagram length, but last fragments say ${datagram.totalLength} and ${claimedEnd} bytes.`, dropped };
      }
      datagram.totalLength = claimedEnd;
    }
    if (fragment.offset === 0) {
      datagram.hasFirstFragment = true;
      datagram.meta = fragment.meta;
    }
    datagram.lastFrame = fragment.frame;
    if (this.storeFragment(datagram, fragment, claimedEnd)) {
      const bytes = fragment.data.length;
      datagram.bytes += bytes;
      this.pendingBytes += bytes;
    }

    const complete = this.tryComplete(datagram);
    if (complete) {
      this.remove(datagram);
      this.remember(fragment.key, { totalLength: datagram.totalLength!, frame: fragment.frame, time: fragment.time });
      return { status: 'complete', datagram: complete, dropped };
    }
    dropped.push(...this.enforceCapacity());
    return { status: 'pending', dropped };
  }

  /** Drops every datagram whose first fragment is older than the timeout, relative to `now` (capture time). */
  expire(now: number | null): DroppedDatagram<M>[] {
    const dropped: DroppedDatagram<M>[] = [];
    if (now === null) return dropped;
    if (this.latestTime === null || now > this.latestTime) this.latestTime = now;
    const limit = this.latestTime - this.limits.timeoutSeconds;
    for (const datagram of this.pending.values()) {
      // Map order is arrival order of first fragments, so the first young one ends the scan.
      if (datagram.firstTime === null || datagram.firstTime >= limit) break;
      dropped.push(this.drop(datagram, 'timeout'));
    }
    return dropped;
  }

  /** Drops everything still pending (the capture ended). */
  flush(): DroppedDatagram<M>[] {
    const dropped: DroppedDatagram<M>[] = [];
    for (const datagram of [...this.pending.values()]) dropped.push(this.drop(datagram, 'end-of-capture'));
    return dropped;
  }

  /** Stores the fragment unless it repeats bytes already held; returns whether it was stored. */
  private storeFragment(datagram: PendingDatagram<M>, fragment: FragmentInput<M>, claimedEnd: number): boolean {
    for (const held of datagram.fragments) {
      const from = Math.max(held.offset, fragment.offset);
      const to = Math.min(held.offset + held.data.length, fragment.offset + fragment.data.length);
      if (from >= to) continue;
      for (let i = from; i < to; i++) {
        if (held.data[i - held.offset] !== fragment.data[i - fragment.offset]) {
          datagram.conflictingOverlap = true;
          break;
        }
      }
      if (held.offset === fragment.offset && held.claimedEnd === claimedEnd && held.data.length >= fragment.data.length) {
        return false;
      }
    }
    datagram.fragments.push({ offset: fragment.offset, claimedEnd, data: fragment.data });
    return true;
  }

  private tryComplete(datagram: PendingDatagram<M>): ReassembledDatagram<M> | null {
    const total = datagram.totalLength;
    if (total === null || !datagram.hasFirstFragment) return null;
    const sorted = [...datagram.fragments].sort((a, b) => a.offset - b.offset);
    let covered = 0;
    for (const f of sorted) {
      if (f.offset > covered) return null;
      if (f.claimedEnd > covered) covered = f.claimedEnd;
    }
    if (covered < total) return null;
    const data = new Uint8Array(total);
    // Arrival order: later fragments overwrite overlapped bytes.
    for (const f of datagram.fragments) data.set(f.data.subarray(0, Math.max(0, Math.min(f.data.length, total - f.offset))), f.offset);
    const captured = contiguousCaptured(sorted);
    const truncated = captured < total;
    return {
      data: truncated ? data.subarray(0, captured) : data,
      truncated,
      meta: datagram.meta,
      firstFrame: datagram.firstFrame,
      fragmentCount: datagram.fragments.length,
      conflictingOverlap: datagram.conflictingOverlap,
    };
  }

  private enforceCapacity(): DroppedDatagram<M>[] {
    const dropped: DroppedDatagram<M>[] = [];
    while (this.pending.size > this.limits.maxPendingDatagrams || (this.pendingBytes > this.limits.maxPendingBytes && this.pending.size > 0)) {
      const oldest = this.pending.values().next().value as PendingDatagram<M>;
      dropped.push(this.drop(oldest, 'capacity'));
    }
    return dropped;
  }

  private drop(datagram: PendingDatagram<M>, reason: DroppedDatagram<M>['reason']): DroppedDatagram<M> {
    this.remove(datagram);
    const sorted = [...datagram.fragments].sort((a, b) => a.offset - b.offset);
    const prefixLength = datagram.hasFirstFragment ? contiguousCaptured(sorted) : 0;
    const prefix = new Uint8Array(prefixLength);
    for (const f of datagram.fragments) {
      if (f.offset < prefixLength) prefix.set(f.data.subarray(0, Math.min(f.data.length, prefixLength - f.offset)), f.offset);
    }
    return {
      key: datagram.key, reason, meta: datagram.meta, firstFrame: datagram.firstFrame, lastFrame: datagram.lastFrame,
      fragmentCount: datagram.fragments.length, receivedBytes: datagram.bytes, totalLength: datagram.totalLength,
      prefix, hasFirstFragment: datagram.hasFirstFragment,
    };
  }

  private remove(datagram: PendingDatagram<M>): void {
    this.pending.delete(datagram.key);
    this.pendingBytes -= datagram.bytes;
  }

  private remember(key: string, done: CompletedDatagram): void {
    this.completed.delete(key);
    this.completed.set(key, done);
    if (this.completed.size > MAX_REMEMBERED_COMPLETIONS) {
      this.completed.delete(this.completed.keys().next().value as string);
    }
  }
}

/** Bytes actually captured contiguously from offset 0, given fragments sorted by offset. */
function contiguousCaptured(sorted: StoredFragment[]): number {
  let covered = 0;
  for (const f of sorted) {
    if (f.offset > covered) break;
    const end = f.offset + f.data.length;
    if (end > covered) covered = end;
  }
  return covered;
}

function withinWindow(completedTime: number | null, now: number | null): boolean {
  if (completedTime === null || now === null) return true;
  return Math.abs(now - completedTime) <= DUPLICATE_WINDOW_SECONDS;
}
