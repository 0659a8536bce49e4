// One request, one direction: parse → authenticate → route → operation → Swift →
// render. Works on node's IncomingMessage/ServerResponse so bodies stream
// without copies; app.ts wraps it in Hono middleware.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CredentialStore } from '../auth/credentials.js';
import type { AccessPolicy } from '../credentials/authorize.js';
import type { SigningKeyCache } from '../auth/signing-keys.js';
import { prepareBody, type PreparedBody } from '../auth/payload.js';
import { authenticate, isAnonymous, type Authenticated } from '../auth/verify.js';
import type { Namespace } from '../namespace/index.js';
import type { Logger } from '../observe/log.js';
import { errorFields } from '../observe/log.js';
import type { Metrics } from '../observe/metrics.js';
import type { Limits, ObjectLockSettings, SseSettings, StorageSettings } from '../operations/context.js';
import type { KnownContainers } from '../operations/common/segments.js';
import { SwiftStore } from '../swift/store.js';
import type { Sealer } from '../swift/sealed-state.js';
import { checkTarget, handlerFor } from '../operations/index.js';
import { route } from '../s3/router.js';
import type { Dialect } from '../s3/dialect.js';
import { S3Error, isS3Error, s3Error } from '../s3/errors.js';
import { writeError, writeResult } from '../s3/render.js';
import { ClientGone, requestBody, type RequestBody } from './request-body.js';
import { parseRequest, withLiteralPlus, type S3Request } from '../s3/request.js';
import type { RequestContext } from '../s3/result.js';
import type { SwiftClient } from '../swift/client.js';
import { CrossAccountTarget, IdentityRejected, SwiftError, TokenRejected, UpstreamBusy, UpstreamUnavailable } from '../swift/errors.js';
import { translate } from '../operations/common/swift-errors.js';
import { objectGateFor } from '../operations/common/delegation.js';
import type { Credential } from '../auth/credentials.js';
import type { V4Context } from '../auth/sigv4.js';
import { isPostObject, readPostObject, type PostObjectRequest } from './post-object.js';
import { decideAccess, type AccessOutcome } from './bucket-access.js';
import { anonymousReach, gatedRetry, signedReach } from './reach.js';
import { addCorsHeaders, preflight } from './cors.js';
import { serveWebsite, websiteBucketOf } from './website.js';
import type { SwiftIdentity } from '../swift/keystone.js';
import { TamperedObject } from '../crypto/streams.js';

export interface PipelineDeps {
  readonly domains: readonly string[];
  /** s3.websiteDomains: hosts of the static website endpoint. */
  readonly websiteDomains?: readonly string[];
  readonly region: string;
  /** Regions a SigV4 credential scope may name (s3.acceptedRegions). */
  readonly acceptedRegions: readonly string[];
  readonly signingKeys: SigningKeyCache;
  readonly dialect: Dialect;
  readonly maxSkewMs: number;
  readonly limits: Limits;
  readonly credentials: CredentialStore<SwiftIdentity>;
  /** Roles that let Keystone EC2 keys write or only read (see authorize.ts). */
  readonly access?: AccessPolicy;
  readonly swift: SwiftClient;
  readonly metrics: Metrics;
  readonly log: Logger;
  readonly now: () => number;
  /** Seals the gateway's own state kept on objects (see swift/sealed-state.ts). */
  readonly seal: Sealer;
  /** Which buckets have a multipart segments container (one cache per app). */
  readonly segmentsContainers: KnownContainers;
  /** s3.objectLock.* and the bucket lock cache (one per app). */
  readonly objectLock?: ObjectLockSettings;
  /** s3.bodyIdleTimeoutSeconds in ms: longest silence inside a request body (0 or unset: none). */
  readonly bodyIdleTimeoutMs?: number;
  /** False for a connection over listen.maxConnectionsPerClient: it is answered SlowDown and closed. */
  readonly admits?: (incoming: IncomingMessage) => boolean;
  /** The global bucket namespace (namespace.mode global); undefined: every project has its own names. */
  readonly namespace?: Namespace;
  /** s3.storageClasses on the cluster's policies (unset: STANDARD only). */
  readonly storage?: StorageSettings;
  /**
   * SSE-C: the key-digest secret, and whether customer keys are accepted over
   * plain HTTP (encryption.customerKeysOverHttp); SSE-S3/SSE-KMS: the key providers (src/kms/).
   */
  readonly sse?: { readonly digestKey: Buffer; readonly customerKeysOverHttp: boolean; readonly providers?: SseSettings['providers'] };
}

