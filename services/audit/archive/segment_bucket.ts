/**
 * The archive bucket: segments and manifests put, read and listed on an S3-protocol server
 * (MinIO, or s3rver in tests) through the attachments service's object store, plus listing.
 * @module
 */
import * as Minio from "minio";
import { ObjectStore, type ObjectStoreConfig } from "../../attachments/storage/object_store.ts";

export class SegmentBucket {
  readonly store: ObjectStore;
  readonly #client: Minio.Client;

  constructor(readonly config: ObjectStoreConfig) {
    this.store = new ObjectStore(config);
    const { bucket: _bucket, ...connection } = config;
    this.#client = new Minio.Client(connection);
  }

  ensure(): Promise<void> {
    return this.store.ensureBucket();
  }

  put(key: string, bytes: Uint8Array): Promise<void> {
    return this.store.put(key, bytes);
  }

  /** The object's bytes, or null if there is none. */
  get(key: string): Promise<Uint8Array | null> {
    return this.store.get(key);
  }

  size(key: string): Promise<number | null> {
    return this.store.size(key);
  }

  remove(key: string): Promise<void> {
    return this.store.remove(key);
  }

  /** Every key under `prefix`, in key order (segments sort by their padded sequences). */
  async list(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    try {
      const stream = this.#client.listObjectsV2(this.config.bucket, prefix, true);
      for await (const item of stream) {
        if ((item as { name?: string }).name) keys.push((item as { name: string }).name);
      }
    } catch (error) {
      // Nothing archived yet: the archiver makes the bucket when it first runs.
      if ((error as { code?: string }).code !== "NoSuchBucket") throw error;
    }
    return keys.sort();
  }
}
