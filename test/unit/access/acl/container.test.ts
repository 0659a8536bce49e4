// Bucket ACLs and Swift container ACLs, both ways.
import { describe, expect, it } from 'vitest';
import {
  ALL_USERS, AUTHENTICATED_USERS, LOG_DELIVERY, aclFromContainer, anonymousReadAllowed, cannedAcl, containerAclFor, grant, group, parseSwiftAcl, user,
  type Acl, type Grant, type Grantee, type Permission,
} from '../../../../src/access/acl/index.js';
import { OTHER, OWNER, THIRD, expectSameGrants, key } from './helpers.js';

const DELEGATE = 'gatewayproject:gatewayuser';
const acl = (...grants: Grant[]): Acl => ({ owner: OWNER, grants });
const keys = (grants: readonly Grant[]) => grants.map(key);

describe('containerAclFor', () => {
  const canned: Record<string, { read: string; write: string; extra: string[]; withoutDelegate?: { write: string; extra: string[] } }> = {
    'private': { read: '', write: '', extra: [`FULL_CONTROL ${OWNER.id}`] },
    'public-read': { read: '.r:*,.rlistings', write: '', extra: [`FULL_CONTROL ${OWNER.id}`] },
    'public-read-write': {
      read: '.r:*,.rlistings', write: DELEGATE, extra: [`FULL_CONTROL ${OWNER.id}`],
      withoutDelegate: { write: '', extra: [`FULL_CONTROL ${OWNER.id}`, `WRITE ${ALL_USERS}`] },
    },
    'authenticated-read': { read: '*:*', write: '', extra: [`FULL_CONTROL ${OWNER.id}`] },
    'log-delivery-write': { read: '', write: '', extra: [`FULL_CONTROL ${OWNER.id}`, `WRITE ${LOG_DELIVERY}`, `READ_ACP ${LOG_DELIVERY}`] },
  };
  for (const [name, want] of Object.entries(canned)) {
    it(`maps the canned ${name} onto X-Container-Read/Write`, () => {
      const out = containerAclFor(cannedAcl(name, OWNER, 'bucket'), { delegate: DELEGATE });
      expect(out.read).toBe(want.read);
      expect(out.write).toBe(want.write);
      expect(keys(out.extra)).toEqual(want.extra);
      const bare = containerAclFor(cannedAcl(name, OWNER, 'bucket'));
      expect(bare.read).toBe(want.read);
      expect(bare.write).toBe(want.withoutDelegate?.write ?? want.write);
      expect(keys(bare.extra)).toEqual(want.withoutDelegate?.extra ?? want.extra);
    });
  }

  it('maps project grants to <project>:*, FULL_CONTROL to both, and keeps the ACP permissions aside', () => {
    const out = containerAclFor(acl(
      grant(user(OTHER.id), 'READ'),
      grant(user(THIRD), 'FULL_CONTROL'),
      grant(user(OTHER.id), 'WRITE'),
      grant(group(AUTHENTICATED_USERS), 'WRITE'),
      grant(user(OTHER.id), 'READ_ACP'),
      grant(group(ALL_USERS), 'WRITE_ACP'),
    ), { delegate: DELEGATE });
    expect(out.read).toBe(`${OTHER.id}:*,${THIRD}:*`);
    expect(out.write).toBe(`${THIRD}:*,${OTHER.id}:*,*:*`);
    expect(keys(out.extra)).toEqual([`FULL_CONTROL ${THIRD}`, `READ_ACP ${OTHER.id}`, `WRITE_ACP ${ALL_USERS}`]);
  });

  it('never puts a referrer into X-Container-Write (Swift refuses them there)', () => {
    const out = containerAclFor(acl(grant(group(ALL_USERS), 'FULL_CONTROL')), { delegate: DELEGATE });
    expect(out.read).toBe('.r:*,.rlistings');
    expect(out.write).toBe(DELEGATE);
    expect(containerAclFor(acl(grant(group(ALL_USERS), 'FULL_CONTROL'))).write).toBe('');
  });

  it('puts the delegate into X-Container-Read when asked, which the S3 view does not show', () => {
    const out = containerAclFor(cannedAcl('private', OWNER, 'bucket'), { delegate: DELEGATE, delegateReads: true });
    expect(out.read).toBe(DELEGATE);
    expect(out.write).toBe('');
    expect(keys(aclFromContainer(out.read, out.write, OWNER, out.extra, DELEGATE).grants)).toEqual([`FULL_CONTROL ${OWNER.id}`]);
    expect(containerAclFor(cannedAcl('public-read', OWNER, 'bucket'), { delegateReads: true }).read).toBe('.r:*,.rlistings');
  });

  it('keeps the entries S3 cannot express and drops referrers and its own entries', () => {
    const current = {
      read: `.r:.example.com,.rlistings,${OTHER.id}:alice,*:bob,admin,${OWNER.id}:*,*:*,${THIRD}:*,${DELEGATE}`,
      write: `${OTHER.id}:alice,${THIRD}:*,${DELEGATE},swiftoperator`,
    };
    const priv = containerAclFor(cannedAcl('private', OWNER, 'bucket'), { delegate: DELEGATE, current });
    expect(priv.read).toBe(`${OTHER.id}:alice,*:bob,admin,${OWNER.id}:*`);
    expect(priv.write).toBe(`${OTHER.id}:alice,swiftoperator`);
    const pub = containerAclFor(cannedAcl('public-read', OWNER, 'bucket'), { delegate: DELEGATE, current });
    expect(pub.read).toBe(`.r:*,.rlistings,${OTHER.id}:alice,*:bob,admin,${OWNER.id}:*`);
  });
});

