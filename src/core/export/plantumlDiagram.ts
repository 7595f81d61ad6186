// PlantUML sequence diagram (`.puml`) from the same page model as the mermaid diagram: the same lifelines, arrow
// labels, step numbers, finding and missing-step notes and dialog groups. Runs anywhere core runs.
// Every trace-derived string goes through escapePlantUmlText; the rest is fixed syntax and generated ids (`p1`).
import type { DiagramModel, DiagramStatement } from '../render/sequenceDiagram';
import { buildViewModel, type DiagramPartOptions } from './diagramParts';
import type { ExportView } from './exportSelection';
import { escapePlantUmlText } from './plantumlText';

/** The selection as one PlantUML diagram (every drawn message on one page). */
export function plantUmlExport(view: ExportView, options: Omit<DiagramPartOptions, 'maxTextSize'> = {}): string {
  return plantUmlSource(buildViewModel(view, options, 0, Math.max(1, view.messages.length)));
}

/**
 * One `@startuml … @enduml` document of one page model (PlantUML has no text-size limit, so exports draw every
 * selected message on one page). Dialog bands become `group` frames labelled with the Call-ID.
 */
export function plantUmlSource(model: DiagramModel): string {
  const lines: string[] = ['@startuml'];
  for (const s of model.statements) lines.push(statement(s));
  lines.push('@enduml');
  return lines.join('\n') + '\n';
}

function statement(s: DiagramStatement): string {
  switch (s.kind) {
    case 'title': return `title ${escapePlantUmlText(s.text)}`;
    case 'participant': return `participant "${escapePlantUmlText(s.name)}${s.detail === null ? '' : `\\n${escapePlantUmlText(s.detail)}`}" as ${s.id}`;
    case 'boxStart': return `box "${escapePlantUmlText(s.name)}"`;
    case 'boxEnd': return 'end box';
    case 'bandStart': return `group dialog ${escapePlantUmlText(s.dialogId)}`;
    case 'bandEnd': return 'end';
    case 'arrow': return `${s.from} ${s.request ? '->' : '-->'} ${s.to} : ${escapePlantUmlText(s.label)}`;
    case 'note': return s.over[0] === s.over[1] ? `note over ${s.over[0]} : ${escapePlantUmlText(s.text)}` : `note over ${s.over[0]}, ${s.over[1]} : ${escapePlantUmlText(s.text)}`;
  }
}
