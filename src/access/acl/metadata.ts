// Grants as Swift metadata: object ACLs (Swift has none) and a bucket's grants
// Swift cannot hold (ContainerAcl.extra). Swift allows values of 256 bytes, names
// of 128, 90 items and 4096 bytes in all per object or container
// (swift/common/constraints.py), so the list is written compactly and split,
// at grant boundaries, over numbered items: `acl`, `acl-2`, `acl-3`, ...
//
// One grant is a permission letter and a grantee, grants separated by commas:
//   R READ, W WRITE, r READ_ACP, w WRITE_ACP, F FULL_CONTROL;
//   o the ACL's owner, * AllUsers, a AuthenticatedUsers, l LogDelivery,
//   h<22 base64url characters> a 32-hex-digit id (a Keystone project id),
//   u<id> any other id (model.ts limits ids to 64 of [A-Za-z0-9_.@-]).
// `Fo,R*` is public-read. An empty list is `-` (Swift drops an item set to '').
// A typical grant to a project takes 25 bytes: 100 of them about 2.5 KB.
import { ALL_USERS, AUTHENTICATED_USERS, LOG_DELIVERY, MAX_GRANTS, grant, group, user, type Acl, type Grant, type Grantee, type Owner, type Permission } from './model.js';

/** Swift's MAX_META_VALUE_LENGTH. */
export const MAX_VALUE_BYTES = 256;
const EMPTY = '-';

const LETTER: Readonly<Record<Permission, string>> = { READ: 'R', WRITE: 'W', READ_ACP: 'r', WRITE_ACP: 'w', FULL_CONTROL: 'F' };
const PERMISSION_OF: Readonly<Record<string, Permission>> = { R: 'READ', W: 'WRITE', r: 'READ_ACP', w: 'WRITE_ACP', F: 'FULL_CONTROL' };
const GROUP_CODE: Readonly<Record<string, string>> = { [ALL_USERS]: '*', [AUTHENTICATED_USERS]: 'a', [LOG_DELIVERY]: 'l' };
const GROUP_OF: Readonly<Record<string, string>> = { '*': ALL_USERS, a: AUTHENTICATED_USERS, l: LOG_DELIVERY };
const HEX_ID = /^[0-9a-f]{32}$/;
const PACKED_ID = /^[A-Za-z0-9_-]{22}$/;
const OTHER_ID = /^[A-Za-z0-9_.@-]{1,64}$/;

function granteeCode(g: Grantee, ownerId: string): string {
  if (g.type === 'Group') {
    const code = GROUP_CODE[g.uri];
    if (code === undefined) throw new Error(`No metadata code for the group ${g.uri}`);
    return code;
  }
  if (g.id === ownerId) return 'o';
  if (HEX_ID.test(g.id)) return `h${Buffer.from(g.id, 'hex').toString('base64url')}`;
  if (!OTHER_ID.test(g.id)) throw new Error('A canonical id that model.ts would have refused');
  return `u${g.id}`;
}

function granteeOf(code: string, ownerId: string): Grantee | undefined {
  const head = code[0];
  const rest = code.slice(1);
  if (head === 'o' && rest === '') return user(ownerId);
  if (head !== undefined && rest === '' && GROUP_OF[head] !== undefined) return group(GROUP_OF[head]);
  if (head === 'h' && PACKED_ID.test(rest)) {
    const id = Buffer.from(rest, 'base64url').toString('hex');
    // Only the one spelling encodeGrantList writes: anything else was not written here.
    return id.length === 32 && Buffer.from(id, 'hex').toString('base64url') === rest ? user(id) : undefined;
  }
  if (head === 'u' && OTHER_ID.test(rest) && !HEX_ID.test(rest)) return user(rest);
  return undefined;
}

const itemName = (name: string, n: number) => (n === 1 ? name : `${name}-${n}`);

/**
 * Grants as metadata items named `name`, `name-2`, ... (the caller prefixes and
 * seals them), each value at most 256 bytes. Grants to `ownerId` are written as
 * the owner, so they follow the owner given back to decodeGrantList.
 */
export function encodeGrantList(grants: readonly Grant[], ownerId: string, name = 'acl'): Record<string, string> {
  if (grants.length === 0) return { [name]: EMPTY };
  const items: Record<string, string> = {};
  let n = 1;
  let value = '';
  for (const g of grants) {
    const token = LETTER[g.permission] + granteeCode(g.grantee, ownerId);
    if (value !== '' && value.length + 1 + token.length > MAX_VALUE_BYTES) {
      items[itemName(name, n++)] = value;
      value = '';
    }
    value = value === '' ? token : `${value},${token}`;
  }
  items[itemName(name, n)] = value;
  return items;
}

/**
 * The grants encodeGrantList wrote, read from metadata (names in any case), or
 * undefined when there are none, or when what is there is not a list it could
 * have written (the caller treats that as no stored ACL).
 */
export function decodeGrantList(meta: Readonly<Record<string, string>>, ownerId: string, name = 'acl'): Grant[] | undefined {
  const lower = new Map<string, string>();
  for (const [k, v] of Object.entries(meta)) lower.set(k.toLowerCase(), v);
  const first = lower.get(name.toLowerCase());
  if (first === undefined) return undefined;
  if (first.trim() === EMPTY) return [];
  const values = [first];
  for (let n = 2; ; n++) {
    const v = lower.get(itemName(name, n).toLowerCase());
    if (v === undefined) break;
    values.push(v);
  }
  const grants: Grant[] = [];
  for (const token of values.join(',').split(',')) {
    const permission = PERMISSION_OF[token[0] ?? ''];
    const grantee = granteeOf(token.slice(1).trim(), ownerId);
    if (permission === undefined || grantee === undefined) return undefined;
    grants.push(grant(grantee, permission));
  }
  return grants.length > MAX_GRANTS ? undefined : grants;
}

/** An object's ACL as metadata items (`acl`, `acl-2`, ...); its owner is the caller's to keep. */
export function encodeObjectAcl(acl: Acl, name = 'acl'): Record<string, string> {
  return encodeGrantList(acl.grants, acl.owner.id, name);
}

/** The ACL stored on an object owned by `owner`, or undefined when none is stored. */
export function decodeObjectAcl(meta: Readonly<Record<string, string>>, owner: Owner, name = 'acl'): Acl | undefined {
  const grants = decodeGrantList(meta, owner.id, name);
  return grants === undefined ? undefined : { owner, grants };
}
