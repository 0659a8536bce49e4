// A bucket ACL and the Swift container ACL that enforces it. Swift holds the
// READ and WRITE halves of a bucket's grants itself, so the Swift API and the S3
// API agree and Swift enforces them; what Swift cannot hold (READ_ACP,
// WRITE_ACP, grants to the owner, LogDelivery) is returned as `extra` for the
// caller to keep elsewhere (encodeGrantList) and hand back.
//
// Swift's container ACLs (swift/common/middleware/acl.py, keystoneauth.py, 2.30):
// - X-Container-Read is a comma list. `.r:<host>` entries (also `.ref:`,
//   `.referer:`, `.referrer:`; `-` before the host denies) are referrer
//   designations: `.r:*` lets any request, with or without a token, GET and
//   HEAD objects (keystoneauth's _authorize_unconfirmed_identity: a referrer
//   match authorises an object request; a container request only if
//   `.rlistings` is also in the ACL). Other entries are matched by
//   keystoneauth's _authorize_cross_tenant against `<project>:<user>`, each side
//   an id, `*` (or a name, when allow_names_in_acls holds): `p:*` is every user
//   of project p, `*:*` every authenticated user; a match allows reading objects
//   and listing. An entry without `:` is a role name, for users of the
//   account's own project only.
// - X-Container-Write takes the same `<project>:<user>` entries and roles
//   (PUT, POST, DELETE of objects), and no referrers: clean_acl refuses `.r:`
//   in a header whose name says "write", so Swift cannot let unsigned requests
//   write. Anonymous writes the gateway itself has authorised go to Swift with
//   the gateway's own token, and its `delegate` entry in X-Container-Write is
//   what lets that token write.
//
// The mapping, grant by grant (FULL_CONTROL = both halves, plus `extra`):
//   READ  AllUsers            -> read  `.r:*,.rlistings`
//   READ  AuthenticatedUsers  -> read  `*:*`
//   READ  CanonicalUser p     -> read  `p:*`
//   WRITE AllUsers            -> write `<delegate>` (without one: `extra`, unenforced by Swift)
//   WRITE AuthenticatedUsers  -> write `*:*`
//   WRITE CanonicalUser p     -> write `p:*`
// Swift quirk: `.r:*` lets anyone read every object of the container, whatever
// its object ACL, through the Swift API; in S3 a bucket's READ only lists.
import { ALL_USERS, AUTHENTICATED_USERS, LOG_DELIVERY, grant, group, isCanonicalId, isGroup, isUser, sameGrantee, user, type Acl, type Grant, type Grantee, type Owner } from './model.js';

/** X-Container-Read and X-Container-Write values ('' for none), and the grants Swift cannot hold. */
export interface ContainerAcl {
  readonly read: string;
  readonly write: string;
  readonly extra: readonly Grant[];
}

export interface ContainerAclOptions {
  /** The gateway's own `<project>:<user>`, written into X-Container-Write for AllUsers WRITE. */
  readonly delegate?: string;
  /**
   * Also put the delegate into X-Container-Read, so the gateway's token can
   * read objects whose own ACLs let others read them (Swift has no object
   * ACLs: the gateway checks those and reads for the requester). Not shown by
   * aclFromContainer, and not kept from `current`: say it each time.
   */
  readonly delegateReads?: boolean;
  /** The container's present ACL values, whose entries S3 cannot express are kept (see containerAclFor). */
  readonly current?: { readonly read?: string | undefined; readonly write?: string | undefined };
}

interface SwiftAcl {
  /** Referrer designations, without `.r:` (`*`, `host`, `.domain`, `-host`). */
  readonly referrers: string[];
  /** Everything else, `.rlistings` included, as Swift's parse_acl puts it. */
  readonly groups: string[];
}

const REFERRER_DESIGNATORS = ['.r', '.ref', '.referer', '.referrer'];

