// Base64 without Node's Buffer or node:crypto, so the same code runs in the Node extension host and in the web
// build (VS Code for the Web): atob/btoa and crypto.getRandomValues exist in both.

/** A fresh script nonce for a webview's CSP (128 bits or more, as CSP3 §7.1 asks of nonces). */
export function randomNonce(byteCount = 18): string {
  const bytes = new Uint8Array(byteCount);
  globalThis.crypto.getRandomValues(bytes);
  return bytesToBase64(bytes);
}

export function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  // Chunks keep String.fromCharCode's argument list small for big images.
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** Throws on text that is not base64 (callers pass data produced by the webview's canvas). */
export function base64ToBytes(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
