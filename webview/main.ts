// This runs in the diagram webview (browser). It announces itself with 'ready' (handing over the view state it
// restored), receives the diagram as message data, draws it with mermaid, and maps clicks on the arrows back to
// messages by drawing order (mermaid#1279: arrows carry no ids). Trace text only ever reaches the DOM through
// textContent or inside mermaid's sanitized SVG.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-progress-ring/index.js';
import '@vscode-elements/elements/dist/vscode-split-layout/index.js';
import type {
  DiagramData, DiagramFilter, DiagramSelection, DiagramViewState, ExportImageRequest, FromWebviewMessage, MessageDetails,
  ReplyOf, RequestMessage, ToWebviewMessage,
} from '../src/protocol/messages';
import { renderDiagram, themeFromBody, timeBareRender, type DiagramTheme } from './diagram';
import { exportPng, exportSvg } from './exportImage';
import { pinLifelines, type PinnedLifelines } from './stickyLifelines';

interface VsCodeApi {
  postMessage(message: FromWebviewMessage): void;
  getState(): DiagramViewState | undefined;
  setState(state: DiagramViewState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();

function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`#${id} is missing from the page`);
  return element as T;
}

interface Checkbox extends HTMLElement { checked: boolean }
interface Button extends HTMLElement { disabled: boolean }

const ui = {
  title: byId('trace-title'),
  status: byId('status'),
  pageLabel: byId('page-label'),
  prev: byId<Button>('page-prev'),
  next: byId<Button>('page-next'),
  hideTrying: byId<Checkbox>('hide-trying'),
  hideProvisionalNotify: byId<Checkbox>('hide-provisional-notify'),
  hideDuplicates: byId<Checkbox>('hide-duplicates'),
  endToEnd: byId<Checkbox>('end-to-end'),
  pickSelection: byId<Button>('pick-selection'),
  exportButton: byId<Button>('export'),
  verdicts: byId('verdicts'),
  selectionBar: byId('selection-bar'),
  selectionTitle: byId('selection-title'),
  showAll: byId<Button>('show-all'),
  notices: byId('notices'),
  tooLarge: byId('too-large'),
  tooLargeText: byId('too-large-text'),
  openAnyway: byId<Button>('open-anyway'),
  pane: byId('diagram-pane'),
  progress: byId('progress'),
  progressLabel: byId('progress-label'),
  error: byId('diagram-error'),
  diagram: byId('diagram'),
  lifelines: byId('lifelines'),
  detailsHeader: byId('details-header'),
  detailsRaw: byId('details-raw'),
};

let state: DiagramViewState = restoredState(vscode.getState());
let current: DiagramData | null = null;
let drawnTheme: DiagramTheme | null = null;
let arrowLabels: SVGTextElement[] = [];
let arrowLines: SVGElement[] = [];
let scrollRestored = false;
let pinned: PinnedLifelines | null = null;
/** The drawn SVG whose lifeline row is not pinned yet. */
let pinSource: SVGSVGElement | null = null;

function ensurePinned(): PinnedLifelines | null {
  if (pinSource?.isConnected) pinned = pinLifelines(ui.pane, ui.lifelines, pinSource);
  pinSource = null;
  return pinned;
}
/** Pages drawn so far (data-render-seq on the diagram element: a test waits for the next one). */
let renderSeq = 0;

function restoredState(saved: DiagramViewState | undefined): DiagramViewState {
  return {
    page: typeof saved?.page === 'number' ? saved.page : 0,
    filter: saved?.filter ?? {},
    selection: saved?.selection,
    selectedMessage: typeof saved?.selectedMessage === 'number' ? saved.selectedMessage : null,
    scrollLeft: saved?.scrollLeft ?? 0,
    scrollTop: saved?.scrollTop ?? 0,
  };
}

function saveState(patch: Partial<DiagramViewState>): void {
  state = { ...state, ...patch };
  vscode.setState(state);
}

// ── errors: shown as text, reported to the host, and logged so tests see them ──

