// The text of JSON.stringify(value, null, 2) for a report object, produced piece by piece: a 200,000-message
// trace's report is tens of megabytes, and writing it element by element keeps it from sitting whole in memory.
// A test holds the concatenated pieces equal to JSON.stringify's output.

/** Pieces of JSON.stringify(report, null, 2), each at most about `batch` array elements long. */
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
    if (Array.isArray(value) && value.length > 0) {
      yield `  ${JSON.stringify(key)}: [\n`;
      let piece = '';
      for (let i = 0; i < value.length; i++) {
        const item = value[i];
        piece += `    ${item === undefined || typeof item === 'function' ? 'null' : JSON.stringify(item, null, 2).replace(/\n/g, '\n    ')}${i < value.length - 1 ? ',\n' : '\n'}`;
        if ((i + 1) % batch === 0) {
          yield piece;
          piece = '';
        }
      }
      yield `${piece}  ]${tail}`;
    } else {
      yield `  ${JSON.stringify(key)}: ${JSON.stringify(value, null, 2).replace(/\n/g, '\n  ')}${tail}`;
    }
  }
  yield '}';
}
