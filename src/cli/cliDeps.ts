// What CLI commands need from the outside world, so each command stays testable without a terminal.
import type { SipMessage } from '../core/model/sipMessage';
import type { Finding } from '../core/model/finding';
import type { MessageColumns } from '../core/index/messageColumns';

export interface LoadedTrace {
  path: string;
  /** 'pcap' | 'pcapng' | 'text:<dialect>' */
  format: string;
  /** Packet records in a capture; null for text traces. */
  packets: number | null;
  messages: SipMessage[];
  findings: Finding[];
}

export interface CliDeps {
  /** One trace file, or several logs of the same calls merged into one trace (clock skew corrected). */
  loadTrace(paths: string | string[], opts: { dialect?: string }): Promise<LoadedTrace>;
  /**
   * A capture read into the compact message index (the fast path for big captures), or null when the file is not
   * one the index accepts (the command then uses loadTrace). Absent in tests that drive only the full pipeline.
   */
  indexCapture?(path: string, correlationHeaders: readonly string[]): IndexedCapture | null;
  stdout(s: string): void;
  /**
   * UTF-8 bytes for stdout (big JSON documents are written as bytes, never as one string). Returns true when the
   * bytes were written before it returned, so the caller may reuse the buffer.
   */
  stdoutBytes(b: Uint8Array): boolean | void;
  stderr(s: string): void;
  setExitCode(code: number): void;
  readTextFile(path: string): string;
  listDir(path: string): string[];
  cwd(): string;
}

export interface IndexedCapture {
  format: 'pcap' | 'pcapng';
  packets: number;
  columns: MessageColumns;
  /** Called once the correlation has made its arrays (the index's memory needs no more pages). */
  allocationsDone?(): void;
  /** Bytes of the index's and correlation's arrays in their arena (0 when each array has its own buffer). */
  arenaBytes?(): number;
}

/** Raised for unreadable or unrecognised input: the CLI prints its message on one line and exits 2. */
export class TraceInputError extends Error {}