const AUTH_CODES = new Set([
  'AccessDenied', 'InvalidAccessKeyId', 'SignatureDoesNotMatch', 'RequestTimeTooSkewed', 'NotImplemented',
  'AuthorizationHeaderMalformed', 'AuthorizationQueryParametersError', 'InvalidRequest', 'InvalidArgument',
]);

/** Any failure as the S3 error a client should see. */
export function toS3Error(err: unknown, deps: PipelineDeps, ctx: RequestContext): S3Error {
  if (isS3Error(err)) {
    // A Swift answer no table maps (translate() makes it an InternalError) is
    // still the gateway's to explain; and a ServiceUnavailable from Swift's 5xx
    // is said in the log, so a 503 can be told from the gateway's own fault.
    // (Found by the fuzzer: a 500 from Swift's 414 that no log line explained.)
    if (err.code === 'InternalError' && err.cause !== undefined) deps.log.log('error', 'internal error', { transId: ctx.transId, operation: ctx.operation, ...errorFields(err.cause) });
    if (err.code === 'ServiceUnavailable' && err.cause instanceof SwiftError) deps.log.log('warn', 'upstream unavailable', { transId: ctx.transId, service: 'swift', status: err.cause.status, operation: ctx.operation });
    return err;
  }
  if (err instanceof UpstreamBusy) {
    deps.log.log('warn', 'upstream busy', { transId: ctx.transId, service: err.service, ...errorFields(err) });
    return s3Error('SlowDown', {}, 'Every connection of this gateway to the storage backend is busy; please retry.');
  }
  if (err instanceof UpstreamUnavailable) {
    deps.log.log('warn', 'upstream unavailable', { transId: ctx.transId, service: err.service, ...errorFields(err) });
    return s3Error('ServiceUnavailable', {}, `The storage backend is temporarily unavailable (${err.service}); please retry.`);
  }
  if (err instanceof IdentityRejected) {
    deps.log.log('warn', 'keystone refused the identity of an access key', { transId: ctx.transId, accessKeyId: ctx.accessKeyId, status: err.status });
    return s3Error('AccessDenied', {}, 'The storage identity of this access key was refused.');
  }
  if (err instanceof CrossAccountTarget) {
    deps.log.log('warn', 'refused an object that resolves into another account', { transId: ctx.transId, accessKeyId: ctx.accessKeyId, operation: ctx.operation });
    return s3Error('AccessDenied', {}, 'The object is a symlink into another account; this gateway does not follow it.');
  }
  if (err instanceof TokenRejected) {
    return s3Error('ServiceUnavailable', {}, 'The storage token was renewed while this upload was in flight; please retry.');
  }
  if (err instanceof SwiftError) {
    // A Swift answer outside an operation's table (the bucket registry, a
    // request's placement): the statuses every family agrees on.
    const translated = translate(err, {});
    if (isS3Error(translated) && translated.code === 'ServiceUnavailable') deps.log.log('warn', 'upstream unavailable', { transId: ctx.transId, service: 'swift', status: err.status, operation: ctx.operation });
    if (isS3Error(translated) && translated.code !== 'InternalError') return translated;
  }
  deps.log.log('error', 'internal error', { transId: ctx.transId, operation: ctx.operation, ...errorFields(err) });
  return s3Error('InternalError', {}, undefined, err);
}

/**
 * x-amz-expected-bucket-owner (and x-amz-source-expected-bucket-owner of a
 * copy): the request goes on only if the bucket belongs to that owner. Here
 * every bucket a request reaches is in the key's own project (its owner ID).
 */
