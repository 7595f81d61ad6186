// Extension-host side of the trace worker: one worker thread per open trace, so cancelling a big parse is
// just terminating that thread. Falls back to parsing on the host when the worker bundle is missing.
import { startTraceWorker, type TraceWorkerHandle } from './workerLauncher';
import { TraceStore } from './traceStore';
import { answerTraceRequest } from './traceRequests';
import type { WorkerReply, WorkerRequest, WorkerResults } from './traceWorkerProtocol';

/** A request before the client numbers it (Omit distributed over the union, so `op` still narrows). */
type UnnumberedRequest = WorkerRequest extends infer R ? (R extends WorkerRequest ? Omit<R, 'id'> : never) : never;

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  onProgress?: (fraction: number) => void;
}

export class CancelledError extends Error {
  constructor() { super('cancelled'); }
}

export class TraceWorkerClient {
  private worker: TraceWorkerHandle | null = null;
  private fallback: TraceStore | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private disposed = false;

  constructor(private readonly workerPath: string, private readonly log: (line: string) => void) {}

  /** Whether requests run in a worker thread (false: on the host, because the bundle is missing). */
  get threaded(): boolean {
    return this.ensureRunner() === 'worker';
  }

  request<R extends UnnumberedRequest>(request: R, options: { onProgress?: (fraction: number) => void; signal?: AbortSignal } = {}): Promise<WorkerResults[R['op']]> {
    if (this.disposed) return Promise.reject(new Error('the trace worker was closed'));
    const id = this.nextId++;
    const full = { ...request, id } as WorkerRequest;
    return new Promise<WorkerResults[R['op']]>((resolve, reject) => {
      const signal = options.signal;
      const onAbort = (): void => this.cancel();
      // The abort listener lives as long as this request: aborting later must not kill other work.
      const settle = (): void => signal?.removeEventListener('abort', onAbort);
      this.pending.set(id, {
        resolve: (value) => { settle(); (resolve as (value: unknown) => void)(value); },
        reject: (error) => { settle(); reject(error); },
        onProgress: options.onProgress,
      });
      if (signal?.aborted) {
        queueMicrotask(onAbort);
      } else {
        signal?.addEventListener('abort', onAbort, { once: true });
      }
      if (this.ensureRunner() === 'worker') {
        // Transfer nothing: the caller may still need its bytes (and a copy of a capture is cheap next to parsing it).
        this.worker!.postMessage(full);
      } else {
        const store = this.fallback!;
        setImmediate(() => answerTraceRequest(store, full, (reply) => this.onReply(reply)));
      }
    });
  }

  /** Stops whatever the worker is doing; pending requests reject with CancelledError, loaded traces are lost. */
  cancel(): void {
    const worker = this.worker;
    this.worker = null;
    if (worker) void worker.terminate();
    this.fallback = null;
    this.rejectAll(new CancelledError());
  }

  dispose(): void {
    this.disposed = true;
    this.cancel();
  }

  private ensureRunner(): 'worker' | 'host' {
    if (this.worker) return 'worker';
    if (this.fallback) return 'host';
    // worker_threads in the Node host, a Web Worker in the web build (see workerLauncher.ts).
    const worker = startTraceWorker(this.workerPath, {
      log: this.log,
      onReply: (reply: WorkerReply) => this.onReply(reply),
      onError: (error) => {
        this.log(`trace worker failed: ${error.message}`);
        if (this.worker === worker) this.worker = null;
        this.rejectAll(error);
      },
      onExit: (code) => {
        if (this.worker === worker) {
          this.worker = null;
          if (code !== 0) this.rejectAll(new Error(`the trace worker stopped (exit code ${code})`));
        }
      },
    });
    if (worker) {
      this.worker = worker;
      return 'worker';
    }
    this.log(`${this.workerPath} is missing: traces are parsed on the extension host's main thread`);
    this.fallback = new TraceStore();
    return 'host';
  }

  private onReply(reply: WorkerReply): void {
    const pending = this.pending.get(reply.id);
    if (!pending) return;
    if (reply.kind === 'progress') {
      pending.onProgress?.(reply.fraction);
      return;
    }
    this.pending.delete(reply.id);
    if (reply.kind === 'result') pending.resolve(reply.result);
    else pending.reject(new Error(reply.message));
  }

  private rejectAll(error: Error): void {
    const all = [...this.pending.values()];
    this.pending.clear();
    for (const p of all) p.reject(error);
  }
}
