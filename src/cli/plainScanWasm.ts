// A fresh instance of the WebAssembly scanner for one capture (its memory holds the read buffer and the scan's
// results). The module is compiled once per process: V8's baseline compiler takes about a millisecond for it.
import type { PlainScanExports } from '../core/index/wasmPlainScan';
import { PLAIN_SCAN_WASM_BASE64 } from './plainScanWasmBinary';

// Node has WebAssembly, but the lib and @types/node versions we build with do not declare it: the two calls used.
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: unknown };
};

let compiled: object | undefined;

/** Undefined when this runtime cannot run it (the JavaScript scanner then does all the work). */
export function plainScanWasm(): PlainScanExports | undefined {
  try {
    compiled ??= new WebAssembly.Module(Buffer.from(PLAIN_SCAN_WASM_BASE64, 'base64'));
    return new WebAssembly.Instance(compiled).exports as PlainScanExports;
  } catch {
    return undefined;
  }
}
