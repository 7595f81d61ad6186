// Messages between the extension host and the trace worker (worker_threads). No vscode, no DOM.
import type { Finding } from '../core/model/finding';
import type { DiagramData, DiagramFilter, MessageDetails, TraceInfo } from '../protocol/messages';

export interface RenderRequestOptions {
  page: number;
  pageSize: number;
  filter: DiagramFilter;
  names: Record<string, string>;
  showTimeOffsets: boolean;
}

export type WorkerRequest =
  | { op: 'openCapture'; id: number; traceId: string; fileName: string; bytes: Uint8Array }
  | { op: 'openText'; id: number; traceId: string; fileName: string; text: string }
  | { op: 'render'; id: number; traceId: string; options: RenderRequestOptions }
  | { op: 'details'; id: number; traceId: string; messageIndex: number }
  | { op: 'close'; id: number; traceId: string };

export interface OpenResult { info: TraceInfo; findings: Finding[] }

export interface WorkerResults {
  openCapture: OpenResult;
  openText: OpenResult;
  render: DiagramData;
  details: MessageDetails | null;
  close: null;
}

export type WorkerReply =
  | { id: number; kind: 'result'; result: unknown }
  | { id: number; kind: 'error'; message: string }
  | { id: number; kind: 'progress'; fraction: number };
