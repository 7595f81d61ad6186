// An export's diagram, complete: every selected message, split into numbered parts when one mermaid diagram would
// exceed mermaid's maxTextSize (50,000 characters by default; larger sources are refused with "Maximum text size in
// diagram exceeded"). Runs anywhere core runs.
import { buildDiagramModel, mermaidSource, type DiagramModel, type LifelineGroup } from '../render/sequenceDiagram';
import type { ParticipantNaming } from '../render/participants';
import type { ExportView } from './exportSelection';

/** Mermaid's default `maxTextSize`: the limit GitHub, GitLab and mermaid.live apply to one diagram. */
export const MERMAID_MAX_TEXT_SIZE = 50_000;

export interface DiagramPartOptions extends ParticipantNaming {
  /** Largest mermaid source of one part (default MERMAID_MAX_TEXT_SIZE). */
  maxTextSize?: number;
  showTimeOffsets?: boolean;
  groups?: readonly LifelineGroup[];
}

export interface DiagramPart {
  /** Mermaid source of this part. */
  mermaid: string;
  model: DiagramModel;
}

export interface DiagramParts {
  parts: DiagramPart[];
  /** Says the diagram was split and why; null when it is one part. */
  splitNote: string | null;
}

/** The page model of one page of the selection: its marks, title and the caller's naming (shared by every export). */
export function buildViewModel(view: ExportView, options: Omit<DiagramPartOptions, 'maxTextSize'>, page: number, pageSize: number): DiagramModel {
  return buildDiagramModel(view.messages, {
    page, pageSize,
    names: options.names,
    groups: options.groups,
    showTimeOffsets: options.showTimeOffsets,
    annotations: view.annotations,
    missingSteps: view.missingSteps,
    title: view.title,
  });
}

export function buildDiagramParts(view: ExportView, options: DiagramPartOptions = {}): DiagramParts {
  const limit = Math.max(1000, options.maxTextSize ?? MERMAID_MAX_TEXT_SIZE);
  const render = (pageSize: number): DiagramPart[] => {
    const parts: DiagramPart[] = [];
    for (let page = 0; ; page++) {
      const model = buildViewModel(view, options, page, pageSize);
      parts.push({ mermaid: mermaidSource(model.statements), model });
      if (page + 1 >= model.pageCount) return parts;
    }
  };
  let pageSize = Math.max(1, view.messages.length);
  let parts = render(pageSize);
  // Each retry shrinks the page in proportion to the overshoot; pageSize 1 always ends the loop.
  for (;;) {
    const longest = Math.max(...parts.map((p) => p.mermaid.length));
    if (longest <= limit || pageSize === 1) break;
    pageSize = Math.max(1, Math.min(pageSize - 1, Math.floor(pageSize * (limit / longest) * 0.9)));
    parts = render(pageSize);
  }
  const splitNote = parts.length > 1
    ? `The diagram is split into ${parts.length} numbered parts of at most ${pageSize} messages each, because one mermaid diagram holds at most ${limit.toLocaleString('en-US')} characters.`
    : null;
  return { parts, splitNote };
}
