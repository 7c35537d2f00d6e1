/**
 * Compact, portable encoding of typed arrays for model serialisation (little-endian base64).
 * Pure: no I/O.
 */

function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

function fromBase64(s: string): Uint8Array {
  const b = Buffer.from(s, 'base64');
  // copy into a fresh, aligned buffer
  const out = new Uint8Array(b.byteLength);
  out.set(b);
  return out;
}

export function encodeF32(a: Float32Array): string {
  return toBase64(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
}

export function decodeF32(s: string): Float32Array {
  const b = fromBase64(s);
  if (b.byteLength % 4 !== 0) throw new Error('decodeF32: bad length');
  return new Float32Array(b.buffer, 0, b.byteLength / 4);
}

export function encodeI32(a: Int32Array): string {
  return toBase64(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
}

export function decodeI32(s: string): Int32Array {
  const b = fromBase64(s);
  if (b.byteLength % 4 !== 0) throw new Error('decodeI32: bad length');
  return new Int32Array(b.buffer, 0, b.byteLength / 4);
}

/** Small deterministic PRNG (mulberry32). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Deterministic Fisher–Yates shuffle in place. */
export function shuffleInPlace<T>(arr: T[], rnd: () => number): T[] {
  for (let i = arr.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    const t = arr[i]!;
    arr[i] = arr[j]!;
    arr[j] = t;
  }
  return arr;
}