describe('aclFromContainer: ACLs made through Swift', () => {
  const publicRead = keys(cannedAcl('public-read', OWNER, 'bucket').grants);
  const cases: Record<string, [string | undefined, string | undefined, string[]]> = {
    'no ACL': [undefined, undefined, [`FULL_CONTROL ${OWNER.id}`]],
    '.r:* (anonymous object reads)': ['.r:*', '', publicRead],
    '.r:*,.rlistings': ['.r:*,.rlistings', '', publicRead],
    '.r:*, .rlistings as a client may have typed it': [' .r:* , .rlistings ', undefined, publicRead],
    '.referrer:* (Swift writes it back as .r:*)': ['.referrer:*', undefined, publicRead],
    '.r:* except one domain (requests without a Referer still read)': ['.r:*,.r:-.thief.com', undefined, publicRead],
    '*:* (any authenticated user)': ['*:*', '', keys(cannedAcl('authenticated-read', OWNER, 'bucket').grants)],
    'p:* in read': [`${OTHER.id}:*`, '', [`FULL_CONTROL ${OWNER.id}`, `READ ${OTHER.id}`]],
    'p:* in write': ['', `${OTHER.id}:*`, [`FULL_CONTROL ${OWNER.id}`, `WRITE ${OTHER.id}`]],
    '*:* in both': ['*:*', '*:*', [`FULL_CONTROL ${OWNER.id}`, `READ ${AUTHENTICATED_USERS}`, `WRITE ${AUTHENTICATED_USERS}`]],
    'a referrer for one domain only (not public to a request without Referer)': ['.r:.example.com,.rlistings', '', [`FULL_CONTROL ${OWNER.id}`]],
    '.rlistings alone': ['.rlistings', '', [`FULL_CONTROL ${OWNER.id}`]],
    'a project name no grant could name': ['my project:*,:*', '', [`FULL_CONTROL ${OWNER.id}`]],
    'one user of a project, a role, the owner project': [`${OTHER.id}:alice,*:bob,admin,${OWNER.id}:*`, `${OTHER.id}:alice`, [`FULL_CONTROL ${OWNER.id}`]],
    'the delegate in write (AllUsers WRITE) and in read (not shown)': [DELEGATE, DELEGATE, [`FULL_CONTROL ${OWNER.id}`, `WRITE ${ALL_USERS}`]],
  };
  for (const [what, [read, write, want]] of Object.entries(cases)) {
    it(`shows ${what} as the S3 ACL a user expects`, () => {
      const got = aclFromContainer(read, write, OWNER, undefined, DELEGATE);
      expect(got.owner).toEqual(OWNER);
      expect(keys(got.grants)).toEqual(want);
    });
  }

  it('shows an ACL stored without any owner grant as such', () => {
    expect(keys(aclFromContainer('.r:*', '', OWNER, []).grants)).toEqual([`READ ${ALL_USERS}`]);
  });

  it('trusts Swift when a FULL_CONTROL grant lost a half there: what is left is shown', () => {
    const stored = containerAclFor(acl(grant(user(OWNER.id), 'FULL_CONTROL'), grant(user(OTHER.id), 'FULL_CONTROL')));
    expect(stored.read).toBe(`${OTHER.id}:*`);
    // Someone removed the write entry through the Swift API.
    const got = aclFromContainer(stored.read, '', OWNER, stored.extra);
    expect(keys(got.grants)).toEqual([`FULL_CONTROL ${OWNER.id}`, `READ_ACP ${OTHER.id}`, `WRITE_ACP ${OTHER.id}`, `READ ${OTHER.id}`]);
    // And an entry added through Swift shows too.
    const more = aclFromContainer(`${stored.read},${THIRD}:*`, stored.write, OWNER, stored.extra);
    expect(keys(more.grants)).toEqual([`FULL_CONTROL ${OWNER.id}`, `FULL_CONTROL ${OTHER.id}`, `READ ${THIRD}`]);
  });
});

