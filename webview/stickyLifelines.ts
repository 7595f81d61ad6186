// This runs in the diagram webview. Participant names stay visible while a long diagram scrolls: a copy of the
// rendered SVG, cropped to the top row of lifeline boxes, pinned to the top of the scrolling pane and shown
// once the real row has scrolled out of view. Horizontal scrolling moves it with the diagram.

/** Mermaid draws the top row of lifeline boxes as `rect.actor-top`. */
const TOP_BOXES = 'rect.actor-top';
/** Everything else in the copy is hidden by the crop; these would be duplicate click and focus targets. */
const NOT_IN_COPY = 'text.messageText, .messageLine0, .messageLine1, text.noteText, rect.note, .actor-bottom';

export interface PinnedLifelines {
  /** Bottom of the real top row, in pane pixels: the copy shows once the pane scrolls past it. */
  readonly threshold: number;
  update(): void;
}

export function pinLifelines(pane: HTMLElement, holder: HTMLElement, svg: SVGSVGElement): PinnedLifelines | null {
  holder.replaceChildren();
  holder.hidden = true;
  const boxes = [...svg.querySelectorAll<SVGRectElement>(TOP_BOXES)];
  const box = svg.viewBox.baseVal;
  if (boxes.length === 0 || !box || box.width === 0) return null;
  const rowBottom = Math.max(...boxes.map((r) => r.y.baseVal.value + r.height.baseVal.value));
  const height = rowBottom - box.y + 6;

  const copy = svg.cloneNode(true) as SVGSVGElement;
  // Mermaid scopes its <style> to the SVG's id: give the copy its own id and rewrite the scope to match.
  const id = `${svg.id}-lifelines`;
  copy.id = id;
  for (const style of copy.querySelectorAll('style')) style.textContent = (style.textContent ?? '').split(`#${svg.id}`).join(`#${id}`);
  copy.querySelectorAll(NOT_IN_COPY).forEach((e) => e.remove());
  // No duplicate ids: `url(#arrowhead)` in the real diagram must not resolve to a marker in this copy, which is
  // display:none while hidden (the arrows would lose their heads).
  copy.querySelectorAll('[id]').forEach((e) => e.removeAttribute('id'));
  copy.setAttribute('viewBox', `${box.x} ${box.y} ${box.width} ${height}`);
  const scale = svg.getBoundingClientRect().width / box.width || 1;
  copy.setAttribute('width', String(box.width * scale));
  copy.setAttribute('height', String(height * scale));
  copy.removeAttribute('aria-labelledby');
  copy.removeAttribute('aria-describedby');
  holder.append(copy);

  const threshold = svg.getBoundingClientRect().top - pane.getBoundingClientRect().top + pane.scrollTop + (rowBottom - box.y) * scale;
  const pinned: PinnedLifelines = {
    threshold,
    update() {
      holder.hidden = pane.scrollTop <= threshold;
    },
  };
  pinned.update();
  return pinned;
}