/** A container ACL value as Swift reads it (parse_acl, with clean_acl's tidying of what a client may have sent). */
export function parseSwiftAcl(value: string | undefined): SwiftAcl {
  const referrers: string[] = [];
  const groups: string[] = [];
  for (const raw of (value ?? '').split(',')) {
    const entry = raw.trim();
    if (entry === '') continue;
    const colon = entry.indexOf(':');
    const first = colon < 0 ? '' : entry.slice(0, colon).trim();
    if (colon < 0 || !first.startsWith('.')) {
      groups.push(entry);
    } else if (REFERRER_DESIGNATORS.includes(first)) {
      let host = entry.slice(colon + 1).trim();
      const negate = host.startsWith('-');
      if (negate) host = host.slice(1).trim();
      if (host !== '*' && host.startsWith('*')) host = host.slice(1).trim();
      if (host !== '' && host !== '.') referrers.push(`${negate ? '-' : ''}${host}`);
    }
    // Any other `.x:` designator Swift refuses outright; it cannot be in a stored ACL.
  }
  return { referrers, groups };
}

/** Swift's referrer_allowed for a request without a Referer (host "unknown"): can anyone read? */
export function anonymousReadAllowed(referrers: readonly string[]): boolean {
  const host = 'unknown';
  let allow = false;
  for (const designation of referrers) {
    if (designation.startsWith('-')) {
      const m = designation.slice(1);
      if (m === host || (m.startsWith('.') && host.endsWith(m))) allow = false;
    } else if (designation === '*' || designation === host || (designation.startsWith('.') && host.endsWith(designation))) {
      allow = true;
    }
  }
  return allow;
}

type Entry = { kind: 'delegate' } | { kind: 'grantee'; grantee: Grantee } | { kind: 'other' };

/** What an account/user entry is in S3 terms: `*:*` AuthenticatedUsers, `p:*` project p; the rest S3 cannot say. */
function classify(entry: string, ownerId: string, delegate: string | undefined): Entry {
  if (delegate !== undefined && entry === delegate) return { kind: 'delegate' };
  const colon = entry.indexOf(':');
  if (colon < 0) return { kind: 'other' };
  const project = entry.slice(0, colon);
  const who = entry.slice(colon + 1);
  // A project Swift names that no grant could name (a project name with a space, say) stays Swift's.
  if (who !== '*' || project === ownerId || (project !== '*' && !isCanonicalId(project))) return { kind: 'other' };
  return { kind: 'grantee', grantee: project === '*' ? group(AUTHENTICATED_USERS) : user(project) };
}

function swiftEntry(grantee: Grantee): string | undefined {
  if (isGroup(grantee, AUTHENTICATED_USERS)) return '*:*';
  if (grantee.type === 'CanonicalUser') return `${grantee.id}:*`;
  return undefined;
}

/** Grants Swift holds no half of: the owner's own, LogDelivery's, and the ACP permissions. */
function swiftCannotHold(g: Grant, ownerId: string): boolean {
  return isUser(g.grantee, ownerId) || isGroup(g.grantee, LOG_DELIVERY) || g.permission === 'READ_ACP' || g.permission === 'WRITE_ACP';
}

/**
 * The Swift container ACL for a bucket ACL (see the table above).
 *
 * A PutBucketAcl replaces what S3 can say. Of the present ACL (`current`), the
 * entries S3 cannot express and so could not mean to change are kept: `p:u`
 * and `*:u` (one user of a project), role names, and `<owner>:*`. Referrer
 * entries are S3's to set: `.r:*` and `.rlistings` exactly when AllUsers may
 * READ, and any `.r:<host>` set through Swift is dropped, since a Referer is
 * not authentication and an S3 `private` must not leave the container readable
 * by whoever sends that header. The delegate entry is the gateway's: in
 * X-Container-Write for AllUsers WRITE only, in X-Container-Read when asked.
 */
export function containerAclFor(acl: Acl, options: ContainerAclOptions = {}): ContainerAcl {
  const { delegate, current, delegateReads = false } = options;
  const ownerId = acl.owner.id;
  const read: string[] = [];
  const write: string[] = [];
  const extra: Grant[] = [];
  const add = (list: string[], entry: string) => { if (!list.includes(entry)) list.push(entry); };
  for (const g of acl.grants) {
    if (swiftCannotHold(g, ownerId)) {
      extra.push(g);
      continue;
    }
    const full = g.permission === 'FULL_CONTROL';
    if (full) extra.push(g);
    const allUsers = isGroup(g.grantee, ALL_USERS);
    if (full || g.permission === 'READ') {
      if (allUsers) {
        add(read, '.r:*');
        add(read, '.rlistings');
      } else {
        add(read, swiftEntry(g.grantee)!);
      }
    }
    if (full || g.permission === 'WRITE') {
      if (!allUsers) add(write, swiftEntry(g.grantee)!);
      else if (delegate !== undefined) add(write, delegate);
      else if (!full) extra.push(g);
    }
  }
  const keep = (value: string | undefined, list: string[]) => {
    for (const entry of parseSwiftAcl(value).groups) {
      if (entry !== '.rlistings' && classify(entry, ownerId, delegate).kind === 'other') add(list, entry);
    }
  };
  keep(current?.read, read);
  keep(current?.write, write);
  if (delegateReads && delegate !== undefined) add(read, delegate);
  return { read: read.join(','), write: write.join(','), extra };
}