function reportError(message: string): void {
  console.error(`[sip-trail webview] ${message}`);
  vscode.postMessage({ type: 'webviewError', message });
}
window.addEventListener('error', (event) => reportError(event.message || String(event.error)));
window.addEventListener('unhandledrejection', (event) => reportError(String(event.reason)));
document.addEventListener('securitypolicyviolation', (event) => {
  reportError(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI || 'inline content'}`);
});

function showError(text: string): void {
  ui.error.textContent = text;
  ui.error.hidden = false;
}

function clearError(): void {
  ui.error.textContent = '';
  ui.error.hidden = true;
}

// ── request/reply ──

let nextRequestId = 1;
const waiting = new Map<number, (reply: ToWebviewMessage) => void>();
/** When each request left (performance.now()), so a page's draw can say how long it took from the click. */
const requestedAt = new Map<number, number>();

type Unnumbered<M> = M extends RequestMessage ? Omit<M, 'requestId'> : never;
function request<M extends Unnumbered<RequestMessage>>(message: M): Promise<ReplyOf[M['type']]> {
  const requestId = nextRequestId++;
  return new Promise((resolve) => {
    waiting.set(requestId, resolve as (reply: ToWebviewMessage) => void);
    requestedAt.set(requestId, performance.now());
    vscode.postMessage({ ...message, requestId } as FromWebviewMessage);
  });
}

window.addEventListener('message', (event: MessageEvent<ToWebviewMessage>) => {
  const message = event.data;
  if (!message || typeof message !== 'object') return;
  const receivedAt = performance.now();
  let sentAt: number | null = null;
  if ('inReplyTo' in message && message.inReplyTo !== undefined) {
    const resolve = waiting.get(message.inReplyTo);
    waiting.delete(message.inReplyTo);
    sentAt = requestedAt.get(message.inReplyTo) ?? null;
    requestedAt.delete(message.inReplyTo);
    resolve?.(message);
  }
  switch (message.type) {
    case 'diagram': void showDiagram(message.diagram, { receivedAt, requestedAt: sentAt }); break;
    case 'progress': showProgress(message.fraction, message.label); break;
    case 'traceError': hideProgress(); showError(message.message); break;
    case 'tooLarge': showTooLarge(message.fileName, message.sizeMB, message.limitMB); break;
    case 'exportImage': void answerExport(message); break;
    case 'messageDetails': break;
    case 'measureRender': void measureRender(message.runs); break;
  }
});

/** The page on screen drawn both ways in turn: a bare mermaid.render of its source, then the webview's own draw. */
async function measureRender(runs: number): Promise<void> {
  const d = current;
  if (!d || d.arrows.length === 0) return;
  const bareRenderMs: number[] = [];
  const drawMs: number[] = [];
  for (let i = 0; i < Math.max(1, Math.min(10, Math.trunc(runs) || 1)); i++) {
    bareRenderMs.push(roundMs(await timeBareRender(d.text)));
    const drawn = await showDiagram(d, { receivedAt: performance.now(), requestedAt: null });
    if (drawn === null || current !== d) return; // another page arrived meanwhile: the figures would mix pages
    drawMs.push(drawn);
  }
  ui.diagram.dataset.bareRenderMs = bareRenderMs.join(',');
  ui.diagram.dataset.drawRunsMs = drawMs.join(',');
  ui.diagram.dataset.measuredPage = String(d.page);
  vscode.postMessage({ type: 'renderTiming', page: d.page, arrows: d.arrows.length, sourceLength: d.text.length, bareRenderMs, drawMs });
}

function roundMs(ms: number): number {
  return Math.round(ms * 10) / 10;
}

// ── toolbar ──

function currentFilter(): DiagramFilter {
  return {
    hideTrying: ui.hideTrying.checked,
    hideProvisionalNotify: ui.hideProvisionalNotify.checked,
    hideDuplicates: ui.hideDuplicates.checked,
  };
}

function askForPage(page: number): void {
  const filter = currentFilter();
  saveState({ page, filter });
  void request({ type: 'showPage', page, filter });
}

function currentSelection(): DiagramSelection {
  return current?.selection ?? state.selection ?? { flow: null, callIds: [], hops: true };
}

/** Draw another part of the trace (flow instance, dialogs) or the same part per hop / end-to-end. */
function askForSelection(selection: DiagramSelection): void {
  const filter = currentFilter();
  saveState({ page: 0, filter, selection });
  void request({ type: 'select', selection, filter });
}

ui.endToEnd.addEventListener('change', () => askForSelection({ ...currentSelection(), hops: !ui.endToEnd.checked }));
ui.showAll.addEventListener('click', () => askForSelection({ flow: null, callIds: [], hops: currentSelection().hops }));
ui.pickSelection.addEventListener('click', () => vscode.postMessage({ type: 'pickSelection' }));
ui.exportButton.addEventListener('click', () => vscode.postMessage({ type: 'export' }));
ui.openAnyway.addEventListener('click', () => {
  ui.tooLarge.hidden = true;
  vscode.postMessage({ type: 'openAnyway' });
});

function showTooLarge(fileName: string, sizeMB: number, limitMB: number): void {
  hideProgress();
  ui.tooLargeText.textContent = `${fileName} is ${sizeMB} MB, above the ${limitMB} MB set in sipTrail.maxFileSizeMB, so it was not read yet.`;
  ui.tooLarge.hidden = false;
}

/** Answers the host's export: a part of the selection (or the page on screen) as a standalone SVG or a PNG. */
async function answerExport(message: ExportImageRequest): Promise<void> {
  const reply = { type: 'exportImage' as const, inReplyTo: message.requestId, format: message.format };
  const source = typeof message.source === 'string' ? message.source : current && current.arrows.length > 0 ? current.text : null;
  if (source === null) {
    vscode.postMessage({ ...reply, data: null, width: 0, height: 0, error: 'there is no diagram to export' });
    return;
  }
  try {
    const image = message.format === 'png'
      ? await exportPng(source, message.scale, message.background)
      : await exportSvg(source, message.background);
    vscode.postMessage({ ...reply, data: image.data, width: image.width, height: image.height });
  } catch (error) {
    vscode.postMessage({ ...reply, data: null, width: 0, height: 0, error: error instanceof Error ? error.message : String(error) });
  }
}

/** Verdict per flow instance above the diagram; a click draws that instance (its steps numbered), again the whole trace. */
function showVerdicts(d: DiagramData): void {
  ui.verdicts.replaceChildren();
  ui.verdicts.hidden = d.verdicts.length === 0;
  for (const v of d.verdicts) {
    const chosen = d.selection.flow === v.ref;
    const button = document.createElement('button');
    button.type = 'button';
    button.className = `verdict verdict-${v.verdict}${chosen ? ' chosen' : ''}`;
    button.dataset.flow = v.ref;
    button.setAttribute('aria-pressed', String(chosen));
    button.textContent = `${v.verdict === 'pass' ? '✔' : '✖'} ${v.flow} #${v.instance}: ${v.verdict.toUpperCase()}${v.findings ? ` (${v.findings} finding${v.findings === 1 ? '' : 's'})` : ''}`;
    if (v.firstFinding) button.title = v.firstFinding;
    button.addEventListener('click', () => askForSelection({ flow: chosen ? null : v.ref, callIds: [], hops: d.selection.hops }));
    ui.verdicts.append(button);
  }
  const selected = d.selection.flow !== null || d.selection.callIds.length > 0;
  ui.selectionBar.hidden = !selected;
  ui.selectionTitle.textContent = selected ? `Showing ${d.title || 'a selection'}` : '';
  ui.notices.replaceChildren(...d.notices.map((text) => {
    const li = document.createElement('li');
    li.textContent = text;
    return li;
  }));
  ui.notices.hidden = d.notices.length === 0;
}

