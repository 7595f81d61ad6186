// The status-bar item with the checker's verdict on the active trace (text trace, capture editor or decoded view);
// clicking it opens the Problems panel.
import * as vscode from 'vscode';
import { minimumSeverity } from './analysisSettings';
import { activeCapture, decodedKey, DECODED_SCHEME } from './decodedMessages';
import type { AnalysedTrace, TraceAnalyser } from './traceAnalyser';
import type { TraceDiagnostics } from './traceDiagnostics';
import { verdictOf } from './traceVerdict';

export const VERDICT_ITEM_ID = 'sipTrail.verdict';

export class VerdictStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem(VERDICT_ITEM_ID, vscode.StatusBarAlignment.Left, 50);
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly analyser: TraceAnalyser, private readonly diagnostics: TraceDiagnostics) {
    this.item.name = 'SIP Trail Verdict';
    this.item.command = 'workbench.actions.view.problems';
    this.disposables.push(
      this.item,
      analyser.onDidAnalyse(() => this.update()),
      vscode.window.onDidChangeActiveTextEditor(() => this.update()),
      vscode.window.tabGroups.onDidChangeTabs(() => this.update()),
      vscode.window.tabGroups.onDidChangeTabGroups(() => this.update()),
    );
    this.update();
  }

  /** The key of the trace the user is looking at, or null. */
  private activeKey(): string | null {
    const capture = activeCapture();
    if (capture) return capture.toString();
    const editor = vscode.window.activeTextEditor;
    if (!editor) return null;
    const document = editor.document;
    if (document.uri.scheme === DECODED_SCHEME) return decodedKey(document.uri);
    return this.diagnostics.isTraceDocument(document) ? document.uri.toString() : null;
  }

  private update(): void {
    const key = this.activeKey();
    const trace = key ? this.analyser.get(key) : undefined;
    if (!trace) {
      this.item.hide();
      return;
    }
    this.show(trace);
  }

  private show(trace: AnalysedTrace): void {
    const scope = trace.source.kind === 'text' ? trace.source.document.uri : trace.source.kind === 'capture' ? trace.source.uri : trace.source.uris[0];
    const v = verdictOf(trace.analysis, minimumSeverity(scope));
    const counts = [`${v.errors} error${v.errors === 1 ? '' : 's'}`, `${v.warnings} warning${v.warnings === 1 ? '' : 's'}`];
    if (v.verdict === 'fail') {
      this.item.text = `$(error) SIP Trail: fail (${counts.join(', ')})`;
      this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
    } else if (v.verdict === 'pass') {
      this.item.text = `$(pass) SIP Trail: pass (${v.instances} flow instance${v.instances === 1 ? '' : 's'}${v.warnings ? `, ${counts[1]}` : ''})`;
      this.item.backgroundColor = v.warnings ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    } else {
      this.item.text = `$(info) SIP Trail: no flow found (${counts.join(', ')})`;
      this.item.backgroundColor = v.errors ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
    }
    const tooltip = new vscode.MarkdownString();
    tooltip.appendText(`${trace.info.fileName}: ${trace.analysis.messages.length} SIP messages, ${trace.analysis.dialogs.length} dialogs\n\n`);
    for (const i of trace.analysis.report.flows) tooltip.appendText(`${i.flow} #${i.instance}: ${i.verdict}\n\n`);
    tooltip.appendText('Click to open the Problems panel.');
    this.item.tooltip = tooltip;
    this.item.accessibilityInformation = { label: this.item.text.replace(/\$\([a-z-]+\) /, ''), role: 'button' };
    this.item.show();
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
