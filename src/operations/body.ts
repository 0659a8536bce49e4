// Reading the few request bodies the gateway must parse itself (small XML
// documents), with a size cap so a client cannot make it buffer an object.
import type { Readable } from 'node:stream';
import { s3Error } from '../s3/errors.js';

export async function readSmallBody(body: Readable, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) {
      body.destroy();
      throw s3Error('InvalidRequest', {}, `The request body is larger than the ${maxBytes} bytes this request allows.`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