ui.prev.addEventListener('click', () => { if (current && current.page > 0) askForPage(current.page - 1); });
ui.next.addEventListener('click', () => { if (current && current.page < current.pageCount - 1) askForPage(current.page + 1); });
for (const box of [ui.hideTrying, ui.hideProvisionalNotify, ui.hideDuplicates]) {
  box.addEventListener('change', () => askForPage(0));
}

/** Shown until the diagram (or an error) replaces it; at 1 the label alone says what is still going on. */
function showProgress(fraction: number, label: string): void {
  ui.progress.hidden = false;
  ui.progressLabel.textContent = fraction >= 1 ? label : `${label} ${Math.round(fraction * 100)} %`;
}

function hideProgress(): void {
  ui.progress.hidden = true;
}

function describe(d: DiagramData): string {
  const f = d.trace.findings;
  const parts = [`${d.trace.messageCount} SIP messages (${d.trace.format})`];
  if (d.hiddenMessages) parts.push(`${d.hiddenMessages} hidden`);
  if (f.errors || f.warnings) parts.push(`${f.errors} errors, ${f.warnings} warnings`);
  return parts.join(' · ');
}

// ── the diagram ──

/** Draws a diagram; resolves to the milliseconds from `timing.receivedAt` to the wired SVG, or null when not drawn. */
async function showDiagram(d: DiagramData, timing: { receivedAt: number; requestedAt: number | null } = { receivedAt: performance.now(), requestedAt: null }): Promise<number | null> {
  current = d;
  hideProgress();
  clearError();
  ui.title.textContent = d.trace.fileName;
  ui.status.textContent = describe(d);
  ui.pageLabel.textContent = `Page ${d.page + 1} of ${d.pageCount}`;
  ui.prev.disabled = d.page === 0;
  ui.next.disabled = d.page >= d.pageCount - 1;
  ui.hideTrying.checked = d.filter.hideTrying === true;
  ui.hideProvisionalNotify.checked = d.filter.hideProvisionalNotify === true;
  ui.hideDuplicates.checked = d.filter.hideDuplicates === true;
  ui.endToEnd.checked = !d.selection.hops;
  ui.tooLarge.hidden = true;
  showVerdicts(d);
  saveState({ page: d.page, filter: d.filter, selection: d.selection, ...(d.focusMessage !== null ? { selectedMessage: d.focusMessage } : {}) });
  if (d.arrows.length === 0) {
    ui.diagram.textContent = '';
    ui.lifelines.replaceChildren();
    pinned = null;
    pinSource = null;
    arrowLabels = [];
    arrowLines = [];
    showError(d.shownMessages === 0 && d.hiddenMessages > 0
      ? `Every SIP message of ${d.trace.fileName} is hidden by the filters.`
      : `No SIP messages found in ${d.trace.fileName}.`);
    return null;
  }
  drawnTheme = themeFromBody();
  const outcome = await renderDiagram(ui.diagram, d.text);
  if (!outcome.ok) {
    if ('error' in outcome) {
      showError(`The diagram could not be drawn: ${outcome.error}`);
      reportError(`mermaid: ${outcome.error}`);
    }
    return null;
  }
  arrowLabels = outcome.labels;
  arrowLines = outcome.lines;
  if (arrowLabels.length !== d.arrows.length) {
    reportError(`mermaid drew ${arrowLabels.length} arrow labels for ${d.arrows.length} messages; clicks may pick the wrong message`);
  }
  wireArrows(d);
  wireLifelines(outcome.svg, d);
  if (!scrollRestored) {
    scrollRestored = true;
    ui.pane.scrollLeft = state.scrollLeft;
    ui.pane.scrollTop = state.scrollTop;
  }
  // The pinned copy of the lifeline row (a clone of the whole SVG, cropped) matters only once the pane scrolls:
  // built after this page is on screen, or at the first scroll.
  pinned = null;
  ui.lifelines.hidden = true;
  pinSource = outcome.svg;
  requestAnimationFrame(() => setTimeout(ensurePinned, 0));
  // How long this page took, for the host's log and the e2e performance test (no trace content).
  const drawnAt = performance.now();
  const drawMs = roundMs(drawnAt - timing.receivedAt);
  const openMs = timing.requestedAt === null ? null : roundMs(drawnAt - timing.requestedAt);
  Object.assign(ui.diagram.dataset, { page: String(d.page), drawMs: String(drawMs), openMs: openMs === null ? '' : String(openMs), renderSeq: String(++renderSeq) });
  vscode.postMessage({ type: 'rendered', arrows: arrowLabels.length, page: d.page, drawMs, openMs });
  const selected = d.focusMessage ?? state.selectedMessage;
  if (selected !== null && d.arrows.includes(selected)) {
    const order = d.arrows.indexOf(selected);
    void select(order, false);
    // Show in Call Flow: bring the arrow into view.
    if (d.focusMessage !== null) arrowLabels[order]?.scrollIntoView({ block: 'center', inline: 'center' });
  }
  return drawMs;
}

