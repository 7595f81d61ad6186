// Reads a capture's records through the capture reader, for tests that feed the decoder record by record.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createCaptureReader } from '../../../src/core/pcap/captureReader';
import type { CaptureRecord } from '../../../src/core/model/packet';

import { repoRoot } from '../../support/paths';

export const corpusFile = (name: string) => path.resolve(repoRoot, '../shared/corpus/public/pcap', name);
export const fixtureFile = (name: string) => path.resolve(repoRoot, 'test/fixtures/pcap', name);

export function readRecords(file: string): CaptureRecord[] {
  const reader = createCaptureReader();
  const records = reader.push(new Uint8Array(readFileSync(file)));
  records.push(...reader.end());
  return records;
}

/** A copy of the record with its own bytes, so a test can alter them. */
export function copyRecord(record: CaptureRecord, changes: Partial<CaptureRecord> = {}): CaptureRecord {
  return { ...record, data: new Uint8Array(record.data), ...changes };
}
