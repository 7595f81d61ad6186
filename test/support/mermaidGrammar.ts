// The statement shapes src/core/render writes into mermaid text, each matched against a whole line; trace text
// appears only as label text (safe characters and `#NNN;` entity codes). The renderer tests and the fuzzer hold
// every generated diagram to it.

/** Label text: raw safe characters and entity codes only. */
export const MERMAID_LABEL_TEXT = String.raw`(?:[A-Za-z0-9 ._\-@/()[\]+*'!?~,]|#\d+;)*`;
/** Participant ids the renderer assigns. */
export const MERMAID_PARTICIPANT_ID = String.raw`p\d+`;

const TEXT = MERMAID_LABEL_TEXT;
const ID = MERMAID_PARTICIPANT_ID;

export const MERMAID_STATEMENTS: readonly RegExp[] = [
  /^sequenceDiagram$/,
  new RegExp(`^title ${TEXT}$`),
  new RegExp(`^participant ${ID} as ${TEXT}(?:<br/>${TEXT})?$`),
  new RegExp(`^box transparent ${TEXT}$`),
  new RegExp(`^${ID}-{1,2}>>${ID}: ${TEXT}$`),
  new RegExp(`^Note (?:over|left of|right of) ${ID}(?:,${ID})?: ${TEXT}$`),
  /^rect rgba\(\d{1,3}, \d{1,3}, \d{1,3}, 0\.\d+\)$/,
  /^end$/,
];

/** The first line outside the grammar, or an unbalanced block, described; null when the text is all grammar. */
export function mermaidGrammarProblem(text: string): string | null {
  if (!text.endsWith('\n')) return 'mermaid text does not end with a newline';
  let depth = 0;
  for (const line of text.slice(0, -1).split('\n')) {
    if (!MERMAID_STATEMENTS.some((re) => re.test(line))) return `mermaid statement outside the renderer's grammar: ${JSON.stringify(line.slice(0, 200))}`;
    if (line.startsWith('rect ') || line.startsWith('box ')) depth++;
    else if (line === 'end' && --depth < 0) return 'mermaid "end" without a block';
  }
  return depth === 0 ? null : 'a mermaid block is left open';
}