function wireArrows(d: DiagramData): void {
  arrowLabels.forEach((label, order) => {
    label.setAttribute('tabindex', '0');
    label.setAttribute('role', 'button');
    label.setAttribute('aria-label', `Message ${label.textContent ?? ''}`);
    label.dataset.messageIndex = String(d.arrows[order]);
    label.addEventListener('click', () => void select(order, true));
    label.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' || event.key === ' ') {
        event.preventDefault();
        void select(order, true);
      } else if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
        event.preventDefault();
        arrowLabels[Math.max(0, Math.min(arrowLabels.length - 1, order + (event.key === 'ArrowDown' ? 1 : -1)))]?.focus();
      }
    });
  });
  arrowLines.forEach((line, order) => {
    line.dataset.messageIndex = String(d.arrows[order]);
    line.addEventListener('click', () => void select(order, true));
  });
}

/** Lifeline boxes (top, bottom and the pinned copy) ask the host to rename that lifeline. */
function wireLifelines(svg: SVGSVGElement, d: DiagramData): void {
  const rename = (event: Event): void => {
    const target = event.target instanceof Element ? event.target.closest('[data-id], rect[name]') : null;
    const id = target?.getAttribute('data-id') ?? target?.getAttribute('name');
    if (id && d.participants.some((p) => p.id === id)) vscode.postMessage({ type: 'renameParticipant', participantId: id });
  };
  for (const root of [svg, ui.lifelines]) {
    for (const box of root.querySelectorAll<SVGElement>('rect.actor')) {
      const id = box.getAttribute('name');
      const participant = d.participants.find((p) => p.id === id);
      if (!participant) continue;
      box.setAttribute('role', 'button');
      box.setAttribute('aria-label', `Rename lifeline ${participant.name}`);
      if (root === svg && box.classList.contains('actor-top')) box.setAttribute('tabindex', '0');
      box.addEventListener('keydown', (event) => {
        if (event.key === 'Enter' || event.key === 'F2') rename(event);
      });
    }
  }
  ui.lifelines.onclick = rename;
  svg.addEventListener('click', (event) => {
    if (event.target instanceof Element && event.target.closest('rect.actor, text.actor')) rename(event);
  });
}

