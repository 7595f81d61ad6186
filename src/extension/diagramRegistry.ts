// Open diagrams by trace, so commands find theirs: "Export Diagram…" the active one, "Show in Call Flow" (the
// CodeLens) the one of a trace, with its message selected once the diagram is drawn.
import type * as vscode from 'vscode';

export interface RegisteredDiagram {
  /** Every trace URI the diagram shows (a merged trace has several). */
  readonly traceUris: readonly vscode.Uri[];
  /** Whether its webview is the active editor/panel. */
  readonly active: boolean;
  /** Draws the page holding the message and selects its arrow. */
  focus(messageIndex: number): void;
  /** Settles once the diagram has its first page (or could not make it, or was closed). */
  readonly firstDrawn: Promise<void>;
}

const open = new Set<RegisteredDiagram>();
let lastTouched: RegisteredDiagram | null = null;
/** Messages to select in a diagram that is still opening, by trace URI. */
const pending = new Map<string, number>();

export function registerDiagram(diagram: RegisteredDiagram): { dispose(): void } {
  open.add(diagram);
  return {
    dispose() {
      open.delete(diagram);
      if (lastTouched === diagram) lastTouched = null;
    },
  };
}

/** The user worked in this diagram (its webview sent something): it is the export's default target. */
export function touchDiagram(diagram: RegisteredDiagram): void {
  lastTouched = diagram;
}

/** The diagram in front: the active webview, else the one used last. */
export function activeDiagram(): RegisteredDiagram | null {
  for (const d of open) if (d.active) return d;
  return lastTouched && open.has(lastTouched) ? lastTouched : [...open].pop() ?? null;
}

export function diagramsOf(uri: vscode.Uri): RegisteredDiagram[] {
  const key = uri.toString();
  return [...open].filter((d) => d.traceUris.some((u) => u.toString() === key));
}

/**
 * Selects a message in the diagram of `uri`: at once when one is open, else as soon as one opens
 * (`takePendingFocus`, called by the diagram when it first draws).
 */
export function focusInDiagram(uri: vscode.Uri, messageIndex: number): void {
  const shown = diagramsOf(uri);
  if (shown.length) {
    for (const d of shown) d.focus(messageIndex);
    return;
  }
  pending.set(uri.toString(), messageIndex);
}

export function takePendingFocus(uris: readonly vscode.Uri[]): number | undefined {
  for (const uri of uris) {
    const key = uri.toString();
    const index = pending.get(key);
    if (index !== undefined) {
      pending.delete(key);
      return index;
    }
  }
  return undefined;
}

/**
 * Settles once every diagram of `uri` has its first page. A capture's diagram registers as its editor tab opens,
 * so this first waits up to `appearMs` for one to appear (none: it settles then); it never takes longer than `maxMs`.
 */
export async function diagramsDrawn(uri: vscode.Uri, appearMs: number, maxMs: number): Promise<void> {
  const started = Date.now();
  while (diagramsOf(uri).length === 0) {
    if (Date.now() - started >= appearMs) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  const limit = new Promise<void>((resolve) => { timer = setTimeout(resolve, Math.max(0, maxMs - (Date.now() - started))); });
  await Promise.race([Promise.all(diagramsOf(uri).map((d) => d.firstDrawn)), limit]);
  clearTimeout(timer);
}
