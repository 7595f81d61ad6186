// The trace worker of the web build (dist/web/traceWorker.js): a Web Worker started by web/workerLauncher.ts.
// Same requests and replies as the worker_threads worker (../traceWorker.ts), answered one at a time, in order.
import { TraceStore } from '../traceStore';
import { answerTraceRequest } from '../traceRequests';
import type { WorkerReply, WorkerRequest } from '../traceWorkerProtocol';

/** The Web Worker global scope, as far as it is used here (no webworker lib in this tsconfig). */
interface WorkerScope {
  onmessage: ((event: { data: WorkerRequest }) => void) | null;
  postMessage(reply: WorkerReply): void;
}

const scope = globalThis as unknown as WorkerScope;
const store = new TraceStore();
scope.onmessage = (event) => answerTraceRequest(store, event.data, (reply) => scope.postMessage(reply));
