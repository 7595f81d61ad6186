// This runs in the diagram webview. Mermaid with discipline: never on load, strict security, parse before
// render, the newest render wins, errors as text, the theme taken from VS Code's body class.
import mermaid from 'mermaid';

export type DiagramTheme = 'dark' | 'default';

export type RenderOutcome =
  | { ok: true; svg: SVGSVGElement; labels: SVGTextElement[]; lines: SVGElement[] }
  | { ok: false; error: string }
  | { ok: false; stale: true };

/** VS Code marks the webview body with vscode-light / vscode-dark / vscode-high-contrast(-light). */
export function themeFromBody(): DiagramTheme {
  const classes = document.body.classList;
  if (classes.contains('vscode-high-contrast-light')) return 'default';
  return classes.contains('vscode-dark') || classes.contains('vscode-high-contrast') ? 'dark' : 'default';
}

let initializedTheme: DiagramTheme | null = null;
let renderCount = 0;
let latest = 0;

function initialize(theme: DiagramTheme): void {
  if (initializedTheme === theme) return;
  mermaid.initialize(mermaidConfig(theme));
  initializedTheme = theme;
}

function mermaidConfig(theme: DiagramTheme): Parameters<typeof mermaid.initialize>[0] {
  const style = getComputedStyle(document.body);
  const fontFamily = style.getPropertyValue('--vscode-font-family').trim();
  return {
    startOnLoad: false,
    securityLevel: 'strict',
    theme,
    darkMode: theme === 'dark',
    // Escaped labels are longer than their text; a page of 300 messages stays far below this.
    maxTextSize: 2_000_000,
    // A syntax error is thrown (with its line) instead of drawn as a bomb icon left in the page.
    suppressErrorRendering: true,
    fontFamily: fontFamily || undefined,
    sequence: {
      // Wide diagrams scroll horizontally instead of shrinking to unreadable text.
      useMaxWidth: false,
      mirrorActors: true,
      actorMargin: 40,
      boxMargin: 8,
      noteMargin: 8,
      messageMargin: 28,
    },
  };
}

/**
 * The SVG text of `source` in mermaid's light theme, for exports (readable on paper and on white pages whatever
 * the editor's theme). Not inserted into the page; the screen's theme is restored for the next render.
 */
export async function renderStandalone(source: string): Promise<string> {
  mermaid.initialize(mermaidConfig('default'));
  initializedTheme = null;
  try {
    await mermaid.parse(source);
    const { svg } = await mermaid.render(`sip-trail-export-${++renderCount}`, source);
    return svg;
  } finally {
    document.querySelectorAll('body > [id^="dsip-trail-export-"]').forEach((e) => e.remove());
  }
}

/**
 * Milliseconds a bare `mermaid.render` of `source` takes with the screen's configuration: nothing inserted into
 * the page, nothing wired. The yardstick for the webview's own draw (issue 7: at most 1.5× this).
 */
export async function timeBareRender(source: string): Promise<number> {
  initialize(themeFromBody());
  const id = `sip-trail-bare-${++renderCount}`;
  const started = performance.now();
  try {
    await mermaid.render(id, source);
    return performance.now() - started;
  } finally {
    document.querySelectorAll(`body > [id^="d${id}"]`).forEach((e) => e.remove());
  }
}

/**
 * Renders `source` into `container`. A render that finishes after a newer one started is dropped
 * (`stale`), so a fast page flip never shows an old page.
 */
export async function renderDiagram(container: HTMLElement, source: string): Promise<RenderOutcome> {
  const mine = ++latest;
  initialize(themeFromBody());
  try {
    // No separate parse(): render() parses anyway and, with suppressErrorRendering, throws the same error.
    const { svg } = await mermaid.render(`sip-trail-diagram-${++renderCount}`, source);
    if (mine !== latest) return { ok: false, stale: true };
    // Mermaid's own output, already sanitized under securityLevel 'strict'; no trace text is spliced here.
    container.innerHTML = svg;
    const element = container.querySelector('svg');
    if (!element) return { ok: false, error: 'Mermaid produced no diagram.' };
    return {
      ok: true,
      svg: element,
      labels: [...element.querySelectorAll<SVGTextElement>('text.messageText')],
      lines: [...element.querySelectorAll<SVGElement>('.messageLine0, .messageLine1')],
    };
  } catch (error) {
    if (mine !== latest) return { ok: false, stale: true };
    // Mermaid leaves its error rendering behind in the body; remove it.
    document.querySelectorAll('body > [id^="dsip-trail-diagram-"]').forEach((e) => e.remove());
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}
