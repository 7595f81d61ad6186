// The first RFC or 3GPP clause a finding cites, as a link for the diagnostic's `code.target`. Pure: no vscode.

export interface SpecReference {
  /** As cited, e.g. `RFC 3892 §3`, `3GPP TS 24.337`. */
  label: string;
  url: string;
}

// Both patterns are linear: fixed prefixes, bounded digit and section runs, no nested quantifiers.
const RFC = /\bRFC ?(\d{3,5})(?: ?§ ?(\d+(?:\.\d+){0,5}))?/;
const TS = /\b(?:3GPP )?TS ?(\d{2})\.(\d{3})\b/;

/** The earliest citation in `text`: an RFC (with its § as a section anchor) or a 3GPP TS (its specification page). */
export function firstSpecReference(text: string): SpecReference | null {
  const rfc = RFC.exec(text);
  const ts = TS.exec(text);
  if (rfc && (!ts || rfc.index <= ts.index)) {
    const [label, number, section] = rfc;
    return { label, url: `https://www.rfc-editor.org/rfc/rfc${number}${section ? `#section-${section}` : ''}` };
  }
  if (ts) {
    // 3GPP publishes no per-clause anchors; the specification's page lists every version.
    return { label: ts[0], url: `https://www.3gpp.org/DynaReport/${ts[1]}${ts[2]}.htm` };
  }
  return null;
}
