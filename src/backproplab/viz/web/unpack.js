// What Python sends a page, unpacked: named typed arrays in one buffer, described by a
// header {name: {dtype, shape, offset}} (backproplab.viz.panels.pack). The buffer travels
// as base64 text: gzip-compressed in a report file, plain on a live page.

const TYPES = { float32: Float32Array, uint8: Uint8Array, int32: Int32Array };

/** The bytes that base64 text stands for. */
export function base64Bytes(text) {
  const s = atob(text.trim());
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/** gzip-compressed bytes, decompressed (by the platform's own DecompressionStream). */
export async function gunzip(bytes) {
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** How many elements an array of this shape holds. */
export function count(shape) {
  return shape.reduce((p, q) => p * q, 1);
}

/** Typed-array views of `bytes` (a Uint8Array), one per header entry: no copy. */
export function arrayViews(bytes, header) {
  const arrays = {};
  for (const [name, h] of Object.entries(header)) {
    const Type = TYPES[h.dtype];
    if (!Type) throw new TypeError(`${name}: unknown dtype ${h.dtype}`);
    const n = count(h.shape);
    if (h.offset + n * Type.BYTES_PER_ELEMENT > bytes.byteLength) {
      throw new RangeError(`${name}: ${n} elements from byte ${h.offset} overrun the buffer`);
    }
    arrays[name] = new Type(bytes.buffer, bytes.byteOffset + h.offset, n);
  }
  return arrays;
}

/** Base64 text of a buffer (gzip-compressed if `compressed`) as typed-array views. */
export async function unpack(header, text, compressed) {
  const bytes = base64Bytes(text);
  return arrayViews(compressed ? await gunzip(bytes) : bytes, header);
}

/** Row t of an array that holds `rows` equal rows (shape (rows, ...)), as a view. */
export function row(a, t, rows) {
  const n = a.length / rows;
  return a.subarray(t * n, (t + 1) * n);
}
