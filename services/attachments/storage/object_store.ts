/**
 * The object store of attachment content: one bucket on an S3-protocol server (MinIO, AWS, or
 * `s3rver` in tests) through the `minio` client. Multipart uploads carry large content; small
 * objects (pending segments of an unfinished upload, empty files) are put whole.
 * @module
 */
import { Buffer } from "node:buffer";
import type { Readable } from "node:stream";
import type { Agent } from "node:https";
import * as Minio from "minio";

/** Where the store lives and how to reach it. */
export interface ObjectStoreConfig {
  endPoint: string;
  port: number;
  useSSL: boolean;
  accessKey: string;
  secretKey: string;
  region: string;
  bucket: string;
  /** HTTPS to the server checked against the private CA (`s3Trust` in tls_settings.ts). */
  transportAgent?: Agent;
}

/** A part as the server acknowledged it. */
export interface UploadedPart {
  partNumber: number;
  etag: string;
}

/** S3 operations the attachments service uses, on one bucket. */
export class ObjectStore {
  readonly bucket: string;
  readonly #client: Minio.Client;
  readonly #region: string;

  constructor(config: ObjectStoreConfig) {
    const { bucket, region, ...connection } = config;
    this.bucket = bucket;
    this.#region = region;
    this.#client = new Minio.Client({ ...connection, region });
  }

  /** Creates the bucket unless it exists. */
  async ensureBucket(): Promise<void> {
    if (await this.#client.bucketExists(this.bucket)) return;
    try {
      await this.#client.makeBucket(this.bucket, this.#region);
    } catch (error) {
      // Another instance made it first.
      if (!(await this.#client.bucketExists(this.bucket))) throw error;
    }
  }

  /** Starts a multipart upload of `key`; returns its upload id. */
  createMultipart(key: string): Promise<string> {
    return this.#client.initiateNewMultipartUpload(this.bucket, key, {
      "content-type": "application/octet-stream",
    });
  }

  /** Uploads part `partNumber` (1..10000); a repeat of a number replaces the earlier part. */
  async uploadPart(
    key: string,
    uploadId: string,
    partNumber: number,
    bytes: Uint8Array,
  ): Promise<UploadedPart> {
    const { etag } = await this.#client.uploadPart(
      { bucketName: this.bucket, objectName: key, uploadID: uploadId, partNumber, headers: {} },
      asBuffer(bytes),
    );
    return { partNumber, etag };
  }

  /** Joins the parts, in order, into the object `key`. */
  async completeMultipart(key: string, uploadId: string, parts: UploadedPart[]): Promise<void> {
    const etags = parts.map((p) => ({ part: p.partNumber, etag: p.etag }));
    await this.#client.completeMultipartUpload(this.bucket, key, uploadId, etags);
  }

  /**
   * Abandons a multipart upload and frees its parts. A server without AbortMultipartUpload
   * (s3rver answers MethodNotAllowed) gets the parts completed into `key` and removed instead,
   * which frees them just the same; `key` is never a finished attachment at that point.
   */
  async abortMultipart(key: string, uploadId: string, parts: UploadedPart[]): Promise<void> {
    try {
      await this.#client.abortMultipartUpload(this.bucket, key, uploadId);
      return;
    } catch (error) {
      if (isMissingUpload(error)) return;
      if (!isUnsupported(error)) throw error;
    }
    const joined = parts.length > 0
      ? parts
      : [await this.uploadPart(key, uploadId, 1, new Uint8Array(0))];
    try {
      await this.completeMultipart(key, uploadId, joined);
    } catch (error) {
      if (!isMissingUpload(error)) throw error;
    }
    await this.remove(key);
  }

  /** Stores a small object whole. */
  async put(key: string, bytes: Uint8Array): Promise<void> {
    await this.#client.putObject(this.bucket, key, asBuffer(bytes), bytes.length);
  }

  /** The whole object, or null if there is none. */
  async get(key: string): Promise<Uint8Array | null> {
    try {
      return await readAll(await this.#client.getObject(this.bucket, key));
    } catch (error) {
      if (isMissingObject(error)) return null;
      throw error;
    }
  }

  /** A stream of bytes `offset`..`offset + length - 1` (to the end when `length` is absent). */
  getPartial(key: string, offset: number, length?: number): Promise<Readable> {
    return this.#client.getPartialObject(this.bucket, key, offset, length);
  }

  /** The object's size in bytes, or null if there is none. */
  async size(key: string): Promise<number | null> {
    try {
      return (await this.#client.statObject(this.bucket, key)).size;
    } catch (error) {
      if (isMissingObject(error)) return null;
      throw error;
    }
  }

  /** Removes an object; removing a missing one is not an error. */
  async remove(key: string): Promise<void> {
    await this.#client.removeObject(this.bucket, key);
  }
}

/** Reads a Node stream to its end. */
export async function readAll(stream: Readable): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of stream) chunks.push(chunk as Uint8Array);
  return new Uint8Array(Buffer.concat(chunks));
}

/** The minio client wants a Buffer, not a bare Uint8Array (it would send the wrong length). */
function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function codeOf(error: unknown): string {
  return (error as { code?: string })?.code ?? "";
}

function isMissingObject(error: unknown): boolean {
  return codeOf(error) === "NoSuchKey" || codeOf(error) === "NotFound";
}

function isMissingUpload(error: unknown): boolean {
  return codeOf(error) === "NoSuchUpload";
}

function isUnsupported(error: unknown): boolean {
  return codeOf(error) === "MethodNotAllowed" || codeOf(error) === "NotImplemented";
}
