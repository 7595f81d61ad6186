// Findings are data: core returns them, the CLI prints them, the extension maps them to diagnostics.

export type Severity = 'error' | 'warning' | 'info';

/** Where something sits in a trace: a capture frame (1-based) and byte offset, or text lines (1-based). */
export type SourceRef =
  | { frame: number; offset?: number }
  | { line: number; endLine: number; column?: number };

export interface Finding {
  /** Stable dotted code, e.g. `sip.missing-header`, `pcap.truncated-record`. */
  code: string;
  severity: Severity;
  /** One sentence: what was expected, what the trace shows, and the RFC clause where one applies. */
  message: string;
  source?: SourceRef;
  /** Index into the message list when the finding is about one message. */
  messageIndex?: number;
}
