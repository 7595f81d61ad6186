// Quoting input text inside finding messages: bounded in length, control chars made visible.

/** `"text"` for a finding message: at most `max` chars (then "…"), control chars shown as "." so messages stay one line. */
export function shown(text: string, max = 48): string {
  const cut = text.length > max ? `${text.slice(0, max)}…` : text;
  let out = '';
  let from = 0;
  for (let i = 0; i < cut.length; i++) {
    const c = cut.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) {
      out += `${cut.slice(from, i)}.`;
      from = i + 1;
    }
  }
  return `"${out}${cut.slice(from)}"`;
}
