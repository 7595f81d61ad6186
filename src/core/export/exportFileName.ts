// Default file name of an export: `<trace>-<flow or dialog>.<ext>` (the save dialog's suggestion and the CLI's).
// Runs anywhere core runs.

export type ExportFormat = 'mermaid' | 'markdown' | 'report' | 'plantuml' | 'svg' | 'png' | 'html' | 'pcap';

export const EXPORT_EXTENSIONS: Record<ExportFormat, string> = {
  mermaid: '.mmd', markdown: '.md', report: '.md', plantuml: '.puml', svg: '.svg', png: '.png', html: '.html', pcap: '.pcap',
};

/** `session-replication-push-3gpp-replication-push.svg`; characters unsafe in file names become `_`. */
export function exportFileName(tracePath: string, format: ExportFormat, selection: { flow?: string; dialogs?: readonly string[] } = {}): string {
  const slash = Math.max(tracePath.lastIndexOf('/'), tracePath.lastIndexOf('\\'));
  const file = tracePath.slice(slash + 1);
  const dot = file.lastIndexOf('.');
  const base = dot > 0 ? file.slice(0, dot) : file;
  const dialogs = selection.dialogs ?? [];
  // A flow instance `id#2` reads as `id-2`; several dialogs are counted rather than listed.
  const what = selection.flow?.replace('#', '-') ?? (dialogs.length === 1 ? dialogs[0] : dialogs.length > 1 ? `${dialogs.length}-dialogs` : '');
  const safe = what.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 60);
  return `${base || 'trace'}${safe ? `-${safe}` : ''}${format === 'report' ? '-report' : ''}${EXPORT_EXTENSIONS[format]}`;
}
