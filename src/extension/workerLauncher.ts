// How the extension host starts a trace worker: here a worker_threads Worker from dist/traceWorker.js. The web
// build (VS Code for the Web) swaps this module for web/workerLauncher.ts, which starts a Web Worker instead;
// the rest of TraceWorkerClient is the same in both hosts.
import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import type { WorkerReply, WorkerRequest } from './traceWorkerProtocol';

/** A started trace worker, whatever runs it. */
export interface TraceWorkerHandle {
  postMessage(request: WorkerRequest): void;
  terminate(): void;
}

export interface TraceWorkerEvents {
  onReply(reply: WorkerReply): void;
  onError(error: Error): void;
  /** The worker stopped by itself (a non-zero code is a crash). */
  onExit(code: number): void;
  /** A line for the extension's log (how the worker runs, when that is worth knowing). */
  log?(line: string): void;
}

/** Starts the worker bundle at `workerPath`; null when the bundle is missing (the client then parses on the host). */
export function startTraceWorker(workerPath: string, events: TraceWorkerEvents): TraceWorkerHandle | null {
  if (!existsSync(workerPath)) return null;
  const worker = new Worker(workerPath);
  worker.on('message', (reply: WorkerReply) => events.onReply(reply));
  worker.on('error', (error) => events.onError(error));
  worker.on('exit', (code) => events.onExit(code));
  return { postMessage: (request) => worker.postMessage(request), terminate: () => void worker.terminate() };
}
