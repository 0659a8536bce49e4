// What an operation returns: a status, response headers, and at most one body,
// either an XML document (built by s3/documents.ts) or a byte stream.
import type { Readable } from 'node:stream';

export interface XmlBody {
  readonly root: string;
  readonly doc: Record<string, unknown>;
  /**
   * The whole document (declaration included) written directly, for the hot
   * documents (listings), in pieces of a few dozen KB: joined, the same text as
   * `toXml(root, doc, namespace)`, without building doc first. (Pieces, not one
   * 250 KB string: V8 puts strings that big in large-object space, which only a
   * full GC frees; under listing load that grew the heap by tens of MB.)
   */
  readonly text?: (namespace: string | undefined) => string[];
  /**
   * Characters XML 1.0 cannot carry: 'throw' (the default: the request fails
   * before anything is done) or 'replace' them with U+FFFD, for answers about
   * work already done (DeleteObjects), which must be sent whatever the keys.
   */
  readonly invalidChars?: 'throw' | 'replace';
}

export interface S3Result {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string | undefined>>;
  readonly xml?: XmlBody;
  readonly stream?: Readable;
  /**
   * An XML answer still being worked out (a long CompleteMultipartUpload): the
   * status goes out at once, whitespace keeps the connection alive, and the
   * document, or an error document, ends the body.
   */
  readonly pendingXml?: Promise<XmlBody>;
}

/** Per-request state shared along the pipeline: the id S3 clients see and log. */
export interface RequestContext {
  /** Swift's X-Trans-Id of the last Swift call, or one the gateway generated. */
  transId: string;
  /** Set once the request is authenticated; used in logs, never a secret. */
  accessKeyId?: string;
  /** The S3 operation name, once routed. */
  operation?: string;
  /** The addressed bucket, once the request is parsed (for logs; never a metric label). */
  bucket?: string;
  /** The S3 error code answered, when the request failed. */
  errorCode?: string;
}
