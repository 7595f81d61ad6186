// What a header parser reports instead of throwing: the caller turns it into a positioned finding.

export interface LayerProblem {
  readonly problem: true;
  /** Stable dotted finding code, e.g. `net.ipv4.bad-header-length`. */
  code: string;
  /** One sentence: what was expected and what the bytes show. */
  message: string;
  /** Offset in the buffer being parsed where the problem is. */
  offset: number;
  /** True when the bytes simply ran out (the caller reports a snaplen cut instead when the record was cut). */
  ranOut: boolean;
}

export function problem(code: string, message: string, offset: number, ranOut = false): LayerProblem {
  return { problem: true, code, message, offset, ranOut };
}

export function isProblem<T extends object>(value: T | LayerProblem): value is LayerProblem {
  return (value as LayerProblem).problem === true;
}
