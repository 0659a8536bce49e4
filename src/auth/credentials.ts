// Where secrets come from. A store maps an access key id to its secret and to an
// identity the rest of the gateway understands (for this project, a Swift identity;
// auth/ does not need to know what it is).

export interface Credential<I> {
  readonly accessKeyId: string;
  readonly secretKey: string;
  readonly identity: I;
}

export interface CredentialStore<I> {
  /**
   * Undefined when the key is unknown. Throws when the store cannot answer
   * (e.g. Keystone unreachable). The caller verifies the signature with the secret.
   */
  lookup(accessKeyId: string): Promise<Credential<I> | undefined>;
}

/** Credentials held in memory, e.g. loaded from the credentials file. */
export class StaticCredentialStore<I> implements CredentialStore<I> {
  readonly #byKey: ReadonlyMap<string, Credential<I>>;

  constructor(credentials: Iterable<Credential<I>>) {
    const map = new Map<string, Credential<I>>();
    for (const c of credentials) map.set(c.accessKeyId, c);
    this.#byKey = map;
  }

  async lookup(accessKeyId: string): Promise<Credential<I> | undefined> {
    return this.#byKey.get(accessKeyId);
  }

  get size(): number {
    return this.#byKey.size;
  }
}

/** Asks each store in turn (e.g. the file first, then Keystone). */
export class ChainedCredentialStore<I> implements CredentialStore<I> {
  constructor(private readonly stores: readonly CredentialStore<I>[]) {}

  async lookup(accessKeyId: string): Promise<Credential<I> | undefined> {
    for (const store of this.stores) {
      const found = await store.lookup(accessKeyId);
      if (found) return found;
    }
    return undefined;
  }
}
