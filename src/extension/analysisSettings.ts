// The settings the checker and the diagnostics read (sipTrail.check.flows, sipTrail.diagnostics.minimumSeverity,
// sipTrail.correlationHeaders) and the workspace's own flow files (.siptrail/flows/*.yaml, read as data).
import * as vscode from 'vscode';
import type { Severity } from '../core/model/finding';
import type { AnalyseOptions } from './traceWorkerProtocol';

const SECTION = 'sipTrail';
export const USER_FLOW_GLOB = '.siptrail/flows/*.{yaml,yml}';
/** Flow files bigger than this are not flows; they are left out (and said so in the log). */
const MAX_FLOW_FILE_BYTES = 1 << 20;

export function minimumSeverity(scope?: vscode.Uri): Severity {
  const value = vscode.workspace.getConfiguration(SECTION, scope).get<string>('diagnostics.minimumSeverity', 'info');
  return value === 'error' || value === 'warning' ? value : 'info';
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string' && v.trim() !== '').map((v) => v.trim()) : [];
}

/** Whether a configuration change touches what the analysis computes or shows. */
export function affectsAnalysis(event: vscode.ConfigurationChangeEvent): boolean {
  return ['check', 'diagnostics', 'correlationHeaders'].some((key) => event.affectsConfiguration(`${SECTION}.${key}`));
}

/** Reads workspace flow files once; the watcher in `UserFlows` drops the cache when one changes. */
export class UserFlows implements vscode.Disposable {
  private cache: Promise<AnalyseOptions['userFlows']> | null = null;
  private readonly watcher: vscode.FileSystemWatcher;
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;

  constructor(private readonly log: vscode.LogOutputChannel) {
    this.watcher = vscode.workspace.createFileSystemWatcher(`**/${USER_FLOW_GLOB}`);
    const drop = (): void => {
      this.cache = null;
      this.changed.fire();
    };
    this.watcher.onDidChange(drop);
    this.watcher.onDidCreate(drop);
    this.watcher.onDidDelete(drop);
  }

  read(): Promise<AnalyseOptions['userFlows']> {
    this.cache ??= this.load();
    return this.cache;
  }

  private async load(): Promise<AnalyseOptions['userFlows']> {
    const out: AnalyseOptions['userFlows'] = [];
    if (!vscode.workspace.workspaceFolders?.length) return out;
    try {
      const files = await vscode.workspace.findFiles(USER_FLOW_GLOB, undefined, 200);
      files.sort((a, b) => a.toString().localeCompare(b.toString()));
      for (const uri of files) {
        try {
          const bytes = await vscode.workspace.fs.readFile(uri);
          if (bytes.length > MAX_FLOW_FILE_BYTES) {
            this.log.warn(`${uri.fsPath || uri.toString()}: ${bytes.length} bytes is too big for a flow file; left out`);
            continue;
          }
          out.push({ path: vscode.workspace.asRelativePath(uri), text: new TextDecoder('utf-8').decode(bytes) });
        } catch (error) {
          this.log.warn(`${uri.toString()}: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
    } catch (error) {
      this.log.warn(`workspace flows: ${error instanceof Error ? error.message : String(error)}`);
    }
    return out;
  }

  dispose(): void {
    this.watcher.dispose();
    this.changed.dispose();
  }
}

export async function analyseOptions(flows: UserFlows, scope?: vscode.Uri): Promise<AnalyseOptions> {
  const config = vscode.workspace.getConfiguration(SECTION, scope);
  return {
    flowIds: stringList(config.get('check.flows')),
    userFlows: await flows.read(),
    correlationHeaders: stringList(config.get('correlationHeaders')),
  };
}