async function select(order: number, byUser: boolean): Promise<void> {
  if (!current) return;
  const messageIndex = current.arrows[order];
  arrowLabels.forEach((l, i) => l.classList.toggle('selected', i === order));
  arrowLines.forEach((l, i) => l.classList.toggle('selected', i === order));
  if (byUser) saveState({ selectedMessage: messageIndex });
  const reply = await request({ type: 'getMessage', messageIndex });
  showDetails(reply.details);
}

function showDetails(details: MessageDetails | null): void {
  ui.detailsHeader.textContent = '';
  if (!details) {
    ui.detailsHeader.textContent = 'This message is no longer in the trace.';
    ui.detailsRaw.textContent = '';
    return;
  }
  const summary = document.createElement('span');
  summary.className = 'details-summary';
  summary.textContent = [
    `${details.messageIndex + 1}. ${details.title}`,
    `${details.from} → ${details.to}`,
    details.time ?? 'no timestamp',
    details.location,
    `${details.byteLength} bytes${details.encoding === 'latin1' ? ' (not UTF-8, shown as Latin-1)' : ''}`,
  ].join(' · ');
  ui.detailsHeader.append(summary);
  if (current?.trace.kind === 'text' || current?.trace.kind === 'capture') {
    const reveal = document.createElement('vscode-button');
    reveal.setAttribute('secondary', '');
    reveal.id = 'reveal-in-trace';
    reveal.textContent = 'Reveal in trace';
    reveal.addEventListener('click', () => vscode.postMessage({ type: 'reveal', messageIndex: details.messageIndex }));
    ui.detailsHeader.append(reveal);
  }
  ui.detailsRaw.textContent = details.text;
  ui.detailsRaw.dataset.messageIndex = String(details.messageIndex);
}

// Scroll position survives the webview being hidden (getState/setState instead of retainContextWhenHidden).
let scrollTimer: ReturnType<typeof setTimeout> | undefined;
ui.pane.addEventListener('scroll', () => {
  ensurePinned()?.update();
  if (scrollTimer) clearTimeout(scrollTimer);
  scrollTimer = setTimeout(() => saveState({ scrollLeft: ui.pane.scrollLeft, scrollTop: ui.pane.scrollTop }), 200);
});

// VS Code swaps the body class when the colour theme changes: draw again in the new theme.
new MutationObserver(() => {
  if (current && drawnTheme !== null && themeFromBody() !== drawnTheme) void showDiagram(current);
}).observe(document.body, { attributes: true, attributeFilter: ['class'] });

vscode.postMessage({ type: 'ready', state: vscode.getState() ?? null });
