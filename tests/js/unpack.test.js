// The unpacking of what Python sends, against Node's own base64 and gzip.
import { test } from "node:test";
import assert from "node:assert/strict";
import { gzipSync } from "node:zlib";
import { arrayViews, base64Bytes, count, gunzip, row, unpack } from "../../src/backproplab/viz/web/unpack.js";

// A buffer as backproplab.viz.panels.pack lays it out: float32 (2, 3) at 0, uint8 (5,) at
// 24 (padded to 4 bytes), int32 (2,) at 32; written here with a DataView, little-endian.
function packed() {
  const buf = new ArrayBuffer(40), dv = new DataView(buf);
  [0.5, -1, 2.25, 3, 1e-3, -7.5].forEach((v, i) => dv.setFloat32(4 * i, v, true));
  [1, 2, 250, 0, 7].forEach((v, i) => dv.setUint8(24 + i, v));
  [-3, 123456].forEach((v, i) => dv.setInt32(32 + 4 * i, v, true));
  const header = { F: { dtype: "float32", shape: [2, 3], offset: 0 },
                   U: { dtype: "uint8", shape: [5], offset: 24 }, I: { dtype: "int32", shape: [2], offset: 32 } };
  return { bytes: new Uint8Array(buf), header };
}

test("base64Bytes decodes what Node's Buffer encodes", () => {
  const raw = Uint8Array.from({ length: 256 }, (_, i) => (i * 37) % 256);
  assert.deepEqual(base64Bytes(Buffer.from(raw).toString("base64")), raw);
  assert.deepEqual(base64Bytes("  aGk=\n"), new Uint8Array([104, 105])); // (whitespace around)
});

test("arrayViews reads each array at its offset, with its dtype", () => {
  const { bytes, header } = packed(), a = arrayViews(bytes, header);
  assert.deepEqual(Array.from(a.F), [0.5, -1, 2.25, 3, Math.fround(1e-3), -7.5]);
  assert.ok(a.F instanceof Float32Array && a.U instanceof Uint8Array && a.I instanceof Int32Array);
  assert.deepEqual(Array.from(a.U), [1, 2, 250, 0, 7]);
  assert.deepEqual(Array.from(a.I), [-3, 123456]);
});

test("arrayViews refuses an unknown dtype and an array past the buffer's end", () => {
  const { bytes } = packed();
  assert.throws(() => arrayViews(bytes, { x: { dtype: "float64", shape: [1], offset: 0 } }), /unknown dtype/);
  assert.throws(() => arrayViews(bytes, { x: { dtype: "int32", shape: [3], offset: 32 } }), /overrun/);
});

test("gunzip undoes Node's gzip", async () => {
  const raw = new TextEncoder().encode("backprop ".repeat(1000));
  assert.deepEqual(await gunzip(gzipSync(raw)), raw);
});

test("unpack: base64 of a gzip-compressed buffer, and of a plain one", async () => {
  const { bytes, header } = packed();
  const zipped = await unpack(header, gzipSync(bytes).toString("base64"), true);
  const plain = await unpack(header, Buffer.from(bytes).toString("base64"), false);
  for (const a of [zipped, plain]) assert.deepEqual(Array.from(a.I), [-3, 123456]);
});

test("count and row: a moment's slice of an array of moments", () => {
  assert.equal(count([4, 3, 2]), 24);
  assert.equal(count([]), 1);
  const a = Float32Array.from({ length: 12 }, (_, i) => i); // (3 moments, 4 values)
  assert.deepEqual(Array.from(row(a, 1, 3)), [4, 5, 6, 7]);
  row(a, 2, 3)[0] = 99; // a view, not a copy
  assert.equal(a[8], 99);
});