async function checkExpectedOwner(req: S3Request, ownerId: () => Promise<string>): Promise<void> {
  for (const header of ['x-amz-expected-bucket-owner', 'x-amz-source-expected-bucket-owner']) {
    const expected = req.headers[header];
    if (expected !== undefined && expected.trim() !== (await ownerId())) {
      throw s3Error('AccessDenied', { Header: header }, `The bucket is not owned by the account named in ${header}.`);
    }
  }
}

/**
 * Operations whose x-amz-checksum-* headers mean something else than the
 * checksum of the request body. CompleteMultipartUpload: the checksum of the
 * object it makes (a COMPOSITE `<base64>-<N>` or a FULL_OBJECT CRC), checked
 * by the operation against the parts; checked against the XML body, every
 * client that sends it (minio-go, the SDKs' full-object uploads) failed.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_CompleteMultipartUpload.html
 */
const CHECKSUM_NOT_OF_BODY: ReadonlySet<string> = new Set(['CompleteMultipartUpload']);

/** What the client sent `Expect: 100-continue` for: a body it holds back until told to send it. */
function waitsForContinue(incoming: IncomingMessage): boolean {
  return !incoming.complete && incoming.headers.expect?.toLowerCase() === '100-continue';
}

/**
 * The client closed its connection mid-request: nobody is left to answer, and
 * nothing failed on the Swift side, so this is neither logged nor counted as
 * an upstream failure. 499 (nginx's and Swift's "client closed request") is
 * what logs and s3gw_requests_total then show.
 */
function clientWentAway(err: ClientGone, outgoing: ServerResponse, deps: PipelineDeps, ctx: RequestContext): void {
  deps.log.log('info', 'client closed the connection mid-request', { transId: ctx.transId, operation: ctx.operation, error: err.message });
  deps.metrics.clientAborts.inc({ operation: ctx.operation ?? 'unknown', event: 'disconnected' });
  if (!outgoing.headersSent) outgoing.statusCode = 499;
  outgoing.destroy();
}

/** The most of a body still to come that the gateway reads and drops after answering it with an error. */
const DISCARD_AFTER_ERROR_BYTES = 16 * 1024 * 1024;

const NO_DECISION: AccessOutcome = { asGateway: false };

