// This runs in the diagram webview. Images for "Export Diagram…": a diagram part (or the page on screen) drawn again by mermaid in
// its light theme (readable outside VS Code, every colour concrete in the SVG's own <style>), serialised as a
// standalone SVG, or painted on an offscreen canvas for a PNG at 1×/2×/3×. Nothing here reads trace text: the SVG
// is mermaid's sanitized output of the same escaped source the screen shows.
import { renderStandalone } from './diagram';

export interface ExportedImage {
  data: string;
  width: number;
  height: number;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/** Mermaid's SVG of `source` as a standalone document: namespace, size, font and background set, no CSS variables. */
export async function exportSvg(source: string, background: 'white' | 'transparent'): Promise<ExportedImage> {
  const svgText = await renderStandalone(source);
  const doc = new DOMParser().parseFromString(svgText, 'image/svg+xml');
  const svg = doc.documentElement;
  if (svg.nodeName !== 'svg' || doc.querySelector('parsererror')) throw new Error('mermaid produced no SVG');
  const box = (svg.getAttribute('viewBox') ?? '').split(/[\s,]+/).map(Number);
  const width = Math.ceil(box.length === 4 && box[2] > 0 ? box[2] : Number.parseFloat(svg.getAttribute('width') ?? '') || 800);
  const height = Math.ceil(box.length === 4 && box[3] > 0 ? box[3] : Number.parseFloat(svg.getAttribute('height') ?? '') || 600);
  svg.setAttribute('xmlns', SVG_NS);
  svg.setAttribute('width', String(width));
  svg.setAttribute('height', String(height));
  svg.removeAttribute('style'); // mermaid's max-width, meaningless outside the page
  // CSS variables of the webview mean nothing in a file: resolve any left in the styles to their values now.
  const body = getComputedStyle(document.body);
  for (const style of svg.querySelectorAll('style')) {
    style.textContent = (style.textContent ?? '').replace(/var\(\s*(--[\w-]+)\s*(?:,\s*([^()]*))?\)/g, (_, name: string, fallback?: string) =>
      body.getPropertyValue(name).trim() || (fallback ?? '').trim() || 'inherit');
  }
  if (background === 'white') {
    const rect = doc.createElementNS(SVG_NS, 'rect');
    const x = box.length === 4 ? box[0] : 0;
    const y = box.length === 4 ? box[1] : 0;
    rect.setAttribute('x', String(x));
    rect.setAttribute('y', String(y));
    rect.setAttribute('width', String(width));
    rect.setAttribute('height', String(height));
    rect.setAttribute('fill', '#ffffff');
    svg.insertBefore(rect, svg.querySelector(':scope > style')?.nextSibling ?? svg.firstChild);
  }
  return { data: `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(svg)}\n`, width, height };
}

/** The SVG painted on an offscreen canvas at `scale`; base64 PNG. */
export async function exportPng(source: string, scale: number, background: 'white' | 'transparent'): Promise<ExportedImage> {
  const svg = await exportSvg(source, background);
  const factor = scale === 2 || scale === 3 ? scale : 1;
  const image = new Image();
  // A data: URL (the CSP allows img-src data:), so the canvas stays untainted and toDataURL works.
  image.src = `data:image/svg+xml;base64,${toBase64(new TextEncoder().encode(svg.data))}`;
  await image.decode();
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(1, Math.round(svg.width * factor));
  canvas.height = Math.max(1, Math.round(svg.height * factor));
  const context = canvas.getContext('2d');
  if (!context) throw new Error('no 2D canvas in this webview');
  context.drawImage(image, 0, 0, canvas.width, canvas.height);
  const url = canvas.toDataURL('image/png');
  return { data: url.slice(url.indexOf(',') + 1), width: canvas.width, height: canvas.height };
}

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}
