// The settings the diagram reads (contributes.configuration in package.json), with their defaults.
import * as vscode from 'vscode';

export interface DiagramSettings {
  participantNames: Record<string, string>;
  pageSize: number;
  showTimeOffsets: boolean;
}

export const SETTINGS_SECTION = 'sipTrail';

export function readDiagramSettings(scope?: vscode.Uri): DiagramSettings {
  const config = vscode.workspace.getConfiguration(SETTINGS_SECTION, scope);
  const names: Record<string, string> = {};
  const raw = config.get<unknown>('participantNames');
  if (raw && typeof raw === 'object') {
    for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
      if (typeof value === 'string' && value.trim()) names[key] = value;
    }
  }
  const pageSize = config.get<number>('diagram.pageSize', 300);
  return {
    participantNames: names,
    pageSize: Number.isFinite(pageSize) && pageSize >= 10 ? Math.min(Math.trunc(pageSize), 5000) : 300,
    showTimeOffsets: config.get<boolean>('diagram.showTimeOffsets', true) !== false,
  };
}

/** Whether a configuration change touches anything the diagram draws. */
export function affectsDiagram(event: vscode.ConfigurationChangeEvent): boolean {
  return event.affectsConfiguration(`${SETTINGS_SECTION}.participantNames`) || event.affectsConfiguration(`${SETTINGS_SECTION}.diagram`);
}

/**
 * Names the lifeline drawn for `keys` (its addresses) in `sipTrail.participantNames`, in the workspace when one
 * is open; an empty name removes the entries, so the lifeline is named from the trace again.
 */
export async function setParticipantName(keys: readonly string[], name: string, scope?: vscode.Uri): Promise<void> {
  const config = vscode.workspace.getConfiguration(SETTINGS_SECTION, scope);
  const names: Record<string, string> = { ...(config.get<Record<string, string>>('participantNames') ?? {}) };
  for (const key of keys) {
    if (name.trim()) names[key] = name.trim();
    else delete names[key];
  }
  const target = vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  await config.update('participantNames', names, target);
}
