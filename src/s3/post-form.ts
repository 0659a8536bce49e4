// The multipart/form-data body of a browser upload (POST object), read as it
// streams: the form fields before the file are collected (small, capped), and
// the file is handed on as a stream of its own that ends where its part ends,
// so an object of gigabytes is never held in memory. Fields after the file are
// ignored, as S3 documents ("the file or content must be the last field").
// https://docs.aws.amazon.com/AmazonS3/latest/API/RESTObjectPOST.html
// https://www.rfc-editor.org/rfc/rfc7578 (multipart/form-data)
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { s3Error } from './errors.js';

/** S3 caps the form fields (everything but the file) at 20 KB. */
export const MAX_FORM_FIELDS_BYTES = 20 * 1024;

export interface PostForm {
  /** Form fields before the file, by lower-case name (S3 field names are case-insensitive), values as sent. */
  readonly fields: ReadonlyMap<string, string>;
  /** The file's name (the part's filename), for `${filename}` in the key. */
  readonly filename: string;
  /** The file part's own Content-Type, if it has one. */
  readonly fileContentType?: string;
  /** The file's bytes: ends at its part's end; errors when the body ends first. */
  readonly file: Readable;
  /** Body bytes before the file's first byte: with Content-Length, the file's length can be known up front. */
  readonly offset: number;
  /** The boundary, whose closing delimiter follows the file. */
  readonly boundary: string;
}

/** The boundary of a multipart/form-data Content-Type, or undefined when it is not one. */
export function formBoundary(contentType: string | undefined): string | undefined {
  if (contentType === undefined || !/^\s*multipart\/form-data\s*(;|$)/i.test(contentType)) return undefined;
  const m = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  const boundary = m?.[1] ?? m?.[2];
  return boundary && boundary.length <= 70 ? boundary : undefined;
}

const malformed = (why: string) => s3Error('MalformedPOSTRequest', {}, `The body of your POST request is not well-formed multipart/form-data: ${why}.`);

interface PartHeaders {
  readonly name: string;
  readonly filename?: string;
  readonly contentType?: string;
}

function parsePartHeaders(text: string): PartHeaders {
  let name: string | undefined;
  let filename: string | undefined;
  let contentType: string | undefined;
  for (const line of text.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const header = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (header === 'content-disposition') {
      name = /;\s*name="([^"]*)"/i.exec(value)?.[1] ?? /;\s*name=([^;\s]+)/i.exec(value)?.[1];
      filename = /;\s*filename="([^"]*)"/i.exec(value)?.[1] ?? /;\s*filename=([^;\s]+)/i.exec(value)?.[1];
    } else if (header === 'content-type') {
      contentType = value;
    }
  }
  if (name === undefined) throw malformed('a part has no Content-Disposition name');
  return { name, filename, contentType };
}

/**
 * Reads the form up to the file. The returned file stream pulls the rest of
 * the body on demand (back-pressure reaches the client) and ends at the
 * delimiter after the file; what follows is drained unread.
 */
