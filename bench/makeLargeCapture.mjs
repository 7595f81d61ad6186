// Builds a ≥2 GB pcap (bench/work/large.pcap, git-ignored) by repeating the big capture's records: each repetition
// is shifted in time past the previous one, and its Call-IDs and Via branches get a repetition mark of the same
// length (3 bytes overwritten in place), so every repetition is a new set of calls rather than retransmissions.
import { closeSync, existsSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const workDir = join(dirname(fileURLToPath(import.meta.url)), 'work');
const source = process.argv[2] ?? join(workDir, 'big.pcap');
const target = process.argv[3] ?? join(workDir, 'large.pcap');
const minBytes = Number(process.env.LARGE_CAPTURE_BYTES ?? 2 * 1024 ** 3);

const CALL_ID = Buffer.from('\r\nCall-ID: ');
const BRANCH = Buffer.from('branch=z9hG4bK');

export function makeLargeCapture() {
  if (existsSync(target) && statSync(target).size >= minBytes) return target;
  const bytes = readFileSync(source);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0, true) !== 0xa1b2c3d4) throw new Error(`${source}: expected a little-endian microsecond pcap`);
  const firstSec = view.getUint32(24, true);
  let lastSec = firstSec;
  for (let at = 24; at + 16 <= bytes.length; at += 16 + view.getUint32(at + 8, true)) lastSec = view.getUint32(at, true);
  const shift = lastSec - firstSec + 2;
  const repetitions = Math.ceil((minBytes - 24) / (bytes.length - 24));
  const fd = openSync(target, 'w');
  writeSync(fd, bytes, 0, 24);
  for (let rep = 0; rep < repetitions; rep++) {
    const copy = Buffer.from(bytes);
    const cv = new DataView(copy.buffer, copy.byteOffset, copy.byteLength);
    const mark = Buffer.from(`r${String(rep).padStart(2, '0')}`);
    for (let at = 24; at + 16 <= copy.length;) {
      const len = cv.getUint32(at + 8, true);
      cv.setUint32(at, cv.getUint32(at, true) + rep * shift, true);
      const start = at + 16;
      const end = start + len;
      // Call-ID value: overwrite the 3 bytes after its '@' (SIPp's Call-IDs are `n-pid@address`).
      const c = copy.indexOf(CALL_ID, start);
      if (c >= 0 && c < end) {
        const eol = copy.indexOf(13, c + CALL_ID.length);
        const atSign = copy.indexOf(64, c + CALL_ID.length);
        if (atSign > 0 && atSign + 4 < eol) mark.copy(copy, atSign + 1);
      }
      for (let b = copy.indexOf(BRANCH, start); b >= 0 && b < end; b = copy.indexOf(BRANCH, b + 1)) mark.copy(copy, b + BRANCH.length);
      at = end;
    }
    writeSync(fd, copy, 24);
    process.stderr.write(`\rlarge capture: repetition ${rep + 1}/${repetitions}`);
  }
  closeSync(fd);
  process.stderr.write(`\nlarge capture: ${target}, ${statSync(target).size} bytes\n`);
  return target;
}

if (import.meta.url === `file://${process.argv[1]}`) makeLargeCapture();