export async function serveS3(incoming: IncomingMessage, outgoing: ServerResponse, deps: PipelineDeps, ctx: RequestContext): Promise<void> {
  const method = (incoming.method ?? 'GET').toUpperCase();
  let req: S3Request | undefined;
  let body: RequestBody | undefined;
  let prepared: PreparedBody | undefined;
  let closeAfter = false;
  try {
    if (deps.admits && !deps.admits(incoming)) {
      // listen.maxConnectionsPerClient: SlowDown is the answer every S3 client
      // backs off and retries on; the connection closes after it.
      closeAfter = true;
      throw s3Error('SlowDown', {}, 'Too many open connections from your address; use fewer parallel connections and retry.');
    }
    req = parseRequest({ method, url: incoming.url ?? '/', rawHeaders: incoming.rawHeaders }, deps.domains);
    ctx.bucket = req.bucket;
    const site = deps.namespace && websiteBucketOf(req, deps.websiteDomains);
    if (site !== undefined && deps.namespace) {
      ctx.operation = 'WebsiteRequest';
      const sink = { get transId() { return ctx.transId; }, set transId(id: string) { ctx.transId = id; } };
      await serveWebsite(outgoing, req, site, { namespace: deps.namespace, seal: deps.seal, providers: deps.sse?.providers }, sink);
      return;
    }
    if (method === 'OPTIONS') {
      // A browser's CORS preflight: never signed, answered from the bucket's rules.
      ctx.operation = 'PreflightRequest';
      const answer = await preflight(req, deps.namespace);
      await writeResult(outgoing, answer, { dialect: deps.dialect, method, transId: ctx.transId, toError: (err) => toS3Error(err, deps, ctx) });
      return;
    }
    const extra = req.headers['x-trans-id-extra'];
    // A browser upload carries its signature in its form: read the fields first.
    let post: PostObjectRequest<SwiftIdentity> | undefined;
    if (isPostObject(req)) {
      if (waitsForContinue(incoming)) outgoing.writeContinue();
      body = requestBody(incoming, { idleTimeoutMs: deps.bodyIdleTimeoutMs ?? 0, now: deps.now });
      post = await readPostObject(req, body.stream, deps);
      req = post.req;
      if (!post.credential && deps.namespace === undefined) throw s3Error('AccessDenied', {}, 'Anonymous uploads need this gateway\'s global bucket namespace; sign the form.');
    }
    // Unsigned requests are anonymous: served only where a bucket's ACLs let
    // everyone in, which needs the global namespace to know whose bucket it is.
    const anonymous = post ? !post.credential : deps.namespace !== undefined && isAnonymous(req);
    // (A form's signature is over its policy, no scheme a bucket policy's s3:authType names.)
    let authenticated: { credential: Credential<SwiftIdentity>; v4?: V4Context; scheme?: Authenticated<SwiftIdentity>['scheme'] } | undefined = post?.credential && { credential: post.credential };
    if (!anonymous && !post) {
      try {
        authenticated = await authenticate(req, deps.credentials, {
          maxSkewMs: deps.maxSkewMs, now: deps.now, acceptedRegions: deps.acceptedRegions, signingKeys: deps.signingKeys,
        });
      } catch (err) {
        if (isS3Error(err) && AUTH_CODES.has(err.code)) deps.metrics.authFailures.inc({ code: err.code });
        throw err;
      }
      // The query as it was signed: a `+` the signature proved literal stays a `+`.
      if (authenticated.v4?.queryPlusIsSpace === false) req = withLiteralPlus(req);
    }
    if (authenticated) ctx.accessKeyId = authenticated.credential.accessKeyId;
    // (A browser upload's request now names its key, as its operation sees it.)
    const operation = post ? 'PostObject' : route(req);
    ctx.operation = operation;
    const handler = handlerFor(operation);
    const sink = { get transId() { return ctx.transId; }, set transId(id: string) { ctx.transId = id; }, transIdExtra: extra };
    const reach = authenticated === undefined
      ? await anonymousReach(req, operation, deps.namespace!, deps, sink)
      : await signedReach(req, operation, authenticated.credential.identity, method, deps, sink);
    // Most requests (a bucket without a policy, signed) need no decision of the gateway's.
    const decide = deps.namespace !== undefined && (reach.bucketRecord?.settings.policy !== undefined || reach.requester?.kind === 'anonymous');
    const access = !decide ? NO_DECISION : decideAccess({
      req, operation, incoming, record: reach.bucketRecord, bucketOwner: reach.bucketOwner, requester: reach.requester, user: reach.user,
      scheme: authenticated?.scheme, policies: deps.namespace!.policies, now: deps.now(),
    });
    const swift = access.asGateway ? deps.namespace!.asGateway(sink, reach.bucketRecord!.account) : reach.swift;
    addCorsHeaders(outgoing, req, reach.bucketRecord);
    await checkExpectedOwner(req, async () => reach.bucketOwner?.id ?? (await swift.account()).projectId);
    // SSE-C only over TLS (the listener is plain HTTP: a TLS socket says `encrypted`), unless the operator allows HTTP.
    const sse = deps.sse && {
      digestKey: deps.sse.digestKey, customerKeysAllowed: deps.sse.customerKeysOverHttp || (incoming.socket as { encrypted?: boolean }).encrypted === true,
      providers: deps.sse.providers,
    };
    checkTarget(operation, req, deps.storage?.classes, sse);
    body ??= requestBody(incoming, { idleTimeoutMs: deps.bodyIdleTimeoutMs ?? 0, now: deps.now });
    prepared = prepareBody(req, post?.file ?? body.stream, authenticated?.v4, { checksumIsBody: !CHECKSUM_NOT_OF_BODY.has(operation) });
    // Only now, signed and accepted, may the client send its body (RFC 9110
    // §10.1.1). server.ts turned off node's automatic 100 Continue, which
    // would have invited the body of any request, signed or not.
    if (!post && waitsForContinue(incoming)) outgoing.writeContinue();
    const opCtx = {
      req,
      store: new SwiftStore(swift, deps.seal),
      dialect: deps.dialect,
      body: prepared.body,
      decodedLength: prepared.decodedLength,
      checksum: prepared.checksum,
      limits: deps.limits,
      region: deps.region,
      acceptedRegions: deps.acceptedRegions,
      segmentsContainers: deps.segmentsContainers,
      get namespace() { return reach.namespace; },
      bucketOwner: reach.bucketOwner,
      bucketRecord: reach.bucketRecord,
      requester: reach.requester,
      delegate: deps.namespace && (deps.namespace.delegateNow() ?? (await deps.namespace.delegate())),
      policyDecision: access.policyDecision,
      objectGate: access.objectGate,
      permitsKey: access.permitsKey,
      // As the gateway, a copy's source is this bucket (bucket-access.ts): no other account.
      postForm: post?.form,
      get otherAccount() { return access.asGateway ? undefined : reach.otherAccount; },
      objectLock: deps.objectLock,
      storage: deps.storage,
      sse,
    };
    const result = await handler(opCtx).catch(async (err: unknown) => {
      // An object ACL may admit a reader Swift refused: read again as the
      // gateway, which then checks that ACL (and follows nothing) itself.
      const retry = deps.namespace && gatedRetry(err, operation, reach);
      if (!retry) throw err;
      const store = new SwiftStore(deps.namespace!.asGateway(sink, retry.account), deps.seal);
      return handler({ ...opCtx, store, objectGate: objectGateFor(retry.permission) });
    });
    await writeResult(outgoing, result, { dialect: deps.dialect, method, transId: ctx.transId, toError: (err) => toS3Error(err, deps, ctx) });
  } catch (err) {
    // The body's own failure explains what failed with it (a Swift upload the
    // body fed, a read of a small XML body): report that, not its echo. The
    // client leaving or going silent comes first; then a failed decoding or
    // verification of what it sent (a bad chunk signature, a checksum).
    const failure = body?.failure();
    if (failure instanceof ClientGone) return clientWentAway(failure, outgoing, deps, ctx);
    if (isS3Error(failure) && failure.code === 'RequestTimeout') {
      deps.log.log('info', 'request body idle timeout: the client stopped sending', { transId: ctx.transId, operation: ctx.operation, idleMs: deps.bodyIdleTimeoutMs });
      deps.metrics.clientAborts.inc({ operation: ctx.operation ?? 'unknown', event: 'body-idle-timeout' });
    }
    if (outgoing.headersSent) {
      // The body was already streaming (client or Swift went away): nothing to
      // say in S3 terms, cut the connection so the client sees a short body.
      // An encrypted object that failed its integrity check is worth an operator's look (no key material is in the error).
      if (err instanceof TamperedObject) deps.log.log('warn', 'encrypted object failed its integrity check: response cut short', { transId: ctx.transId, operation: ctx.operation, bucket: ctx.bucket, code: err.code });
      else deps.log.log('debug', 'response aborted', { transId: ctx.transId, ...errorFields(err) });
      outgoing.destroy();
      return;
    }
    const decoding = prepared?.failure();
    const s3err = toS3Error(failure ?? (isS3Error(decoding) ? decoding : err), deps, ctx);
    ctx.errorCode = s3err.code;
    // Refused before its body was read (EntityTooLarge, a bad signature, ...):
    // the rest of that body is still on the wire, so the connection cannot carry
    // another request. Close it after the answer instead of waiting for gigabytes.
    // Refused midway through a short body: read the rest, so the client still
    // sending it gets the answer rather than a reset connection.
    const keepsConnection = !closeAfter && !incoming.complete && body?.discardRest(DISCARD_AFTER_ERROR_BYTES) === true;
    if ((!incoming.complete && !keepsConnection) || closeAfter) outgoing.setHeader('connection', 'close');
    writeError(outgoing, s3err, req?.rawPath ?? incoming.url ?? '/', { dialect: deps.dialect, method, transId: ctx.transId });
  }
}
