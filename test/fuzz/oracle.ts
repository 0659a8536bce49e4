// What every answer to a fuzzed request must be, whatever the request was:
// - no 500 InternalError and no 5xx but 501 NotImplemented (503 only when the
//   stack really failed, which the campaign reports rather than excuses);
// - a well-formed S3 answer: an error is an XML <Error> with Code, Message and
//   RequestId; HEAD and 204/304 have no body; Content-Length equals the bytes
//   sent; an XML success body parses; every answer has x-amz-request-id;
// - a request that names another project's bucket (path, host, copy source)
//   never succeeds, and no answer carries that bucket's bytes.
// https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html
import { XMLValidator } from 'fast-xml-parser';
import type { FuzzCase } from './arbitraries.js';
import type { WireAnswer } from './wire.js';

export interface Verdict {
  /** Status and S3 code, for the summary (`403 AccessDenied`, `200`). */
  readonly label: string;
  /** What is wrong with the answer; empty when nothing is. */
  readonly problems: string[];
}

function xmlText(xml: string, element: string): string | undefined {
  return new RegExp(`<${element}>([\\s\\S]*?)</${element}>`).exec(xml)?.[1];
}

/** What only the other project's bucket holds: a phrase in its objects' bytes, a word in its key names. */
export interface VictimMarkers {
  readonly bytes: string;
  readonly names: string;
}

export function judge(c: FuzzCase, answer: WireAnswer, victim: VictimMarkers, requestText: string): Verdict {
  const problems: string[] = [];
  const text = answer.body.toString('utf8');
  const isError = answer.status >= 400 || (answer.status >= 300 && answer.status !== 304 && answer.status !== 301 && answer.status !== 302 && answer.status !== 307);
  const code = isError ? xmlText(text, 'Code') : undefined;
  const label = code === undefined ? String(answer.status) : `${answer.status} ${code}`;

  if (answer.status === 500) problems.push('500 InternalError');
  else if (answer.status > 500 && answer.status !== 501) problems.push(`${answer.status}: a 5xx the gateway must not answer unless the stack failed`);
  if (answer.status < 100 || answer.status > 599) problems.push(`status ${answer.status} is not an HTTP status`);
  if (answer.headers['x-amz-request-id'] === undefined) problems.push('no x-amz-request-id header');

  const declared = answer.headers['content-length'];
  const noBody = c.method === 'HEAD' || answer.status === 204 || answer.status === 304;
  if (noBody && answer.body.length > 0) problems.push(`${c.method} ${answer.status} has a body of ${answer.body.length} bytes`);
  if (!noBody && declared !== undefined && Number(declared) !== answer.body.length) problems.push(`Content-Length ${declared} but ${answer.body.length} bytes came`);
  if (answer.status === 204 && declared !== undefined && declared !== '0') problems.push(`204 with Content-Length ${declared}`);

  if (isError && !noBody) {
    if (!/^\s*(<\?xml[^>]*\?>)?\s*<Error>/.test(text)) problems.push('error body is not an XML <Error> document');
    else {
      if (XMLValidator.validate(text) !== true) problems.push('error body is not well-formed XML');
      for (const el of ['Code', 'Message', 'RequestId']) if (xmlText(text, el) === undefined) problems.push(`error body has no <${el}>`);
    }
  } else if (!noBody && /xml/.test(answer.headers['content-type'] ?? '') && answer.body.length > 0 && XMLValidator.validate(text) !== true) {
    problems.push('XML answer is not well-formed');
  }

  if (c.touchesVictim && answer.status >= 200 && answer.status < 300) problems.push(`a request naming the other project's bucket succeeded (${answer.status})`);
  if (text.includes(victim.bytes)) problems.push("the answer carries the other project's object bytes");
  // An error may echo the key the request named; a success naming a key of that bucket the request did not name is a leak.
  if (answer.status < 300 && text.includes(victim.names) && !requestText.includes(victim.names)) problems.push("the answer lists the other project's keys");
  return { label, problems };
}