/** The READ and WRITE grants a container ACL gives, in S3 terms, read's first. */
function swiftGrants(read: string | undefined, write: string | undefined, ownerId: string, delegate: string | undefined): Grant[] {
  const out: Grant[] = [];
  const push = (g: Grant) => { if (!out.some((o) => o.permission === g.permission && sameGrantee(o.grantee, g.grantee))) out.push(g); };
  const r = parseSwiftAcl(read);
  if (anonymousReadAllowed(r.referrers)) push(grant(group(ALL_USERS), 'READ'));
  for (const entry of r.groups) {
    const c = classify(entry, ownerId, delegate);
    if (c.kind === 'grantee') push(grant(c.grantee, 'READ'));
  }
  for (const entry of parseSwiftAcl(write).groups) {
    const c = classify(entry, ownerId, delegate);
    if (c.kind === 'delegate') push(grant(group(ALL_USERS), 'WRITE'));
    else if (c.kind === 'grantee') push(grant(c.grantee, 'WRITE'));
  }
  return out;
}

/**
 * The bucket ACL a container's ACL and the stored `extra` grants make: the
 * reverse of containerAclFor, with Swift the authority on READ and WRITE.
 *
 * - `extra` undefined (nothing stored: a container never given an ACL through
 *   the gateway, or made through Swift) stands for the owner's FULL_CONTROL,
 *   the default ACL; `[]` is an ACL that grants the owner nothing.
 * - Stored grants come first, in their order, then the grants Swift adds: so
 *   `.r:*` (with or without `.rlistings`) set through Swift shows as AllUsers
 *   READ, i.e. `public-read`; `*:*` as AuthenticatedUsers; `p:*` as project p.
 * - A stored FULL_CONTROL whose READ or WRITE half Swift no longer holds
 *   (changed through Swift) shows as what is left: READ_ACP and WRITE_ACP,
 *   and whichever half Swift still gives.
 * - Entries S3 cannot express (`p:u`, `*:u`, roles, `.r:<host>`, `<owner>:*`)
 *   and the delegate itself are not shown; the delegate in X-Container-Write
 *   shows as AllUsers WRITE.
 * Grants come back as the set that was set; a redundant grant (READ beside
 * FULL_CONTROL for the same grantee) or a repeated one comes back once.
 */
export function aclFromContainer(read: string | undefined, write: string | undefined, owner: Owner, extra: readonly Grant[] | undefined, delegate?: string): Acl {
  const fromSwift = swiftGrants(read, write, owner.id, delegate);
  const holds = (grantee: Grantee, permission: 'READ' | 'WRITE') =>
    fromSwift.some((g) => g.permission === permission && sameGrantee(g.grantee, grantee));
  const grants: Grant[] = [];
  for (const g of extra ?? [grant(user(owner.id, owner.displayName), 'FULL_CONTROL')]) {
    if (g.permission !== 'FULL_CONTROL' || swiftCannotHold(g, owner.id)) {
      grants.push(g);
      continue;
    }
    // Without a delegate, AllUsers' WRITE half was never Swift's to hold.
    const writeHeld = isGroup(g.grantee, ALL_USERS) && delegate === undefined ? true : holds(g.grantee, 'WRITE');
    if (holds(g.grantee, 'READ') && writeHeld) grants.push(g);
    else {
      grants.push(grant(g.grantee, 'READ_ACP'), grant(g.grantee, 'WRITE_ACP'));
      if (isGroup(g.grantee, ALL_USERS) && delegate === undefined) grants.push(grant(g.grantee, 'WRITE'));
    }
  }
  for (const g of fromSwift) {
    if (!grants.some((o) => sameGrantee(o.grantee, g.grantee) && (o.permission === g.permission || o.permission === 'FULL_CONTROL'))) grants.push(g);
  }
  return { owner, grants };
}
