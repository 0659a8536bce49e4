// The doctor's HTTP: plain fetch with a timeout, and a network failure told
// in words (refused, unknown host, timed out) instead of "fetch failed".

export interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
}

export class Unreachable extends Error {}

/** Why a fetch failed, from undici's cause codes. */
export function explainNetworkError(url: string, err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  const where = (() => {
    try {
      const u = new URL(url);
      return `${u.hostname}:${u.port || (u.protocol === 'https:' ? 443 : 80)}`;
    } catch {
      return url;
    }
  })();
  if ((err as Error).name === 'TimeoutError') return `no answer from ${where} within the timeout`;
  switch (cause?.code) {
    case 'ECONNREFUSED': return `nothing listens at ${where} (connection refused)`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN': return `the host name in ${url} does not resolve`;
    case 'ECONNRESET': return `${where} closed the connection (is it plain HTTP where https was expected, or the reverse?)`;
    case 'UND_ERR_CONNECT_TIMEOUT': return `connecting to ${where} timed out`;
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE': return `${where}'s TLS certificate is not trusted (set NODE_EXTRA_CA_CERTS to its CA bundle)`;
    default: return `${url} is unreachable: ${cause?.message ?? (err as Error).message}`;
  }
}

export async function call(url: string, init: RequestInit & { timeoutMs: number }): Promise<Answer> {
  const { timeoutMs, ...rest } = init;
  let res: Response;
  try {
    res = await fetch(url, { ...rest, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    throw new Unreachable(explainNetworkError(url, err));
  }
  return { status: res.status, headers: res.headers, text: await res.text() };
}

export function jsonOf(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
