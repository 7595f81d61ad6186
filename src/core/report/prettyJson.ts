// The text of JSON.stringify(value, null, 2) for a report object, produced piece by piece: a 200,000-message
// trace's report is tens of megabytes, and writing it a batch of elements at a time keeps it from sitting whole in
// memory. Each batch is laid out by JSON.stringify itself (wrapped as `{ key: batch }`, so the nesting depth and
// indentation are the report's), then unwrapped. A test holds the joined pieces equal to JSON.stringify's output.

/** Pieces of JSON.stringify(report, null, 2), each holding at most `batch` elements of a top-level array. */
export function* prettyJsonPieces(report: object, batch = 512): Generator<string> {
  const entries = Object.entries(report).filter(([, v]) => v !== undefined && typeof v !== 'function');
  if (entries.length === 0) {
    yield '{}';
    return;
  }
  yield '{\n';
  for (let e = 0; e < entries.length; e++) {
    const [key, value] = entries[e];
    const tail = e < entries.length - 1 ? ',\n' : '\n';
    const name = JSON.stringify(key);
    if (Array.isArray(value) && value.length > batch) {
      yield `  ${name}: [\n`;
      const head = `{\n  ${name}: [\n`.length;
      const foot = '\n  ]\n}'.length;
      for (let i = 0; i < value.length; i += batch) {
        const text = JSON.stringify({ [key]: value.slice(i, i + batch) }, null, 2);
        yield text.slice(head, text.length - foot) + (i + batch < value.length ? ',\n' : '\n');
      }
      yield `  ]${tail}`;
    } else {
      const text = JSON.stringify({ [key]: value }, null, 2);
      yield text.slice(2, text.length - 2) + tail;
    }
  }
  yield '}';
}
