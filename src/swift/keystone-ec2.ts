// Keystone's EC2-credential API, as the gateway's service identity uses it:
// - POST /v3/s3tokens checks a signature and names the key's user, project and
//   roles (this Keystone answers only callers with a service or admin token);
// - GET /v3/users/{user}/credentials/OS-EC2/{access} reads the secret, so later
//   requests are verified locally (what s3token's secret_cache_duration does);
// - GET /v3/credentials/{sha256(access)} tells an unknown key from a bad signature
//   or from a user without a role on the project.
// https://docs.openstack.org/api-ref/identity/v3-ext/#os-ec2-api
import { createHash } from 'node:crypto';
import type { Dispatcher } from 'undici';
import { UpstreamUnavailable } from './errors.js';
import type { KeystoneIdentity, KeystoneTokens } from './keystone.js';

export interface Ec2Owner {
  readonly userId: string;
  readonly userName: string;
  readonly projectId: string;
  readonly projectName: string;
  readonly roles: readonly string[];
}

export type Ec2CallKind = 's3tokens' | 'ec2_secret' | 'ec2_credential';

export interface Ec2Options {
  readonly authUrl: string;
  readonly dispatcher: Dispatcher;
  readonly tokens: KeystoneTokens;
  readonly service: KeystoneIdentity;
  readonly timeoutMs: number;
  readonly events?: { call?(kind: Ec2CallKind, outcome: 'ok' | 'rejected' | 'unavailable', seconds: number): void };
}

interface TokenReference {
  token?: {
    user?: { id?: string; name?: string };
    project?: { id?: string; name?: string };
    roles?: { name?: string }[];
  };
}

/** Python's urlsafe_b64decode, which Keystone uses, wants the padding. */
function urlsafeBase64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
}

export class KeystoneEc2 {
  readonly #opts: Ec2Options;
  readonly #base: URL;

  constructor(opts: Ec2Options) {
    this.#opts = opts;
    this.#base = new URL(opts.authUrl.replace(/\/+$/, '') + '/');
  }

  /** The key's owner if Keystone accepts the signature; undefined if it does not. */
  async validate(access: string, stringToSign: string, signature: string): Promise<Ec2Owner | undefined> {
    const body = JSON.stringify({ credentials: { access, token: urlsafeBase64(stringToSign), signature } });
    const res = await this.#call('s3tokens', 'POST', 's3tokens', body);
    if (res.status !== 200) return undefined;
    const t = (JSON.parse(res.text) as TokenReference).token ?? {};
    if (!t.user?.id || !t.project?.id) return undefined;
    return {
      userId: t.user.id,
      userName: t.user.name ?? t.user.id,
      projectId: t.project.id,
      projectName: t.project.name ?? t.project.id,
      roles: (t.roles ?? []).map((r) => (r.name ?? '').toLowerCase()).filter(Boolean),
    };
  }

  /** The EC2 secret of a user's key, or undefined if it is gone. */
  async secret(userId: string, access: string): Promise<string | undefined> {
    const res = await this.#call('ec2_secret', 'GET', `users/${encodeURIComponent(userId)}/credentials/OS-EC2/${encodeURIComponent(access)}`);
    if (res.status !== 200) return undefined;
    return (JSON.parse(res.text) as { credential?: { secret?: string } }).credential?.secret;
  }

  /**
   * The key as Keystone stores it (its credential id is sha256 of the key), or
   * undefined if Keystone does not hold it.
   */
  async credential(access: string): Promise<{ secret: string; userId: string; projectId: string } | undefined> {
    const id = createHash('sha256').update(access).digest('hex');
    const res = await this.#call('ec2_credential', 'GET', `credentials/${id}`);
    if (res.status !== 200) return undefined;
    const c = (JSON.parse(res.text) as { credential?: { blob?: string; user_id?: string; project_id?: string } }).credential;
    const blob = JSON.parse(c?.blob ?? '{}') as { access?: string; secret?: string };
    if (blob.access !== access || !blob.secret) return undefined;
    return { secret: blob.secret, userId: c?.user_id ?? '', projectId: c?.project_id ?? '' };
  }

  /** One call with the service token; a refused service token is renewed once. 5xx or no answer: UpstreamUnavailable. */
  async #call(kind: Ec2CallKind, method: 'GET' | 'POST', path: string, body?: string): Promise<{ status: number; text: string }> {
    for (let attempt = 0; ; attempt++) {
      const token = await this.#opts.tokens.get(this.#opts.service);
      const started = Date.now();
      const url = new URL(path, this.#base);
      let res: Dispatcher.ResponseData;
      try {
        res = await this.#opts.dispatcher.request({
          origin: url.origin,
          path: url.pathname,
          method,
          headers: { 'x-auth-token': token.token, accept: 'application/json', ...(body ? { 'content-type': 'application/json' } : {}) },
          body,
          headersTimeout: this.#opts.timeoutMs,
          bodyTimeout: this.#opts.timeoutMs,
        });
      } catch (err) {
        this.#opts.events?.call?.(kind, 'unavailable', (Date.now() - started) / 1000);
        throw new UpstreamUnavailable('keystone', `Keystone is unreachable: ${(err as Error).message}`, { cause: err });
      }
      const text = await res.body.text();
      const seconds = (Date.now() - started) / 1000;
      if (res.statusCode >= 500) {
        this.#opts.events?.call?.(kind, 'unavailable', seconds);
        throw new UpstreamUnavailable('keystone', `Keystone answered ${res.statusCode} to ${kind}`);
      }
      // A 401 for the request itself (bad signature) and for our own token look alike;
      // renewing the service token once tells them apart.
      if (res.statusCode === 401 && attempt === 0 && kind !== 's3tokens') {
        this.#opts.tokens.invalidate(this.#opts.service);
        continue;
      }
      this.#opts.events?.call?.(kind, res.statusCode < 300 ? 'ok' : 'rejected', seconds);
      return { status: res.statusCode, text };
    }
  }
}
