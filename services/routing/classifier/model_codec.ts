/**
 * The model file: gzip of `TKCM`, a format byte, a JSON header (labels, features, scale, bias,
 * minConfidence), then only the slots with a non-zero weight: varint slot gaps, then their int8
 * weights. Lossless: a parsed model predicts exactly what the trained one did.
 * @module
 */
import { fail } from "@ticketd/shared/errors.ts";
import type { Model } from "./model.ts";

const MAGIC = [0x54, 0x4b, 0x43, 0x4d]; // "TKCM"
const FORMAT = 1;

interface Header {
  labels: string[];
  features: Model["features"];
  minConfidence: number;
  scale: number;
  bias: number[];
  slots: number;
}

/** The gzip-compressed model file. */
export async function serializeModel(model: Model): Promise<Uint8Array> {
  const count = model.labels.length;
  const used = usedSlots(model);
  const header: Header = {
    labels: [...model.labels],
    features: model.features,
    minConfidence: model.minConfidence,
    scale: model.scale,
    bias: Array.from(model.bias),
    slots: used.length,
  };
  const headerBytes = new TextEncoder().encode(JSON.stringify(header));
  const out = new ByteWriter();
  out.bytes(Uint8Array.from([...MAGIC, FORMAT]));
  out.varint(headerBytes.length);
  out.bytes(headerBytes);
  let previous = 0;
  for (const slot of used) out.varint(slot - previous), previous = slot;
  for (const slot of used) {
    out.bytes(new Uint8Array(model.weights.buffer, model.weights.byteOffset + slot * count, count));
  }
  return await pipe(out.result(), new CompressionStream("gzip"));
}

/** Read a model file; a damaged or foreign file is a `classifier_model_invalid` error. */
export async function parseModel(file: Uint8Array): Promise<Model> {
  let raw: Uint8Array;
  try {
    raw = await pipe(file, new DecompressionStream("gzip"));
  } catch {
    fail("classifier_model_invalid", "The classifier model file is not gzip");
  }
  if (!MAGIC.every((byte, i) => raw[i] === byte) || raw[4] !== FORMAT) {
    fail("classifier_model_invalid", "The classifier model file has no TKCM format 1 header");
  }
  const reader = new ByteReader(raw, 5);
  const header = JSON.parse(new TextDecoder().decode(reader.take(reader.varint()))) as Header;
  const count = header.labels.length;
  const weights = new Int8Array(count * 2 ** header.features.bits);
  const slots: number[] = [];
  for (let i = 0, slot = 0; i < header.slots; i++) slots.push(slot += reader.varint());
  for (const slot of slots) {
    weights.set(new Int8Array(reader.take(count).slice().buffer), slot * count);
  }
  if (reader.offset !== raw.length) {
    fail("classifier_model_invalid", "The model file has trailing bytes");
  }
  const { labels, features, minConfidence, scale } = header;
  return { labels, features, minConfidence, scale, weights, bias: Float32Array.from(header.bias) };
}

function usedSlots(model: Model): number[] {
  const count = model.labels.length;
  const used: number[] = [];
  for (let slot = 0; slot * count < model.weights.length; slot++) {
    for (let k = 0; k < count; k++) {
      if (model.weights[slot * count + k] !== 0) {
        used.push(slot);
        break;
      }
    }
  }
  return used;
}

async function pipe(bytes: Uint8Array, transform: CompressionStream | DecompressionStream) {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(transform);
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

class ByteWriter {
  #chunks: number[] = [];
  #parts: Uint8Array[] = [];

  varint(value: number): void {
    while (value >= 0x80) this.#chunks.push((value & 0x7f) | 0x80), value >>>= 7;
    this.#chunks.push(value);
  }

  bytes(bytes: Uint8Array): void {
    this.#flush();
    this.#parts.push(bytes.slice());
  }

  result(): Uint8Array {
    this.#flush();
    const out = new Uint8Array(this.#parts.reduce((sum, part) => sum + part.length, 0));
    let at = 0;
    for (const part of this.#parts) out.set(part, at), at += part.length;
    return out;
  }

  #flush(): void {
    if (this.#chunks.length > 0) this.#parts.push(Uint8Array.from(this.#chunks)), this.#chunks = [];
  }
}

class ByteReader {
  constructor(private readonly raw: Uint8Array, public offset: number) {}

  varint(): number {
    let value = 0;
    for (let shift = 0;; shift += 7) {
      const byte = this.take(1)[0];
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
    }
  }

  take(length: number): Uint8Array {
    if (this.offset + length > this.raw.length) {
      fail("classifier_model_invalid", "The classifier model file is truncated");
    }
    const bytes = this.raw.subarray(this.offset, this.offset + length);
    this.offset += length;
    return bytes;
  }
}
