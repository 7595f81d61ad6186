// What CLI commands need from the outside world, so each command stays testable without a terminal.
import type { SipMessage } from '../core/model/sipMessage';
import type { Finding } from '../core/model/finding';

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
  stdout(s: string): void;
  stderr(s: string): void;
  setExitCode(code: number): void;
  readTextFile(path: string): string;
  listDir(path: string): string[];
  cwd(): string;
}

/** Raised for unreadable or unrecognised input: the CLI prints its message on one line and exits 2. */
export class TraceInputError extends Error {}
