// The floor the issue measures against: read the capture file and walk its pcap records, nothing else.
// With --group, also group the records by Call-ID naively (find "Call-ID:" in each record, Map of counts).
import { readFileSync } from 'node:fs';

const path = process.argv[2];
const group = process.argv.includes('--group');
const bytes = readFileSync(path);
const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
const magic = view.getUint32(0, true);
const little = magic === 0xa1b2c3d4 || magic === 0xa1b23c4d;
if (!little && magic !== 0xd4c3b2a1 && magic !== 0x4d3cb2a1) throw new Error(`${path}: not a classic pcap file`);
const needle = Buffer.from('Call-ID:');
const calls = new Map();
let records = 0;
let captured = 0;
for (let at = 24; at + 16 <= bytes.length;) {
  const inclLen = view.getUint32(at + 8, little);
  const start = at + 16;
  records++;
  captured += inclLen;
  if (group) {
    const k = bytes.indexOf(needle, start);
    if (k >= 0 && k < start + inclLen) {
      const end = bytes.indexOf(13, k);
      const id = bytes.latin1Slice(k + needle.length, end).trim();
      calls.set(id, (calls.get(id) ?? 0) + 1);
    }
  }
  at = start + inclLen;
}
process.stdout.write(`${records} records, ${captured} bytes${group ? `, ${calls.size} Call-IDs` : ''}\n`);
