/**
 * Bytes of a base64 string (the embedded WebAssembly modules: lib/nn/nn-kernels.wasm.ts,
 * lib/forcefield/pair-kernels.wasm.ts), in Node (Buffer) and in a browser page (atob) alike.
 */
export function decodeBase64(s: string): Uint8Array {
  if (typeof Buffer !== 'undefined') return new Uint8Array(Buffer.from(s, 'base64'));
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}
