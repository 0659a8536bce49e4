// Where key-encryption keys (KEKs) come from. The gateway encrypts each object
// with its own random 256-bit data key (envelope encryption); the data key is
// stored beside the object only wrapped by a KEK that never leaves the gateway
// and its key manager. A KeyProvider wraps and unwraps data keys; what is kept
// with the object is the provider's `keyId` and the `wrapped` text.
//
// Two providers: a keyring of local key files (keyring.ts) and OpenStack
// Barbican (barbican.ts). Both wrap locally with AES-256-GCM (envelope.ts), the
// object's WrapContext as additional authenticated data: a wrapped key copied
// to another object, or its key id edited, does not unwrap.

/** What a wrapped data key is bound to: the object it encrypts, and the client's S3 encryption context. */
export interface WrapContext {
  readonly bucket: string;
  readonly key: string;
  /**
   * x-amz-server-side-encryption-context (SSE-KMS), decoded: string pairs the
   * client must present again, in any order, for the key to unwrap.
   */
  readonly encryptionContext?: Readonly<Record<string, string>>;
}

export interface WrappedKey {
  /** The KEK's id, to store with the object and pass back to unwrap (a keyring key id; a Barbican secret uuid). */
  readonly keyId: string;
  /** The wrapped data key: printable ASCII, under 100 bytes (fits one Swift metadata value). */
  readonly wrapped: string;
}

export interface KeyProvider {
  /** Which provider this is, for logs and for the stored record ('keyring', 'barbican'). */
  readonly name: string;
  /**
   * Wraps a 32-byte data key with the KEK `keyId`, or with the provider's
   * default (the keyring's current key, Barbican's defaultKeyId) when none is
   * given. Rejects with S3 errors: KMS.NotFoundException (400) for a key id the
   * provider does not hold, ServiceUnavailable (503) when the key manager
   * cannot be reached and the key is not cached, AccessDenied (403) when the key
   * manager refuses the gateway.
   */
  wrap(dataKey: Buffer, context: WrapContext, keyId?: string): Promise<WrappedKey>;
  /**
   * The data key back, or the same errors as wrap; AccessDenied too when the
   * wrapped text does not authenticate (altered, or bound to another context).
   */
  unwrap(wrapped: string, context: WrapContext, keyId: string): Promise<Buffer>;
}