describe('aclFromContainer(containerAclFor(acl)) gives the same grants back', () => {
  const grantees: Grantee[] = [user(OWNER.id), user(OTHER.id), user(THIRD), group(ALL_USERS), group(AUTHENTICATED_USERS), group(LOG_DELIVERY)];
  const parts: Permission[] = ['READ', 'WRITE', 'READ_ACP', 'WRITE_ACP'];
  /** One grantee's share: FULL_CONTROL alone (choice 16) or any subset of the other four (a bit mask). */
  const share = (grantee: Grantee, choice: number): Grant[] =>
    choice === 16 ? [grant(grantee, 'FULL_CONTROL')] : parts.filter((_, bit) => choice & (1 << bit)).map((p) => grant(grantee, p));

  const roundTrip = (original: Acl, delegate?: string) => {
    const swift = containerAclFor(original, delegate === undefined ? {} : { delegate });
    expect(swift.write.split(',').some((e) => e.startsWith('.r'))).toBe(false);
    const back = aclFromContainer(swift.read, swift.write, OWNER, swift.extra, delegate);
    expectSameGrants(back.grants, original.grants);
    return back;
  };

  it('for every share of every single grantee, with and without a delegate', () => {
    for (const grantee of grantees) {
      for (let choice = 0; choice <= 16; choice++) {
        for (const delegate of [DELEGATE, undefined]) roundTrip(acl(grant(user(OWNER.id), 'FULL_CONTROL'), ...share(grantee, choice)), delegate);
      }
    }
  });

  it('for 3000 random ACLs over six grantees', () => {
    let seed = 20261201;
    const next = () => { seed = (seed * 1103515245 + 12345) % 2 ** 31; return seed; };
    for (let n = 0; n < 3000; n++) {
      const grants = grantees.flatMap((g) => (next() % 3 === 0 ? [] : share(g, next() % 17)));
      // Shuffle: containerAclFor must not depend on order.
      for (let i = grants.length - 1; i > 0; i--) {
        const j = next() % (i + 1);
        [grants[i], grants[j]] = [grants[j]!, grants[i]!];
      }
      roundTrip(acl(...grants), n % 2 === 0 ? DELEGATE : undefined);
    }
  });

  it('keeps the order of the usual ACLs, owner first', () => {
    for (const name of ['private', 'public-read', 'public-read-write', 'authenticated-read', 'log-delivery-write']) {
      const original = cannedAcl(name, OWNER, 'bucket');
      expect(keys(roundTrip(original, DELEGATE).grants)).toEqual(keys(original.grants));
    }
  });
});

describe('Swift ACL parsing', () => {
  it('splits referrers from account entries as Swift does', () => {
    expect(parseSwiftAcl('.r:*, .ref:*.example.com ,.r:-bad.com,,.rlistings,p:*')).toEqual({
      referrers: ['*', '.example.com', '-bad.com'],
      groups: ['.rlistings', 'p:*'],
    });
    expect(parseSwiftAcl(undefined)).toEqual({ referrers: [], groups: [] });
  });

  it('allows a request without Referer exactly as referrer_allowed does', () => {
    expect(anonymousReadAllowed(['*'])).toBe(true);
    expect(anonymousReadAllowed(['*', '-.example.com'])).toBe(true);
    expect(anonymousReadAllowed(['.example.com'])).toBe(false);
    expect(anonymousReadAllowed([])).toBe(false);
    expect(anonymousReadAllowed(['*', '-unknown'])).toBe(false);
  });
});
