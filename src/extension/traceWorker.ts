// This runs in a worker thread of the extension host (bundled by esbuild as dist/traceWorker.js): parsing and
// rendering big traces here keeps the editor responsive. Requests are answered one at a time, in order.
import { parentPort } from 'node:worker_threads';
import { TraceStore } from './traceStore';
import { answerTraceRequest } from './traceRequests';
import type { WorkerRequest } from './traceWorkerProtocol';

const port = parentPort;
if (port) {
  const store = new TraceStore();
  port.on('message', (request: WorkerRequest) => answerTraceRequest(store, request, (reply) => port.postMessage(reply)));
}
