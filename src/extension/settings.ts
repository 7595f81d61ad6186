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
  // The verdicts above the diagram come from the checked flows and the correlation headers.
  return ['participantNames', 'diagram', 'check', 'correlationHeaders'].some((key) => event.affectsConfiguration(`${SETTINGS_SECTION}.${key}`));
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

/** Captures bigger than this (MB) open only after the user chooses "Open Anyway"; 0 turns the question off. */
export function maxFileSizeMB(scope?: vscode.Uri): number {
  const value = vscode.workspace.getConfiguration(SETTINGS_SECTION, scope).get<number>('maxFileSizeMB', 200);
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : 200;
}
