// The web build's way to start a trace worker (VS Code for the Web: the extension host is itself a Web Worker).
// esbuild swaps ../workerLauncher.ts for this file in dist/web/extension.js. The worker is a nested Web Worker
// running dist/web/traceWorker.js; its script is read through vscode.workspace.fs and started from a blob: URL,
// because the web extension host refuses `new Worker` on vscode-remote: URIs and a remote extension's files
// are only reachable through the file system. Where no Web Worker can be started (no Worker in this host, the
// script will not load), requests are answered on the extension host's own worker thread, one per task, so the
// workbench UI thread is never the one parsing.
import * as vscode from 'vscode';
import { TraceStore } from '../traceStore';
import { answerTraceRequest } from '../traceRequests';
import type { WorkerReply, WorkerRequest } from '../traceWorkerProtocol';
import type { TraceWorkerEvents, TraceWorkerHandle } from '../workerLauncher';

export type { TraceWorkerEvents, TraceWorkerHandle };

/** The parts of the Web Worker API used here (the extension's tsconfig has no DOM/webworker lib). */
interface WebWorker {
  postMessage(message: unknown): void;
  terminate(): void;
  onmessage: ((event: { data: unknown }) => void) | null;
  onerror: ((event: { message?: string; preventDefault?(): void }) => void) | null;
  onmessageerror: ((event: unknown) => void) | null;
}
type WebWorkerConstructor = new (url: string, options?: { name?: string }) => WebWorker;

let scriptUri: vscode.Uri | null = null;
let scriptUrl: Promise<string> | null = null;
/** Set once a Web Worker failed before answering anything: later traces are parsed on this thread. */
let workersUnusable: string | null = null;

/** Called by the web entry's activate(): where dist/web/traceWorker.js is. */
export function configureWebTraceWorker(extensionUri: vscode.Uri): void {
  scriptUri = vscode.Uri.joinPath(extensionUri, 'dist', 'web', 'traceWorker.js');
  scriptUrl = null;
}

/** `workerPath` (the Node bundle's path) is not used: the web worker script comes from configureWebTraceWorker. */
export function startTraceWorker(_workerPath: string, events: TraceWorkerEvents): TraceWorkerHandle | null {
  const WorkerCtor = (globalThis as { Worker?: WebWorkerConstructor }).Worker;
  if (!WorkerCtor || !scriptUri || workersUnusable !== null) {
    events.log?.(`no Web Worker (${!WorkerCtor ? 'this host has no Worker' : workersUnusable ?? 'no worker script'}): traces are parsed on the extension host's worker thread`);
    return startInline(events);
  }
  return startWebWorker(WorkerCtor, scriptUri, events);
}

function startWebWorker(WorkerCtor: WebWorkerConstructor, script: vscode.Uri, events: TraceWorkerEvents): TraceWorkerHandle {
  /** Requests posted before the worker's first reply: replayed on this thread if the worker never starts. */
  let unanswered: WorkerRequest[] | null = [];
  let worker: WebWorker | null = null;
  let inline: TraceWorkerHandle | null = null;
  let terminated = false;
  const fail = (message: string): void => {
    if (terminated || inline) return;
    worker?.terminate();
    worker = null;
    if (unanswered) {
      // Nothing was answered yet, so nothing is lost by starting over here (the worker's store was empty).
      workersUnusable ??= message;
      events.log?.(`Web Worker unusable (${message}): traces are parsed on the extension host's worker thread`);
      inline = startInline(events);
      for (const request of unanswered.splice(0)) inline.postMessage(request);
      return;
    }
    events.onError(new Error(message));
  };
  scriptUrl ??= loadScriptUrl(script);
  scriptUrl.then((url) => {
    if (terminated || inline) return;
    const started = new WorkerCtor(url, { name: 'siptrail trace worker' });
    started.onmessage = (event) => {
      unanswered = null;
      events.onReply(event.data as WorkerReply);
    };
    started.onerror = (event) => {
      event.preventDefault?.();
      fail(`trace worker failed: ${event.message ?? 'script error'}`);
    };
    started.onmessageerror = () => fail('trace worker sent a message that could not be read');
    worker = started;
    events.log?.(`traces are parsed in a Web Worker (${script.path.slice(script.path.lastIndexOf('/dist/') + 1)})`);
    for (const request of unanswered ?? []) started.postMessage(request);
  }).catch((error: unknown) => {
    scriptUrl = null;
    fail(`cannot start it: ${error instanceof Error ? error.message : String(error)}`);
  });
  return {
    postMessage(request) {
      if (inline) {
        inline.postMessage(request);
        return;
      }
      unanswered?.push(request);
      worker?.postMessage(request);
    },
    terminate() {
      terminated = true;
      worker?.terminate();
      worker = null;
      inline?.terminate();
    },
  };
}

async function loadScriptUrl(script: vscode.Uri): Promise<string> {
  const bytes = await vscode.workspace.fs.readFile(script);
  return URL.createObjectURL(new Blob([bytes], { type: 'text/javascript' }));
}

/** Requests answered on this thread, each in its own task so cancellation and other events get a turn. */
function startInline(events: TraceWorkerEvents): TraceWorkerHandle {
  let store: TraceStore | null = new TraceStore();
  return {
    postMessage(request) {
      setTimeout(() => {
        if (store) answerTraceRequest(store, request, (reply) => { if (store) events.onReply(reply); });
      }, 0);
    },
    terminate() { store = null; },
  };
}
