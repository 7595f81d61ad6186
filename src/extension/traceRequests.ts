// Dispatches one worker request to the trace store. Shared by the worker thread and the in-process fallback.
import type { TraceStore } from './traceStore';
import { exportDiagram } from './diagramExport';
import type { WorkerReply, WorkerRequest } from './traceWorkerProtocol';

export function answerTraceRequest(store: TraceStore, request: WorkerRequest, post: (reply: WorkerReply) => void): void {
  try {
    let result: unknown;
    switch (request.op) {
      case 'openCapture': {
        let last = 0;
        result = store.openCapture(request.traceId, request.fileName, request.bytes, (fraction) => {
          // One progress message per ~5 %, not one per chunk.
          if (fraction - last >= 0.05 || fraction === 1) {
            last = fraction;
            post({ id: request.id, kind: 'progress', fraction });
          }
        });
        break;
      }
      case 'openText': result = store.openText(request.traceId, request.fileName, request.text); break;
      case 'openMerged': result = store.openMerged(request.traceId, request.files); break;
      case 'render': result = store.render(request.traceId, request.options); break;
      case 'analyse': {
        const analysis = store.analyse(request.traceId, request.options);
        result = request.summaries === false ? { ...analysis, messages: [] } : analysis;
        break;
      }
      case 'summaries': {
        const all = store.analyse(request.traceId, request.options).messages;
        result = { total: all.length, messages: all.slice(request.from, request.from + request.count) };
        break;
      }
      case 'search': result = store.search(request.traceId, request.options); break;
      case 'export': result = exportDiagram(store, request.traceId, request.options); break;
      case 'details': result = store.details(request.traceId, request.messageIndex); break;
      case 'close': store.close(request.traceId); result = null; break;
    }
    post({ id: request.id, kind: 'result', result });
  } catch (error) {
    post({ id: request.id, kind: 'error', message: error instanceof Error ? error.message : String(error) });
  }
}
