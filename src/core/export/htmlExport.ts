// One self-contained HTML file: the pre-rendered diagram (inline SVG), the message details on click, verdicts and
// findings. Opens offline: CSP `default-src 'none'`, the only script is inline with a nonce, and trace data travels
// only inside a JSON element (escaped so it cannot end the element) that the script reads with JSON.parse and
// writes with textContent. Runs anywhere core runs; the caller renders the SVG and supplies the nonce.
import type { TraceInfo } from '../report/checkReport';
import type { ParticipantNaming } from '../render/participants';
import { decodeUtf8 } from '../util/bytes';
import type { DiagramParts } from './diagramParts';
import type { ExportView } from './exportSelection';
import { findingMessages, messageRows } from './exportTables';
import { escapeHtml, jsonForScript } from './htmlText';

export interface HtmlExportOptions extends ParticipantNaming {
  trace: TraceInfo;
  /**
   * Mermaid's SVG for each diagram part, in order (serialised with XMLSerializer). Trusted: it is mermaid's output
   * under securityLevel 'strict', where every trace string arrived escaped.
   */
  svgs: readonly string[];
  /** Base64 nonce for the inline script (fresh random bytes per file). */
  nonce: string;
}

/** Details of each drawn message, keyed by `SipMessage.index`, and each part's arrows in drawing order. */
export interface HtmlExportData {
  parts: number[][];
  messages: Record<string, { step: string; title: string; from: string; to: string; time: string; at: string; raw: string }>;
}

// Fixed code, no trace text: maps the n-th arrow label of a part to the n-th message of that part (mermaid gives
// arrows no ids, mermaid#1279) and shows the message with textContent.
const SCRIPT = `(() => {
  const data = JSON.parse(document.getElementById('siptrail-data').textContent);
  const head = document.getElementById('details-head');
  const raw = document.getElementById('details-raw');
  const pane = document.getElementById('details');
  function show(index, label) {
    const m = data.messages[String(index)];
    if (!m) return;
    head.textContent = m.step + '. ' + m.title + ' \\u2014 ' + m.from + ' \\u2192 ' + m.to + (m.time ? ' (' + m.time + ')' : '') + ', ' + m.at;
    raw.textContent = m.raw;
    pane.hidden = false;
    for (const e of document.querySelectorAll('.selected')) e.classList.remove('selected');
    label.classList.add('selected');
  }
  document.querySelectorAll('.diagram-part').forEach((part, p) => {
    const arrows = data.parts[p] || [];
    const labels = part.querySelectorAll('text.messageText');
    const lines = part.querySelectorAll('.messageLine0, .messageLine1');
    labels.forEach((label, k) => {
      const index = arrows[k];
      for (const el of [label, lines[k]]) {
        if (!el) continue;
        el.setAttribute('tabindex', '0');
        el.setAttribute('role', 'button');
        el.setAttribute('data-message', String(index));
        el.addEventListener('click', () => show(index, label));
        el.addEventListener('keydown', (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); show(index, label); } });
      }
    });
  });
})();`;

const STYLE = `body { font-family: Arial, Helvetica, sans-serif; margin: 1.5em; color: #1f2328; background: #fff; }
h1 { font-size: 1.4em; } h2 { font-size: 1.15em; margin-top: 1.5em; }
.diagram-part { overflow-x: auto; border: 1px solid #d0d7de; padding: 0.5em; margin: 0.5em 0; }
.diagram-part text.messageText, .diagram-part .messageLine0, .diagram-part .messageLine1 { cursor: pointer; pointer-events: all; }
.diagram-part text.messageText.selected { font-weight: bold; text-decoration: underline; }
table { border-collapse: collapse; font-size: 0.9em; } th, td { border: 1px solid #d0d7de; padding: 0.25em 0.5em; text-align: left; vertical-align: top; }
.error { color: #b42318; } .warning { color: #9a6700; } .pass { color: #1a7f37; } .fail { color: #b42318; }
#details { position: sticky; bottom: 0; background: #f6f8fa; border: 1px solid #d0d7de; padding: 0.5em; max-height: 45vh; overflow: auto; }
#details-raw { white-space: pre-wrap; word-break: break-all; font-family: monospace; margin: 0; }
.note { font-style: italic; }`;

export function htmlExport(view: ExportView, diagram: DiagramParts, options: HtmlExportOptions): string {
  const rows = messageRows(view, options);
  const byIndex = new Map(view.messages.map((m) => [m.index, m]));
  const data: HtmlExportData = { parts: diagram.parts.map((p) => p.model.arrows.slice()), messages: {} };
  for (const r of rows) {
    const m = byIndex.get(r.index)!;
    data.messages[String(r.index)] = { step: r.step, title: r.message, from: r.from, to: r.to, time: r.time, at: r.at, raw: decodeUtf8(m.raw) };
  }
  const nonce = escapeHtml(options.nonce);
  const title = `SIP call flow: ${options.trace.path}${view.title ? ` (${view.title})` : ''}`;
  const out: string[] = [];
  out.push('<!DOCTYPE html>', '<html lang="en">', '<head>', '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'nonce-${nonce}'; style-src 'unsafe-inline'; img-src data:">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title>`, `<style>${STYLE}</style>`, '</head>', '<body>');
  out.push(`<h1>${escapeHtml(title)}</h1>`);
  out.push(`<p>${escapeHtml(`${options.trace.format}${options.trace.packets !== null ? `, ${options.trace.packets} packets` : ''}; ${view.messages.length} message(s) shown${view.hiddenMessages ? `, ${view.hiddenMessages} hidden by the filter or the end-to-end view` : ''}. Click an arrow to see its message.`)}</p>`);
  if (view.instances.length > 0) {
    out.push('<h2>Verdicts</h2>', '<table><thead><tr><th>Flow</th><th>Instance</th><th>Verdict</th><th>Findings</th></tr></thead><tbody>');
    for (const i of view.instances) {
      out.push(`<tr><td>${escapeHtml(i.flow)}${view.instance === i ? ' (shown)' : ''}</td><td>${i.instance}</td><td class="${i.verdict}">${i.verdict}</td><td>${i.findings.length}</td></tr>`);
    }
    out.push('</tbody></table>');
  }
  out.push('<h2>Diagram</h2>');
  if (diagram.splitNote) out.push(`<p class="note">${escapeHtml(diagram.splitNote)}</p>`);
  diagram.parts.forEach((_, i) => {
    if (diagram.parts.length > 1) out.push(`<h3>Part ${i + 1} of ${diagram.parts.length}</h3>`);
    out.push(`<div class="diagram-part">${options.svgs[i] ?? '<p>(diagram not rendered)</p>'}</div>`);
  });
  out.push('<h2>Findings</h2>');
  if (view.findings.length === 0) out.push('<p>No findings.</p>');
  else {
    out.push('<ul id="findings">');
    for (const f of view.findings) {
      const about = f.messages.length ? ` (messages ${findingMessages(view, f.messages)})` : '';
      out.push(`<li class="${f.severity}"><strong>${f.severity}</strong> <code>${escapeHtml(f.code)}</code>: ${escapeHtml(f.message)}${escapeHtml(about)}</li>`);
    }
    out.push('</ul>');
  }
  out.push('<div id="details" hidden><div id="details-head"></div><pre id="details-raw"></pre></div>');
  out.push(`<script type="application/json" id="siptrail-data">${jsonForScript(data)}</script>`);
  out.push(`<script nonce="${nonce}">${SCRIPT}</script>`, '</body>', '</html>');
  return out.join('\n') + '\n';
}
