// TextDecoder/TextEncoder exist in every runtime core runs in (Node ≥ 11, browsers, web workers),
// but core compiles with lib es2022 and no DOM/node types, so declare just what it uses.
declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean; ignoreBOM?: boolean });
  decode(input?: Uint8Array, options?: { stream?: boolean }): string;
}
declare class TextEncoder {
  encode(input?: string): Uint8Array;
}