export async function readPostForm(body: Readable, boundary: string): Promise<PostForm> {
  const delimiter = Buffer.from(`\r\n--${boundary}`);
  const iterator = body[Symbol.asyncIterator]();
  // The preamble is taken as if a CRLF came before the first delimiter.
  let buffered = Buffer.from('\r\n');
  let consumed = -2;
  let ended = false;
  const more = async (): Promise<boolean> => {
    if (ended) return false;
    const next = await iterator.next();
    if (next.done) {
      ended = true;
      return false;
    }
    buffered = Buffer.concat([buffered, next.value as Buffer]);
    return true;
  };
  const take = (n: number): Buffer => {
    const out = buffered.subarray(0, n);
    buffered = buffered.subarray(n);
    consumed += n;
    return out;
  };
  /** Reads until `needle`, returning what came before it (and dropping the needle); at most `cap` bytes. */
  const until = async (needle: Buffer, cap: number): Promise<Buffer> => {
    for (;;) {
      const at = buffered.indexOf(needle);
      if (at >= 0) {
        const out = take(at);
        take(needle.length);
        return out;
      }
      if (buffered.length > cap + needle.length) throw s3Error('MaxPostPreDataLengthExceeded', {}, `Your POST request fields preceding the upload file were too large: at most ${MAX_FORM_FIELDS_BYTES} bytes.`);
      if (!(await more())) throw malformed('the body ended inside the form');
    }
  };

  const fields = new Map<string, string>();
  let fieldBytes = 0;
  await until(delimiter, MAX_FORM_FIELDS_BYTES);
  for (;;) {
    // After a delimiter: `--` closes the form, CRLF starts a part.
    while (buffered.length < 2) if (!(await more())) throw malformed('the body ended after a delimiter');
    if (buffered.subarray(0, 2).toString() === '--') throw s3Error('InvalidArgument', { ArgumentName: 'file', ArgumentValue: '' }, 'POST requires exactly one file upload per request.');
    await until(Buffer.from('\r\n'), 0).catch(() => { throw malformed('no line break after a delimiter'); });
    const headers = parsePartHeaders((await until(Buffer.from('\r\n\r\n'), MAX_FORM_FIELDS_BYTES - fieldBytes)).toString('utf8'));
    if (headers.name.toLowerCase() === 'file') {
      return { fields, filename: headers.filename ?? '', fileContentType: headers.contentType, file: fileStream(), offset: consumed, boundary };
    }
    const value = (await until(delimiter, MAX_FORM_FIELDS_BYTES - fieldBytes)).toString('utf8');
    fieldBytes += headers.name.length + value.length;
    if (fieldBytes > MAX_FORM_FIELDS_BYTES) throw s3Error('MaxPostPreDataLengthExceeded', {}, `Your POST request fields preceding the upload file were too large: at most ${MAX_FORM_FIELDS_BYTES} bytes.`);
    fields.set(headers.name.toLowerCase(), value);
  }

  function fileStream(): Readable {
    let done = false;
    // One push per read(): Node calls read() again once it wants more.
    const step = async (stream: Readable): Promise<void> => {
      for (;;) {
        const at = buffered.indexOf(delimiter);
        if (at >= 0) {
          const last = Buffer.from(take(at));
          done = true;
          if (last.length > 0) stream.push(last);
          stream.push(null);
          // Whatever follows the file (the closing delimiter, later fields) is read and dropped.
          void (async () => { while (await more()) buffered = Buffer.alloc(0); })().catch(() => {});
          return;
        }
        // All but what could be the start of a delimiter can go.
        const safe = buffered.length - (delimiter.length - 1);
        if (safe > 0) {
          stream.push(Buffer.from(take(safe)));
          return;
        }
        if (!(await more())) throw malformed('the body ended inside the file');
      }
    };
    return new Readable({
      read() {
        if (done) return;
        step(this).catch((err: Error) => {
          done = true;
          this.destroy(err);
        });
      },
    });
  }
}

/**
 * The file's length when the form ends right after it (S3 ignores anything
 * later; browsers and curl put the closing delimiter there):
 * Content-Length − what came before the file − `\r\n--<boundary>--\r\n`.
 */
export function fileLengthOf(form: PostForm, contentLength: number): number {
  const length = contentLength - form.offset - (form.boundary.length + 8);
  if (length < 0) throw malformed('the Content-Length is shorter than the form');
  return length;
}

/**
 * Passes exactly `length` bytes on and fails otherwise, holding the latest
 * piece back until the end: a file that is not the form's last field (so its
 * length was not what Content-Length said) fails before Swift has all the
 * bytes it was promised, and Swift stores nothing.
 */
export class ExactLength extends Transform {
  #seen = 0;
  #held: Buffer | undefined;

  constructor(private readonly length: number) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, callback: TransformCallback): void {
    this.#seen += chunk.length;
    if (this.#seen > this.length) return callback(notLast());
    if (this.#held) this.push(this.#held);
    this.#held = chunk;
    callback();
  }

  override _flush(callback: TransformCallback): void {
    if (this.#seen !== this.length) return callback(notLast());
    if (this.#held) this.push(this.#held);
    callback();
  }
}

const notLast = () => s3Error('InvalidArgument', { ArgumentName: 'file', ArgumentValue: '' }, 'The file must be the last field of the form, followed only by the closing boundary.');
