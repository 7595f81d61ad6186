// Test support: a small, strict XML reader (elements, attributes, text, the five predefined entities and numeric
// character references, comments and the XML declaration), enough to read JUnit reports back and fail loudly on
// anything malformed. No DTDs, no namespaces.
export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decode(s: string, at: number): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    if (s[i] !== '&') {
      if (s[i] === '<') throw new Error(`raw "<" in text near offset ${at + i}`);
      out += s[i];
      continue;
    }
    const semi = s.indexOf(';', i);
    if (semi < 0) throw new Error(`unterminated entity near offset ${at + i}`);
    const name = s.slice(i + 1, semi);
    if (name.startsWith('#x')) out += String.fromCodePoint(parseInt(name.slice(2), 16));
    else if (name.startsWith('#')) out += String.fromCodePoint(parseInt(name.slice(1), 10));
    else if (name in ENTITIES) out += ENTITIES[name];
    else throw new Error(`unknown entity &${name}; near offset ${at + i}`);
    i = semi;
  }
  return out;
}

export function parseXml(xml: string): XmlElement {
  let i = 0;
  const skipSpace = () => { while (i < xml.length && /\s/.test(xml[i])) i++; };
  const skipMisc = () => {
    for (;;) {
      skipSpace();
      if (xml.startsWith('<?', i)) i = xml.indexOf('?>', i) + 2;
      else if (xml.startsWith('<!--', i)) i = xml.indexOf('-->', i) + 3;
      else return;
      if (i < 2) throw new Error('unterminated declaration or comment');
    }
  };
  const name = (): string => {
    const start = i;
    while (i < xml.length && /[A-Za-z0-9_:.-]/.test(xml[i])) i++;
    if (start === i) throw new Error(`expected a name at offset ${i}`);
    return xml.slice(start, i);
  };
  const element = (): XmlElement => {
    if (xml[i] !== '<') throw new Error(`expected "<" at offset ${i}`);
    i++;
    const el: XmlElement = { name: name(), attributes: {}, children: [], text: '' };
    for (;;) {
      skipSpace();
      if (xml.startsWith('/>', i)) { i += 2; return el; }
      if (xml[i] === '>') { i++; break; }
      const attr = name();
      skipSpace();
      if (xml[i] !== '=') throw new Error(`expected "=" after ${attr} at offset ${i}`);
      i++;
      skipSpace();
      const q = xml[i];
      if (q !== '"' && q !== "'") throw new Error(`expected a quoted value for ${attr} at offset ${i}`);
      const end = xml.indexOf(q, i + 1);
      if (end < 0) throw new Error(`unterminated attribute ${attr}`);
      if (attr in el.attributes) throw new Error(`duplicate attribute ${attr}`);
      el.attributes[attr] = decode(xml.slice(i + 1, end), i + 1);
      i = end + 1;
    }
    for (;;) {
      const lt = xml.indexOf('<', i);
      if (lt < 0) throw new Error(`element ${el.name} is not closed`);
      el.text += decode(xml.slice(i, lt), i);
      i = lt;
      if (xml.startsWith('<!--', i)) { i = xml.indexOf('-->', i) + 3; continue; }
      if (xml.startsWith('</', i)) {
        i += 2;
        const close = name();
        if (close !== el.name) throw new Error(`</${close}> closes <${el.name}>`);
        skipSpace();
        if (xml[i] !== '>') throw new Error(`expected ">" at offset ${i}`);
        i++;
        return el;
      }
      el.children.push(element());
    }
  };
  skipMisc();
  const root = element();
  skipMisc();
  if (i !== xml.length) throw new Error(`content after the root element at offset ${i}`);
  return root;
}
