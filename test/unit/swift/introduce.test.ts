// Showing a new token to Swift: one HEAD of its account with it, any answer
// accepted, a slow Swift bounded by the timeout.
import { MockAgent } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { tokenIntroducer } from '../../../src/swift/introduce.js';
import type { SwiftToken } from '../../../src/swift/keystone-token.js';

const token: SwiftToken = {
  token: 'tok-1', expiresAt: Date.now() + 3_600_000, storageUrl: 'http://swift.test:8080/v1/AUTH_p1',
  projectId: 'p1', projectName: 'demo', userId: 'u1', userName: 'alice', roles: ['member'],
};

let agent: MockAgent;
afterEach(async () => { await agent.close(); });

describe('tokenIntroducer', () => {
  for (const status of [204, 403, 401, 503]) {
    it(`sends one HEAD of the token's account with the token, and takes a ${status} as done`, async () => {
      agent = new MockAgent();
      agent.disableNetConnect();
      const seen: { method: string; path: string; token: unknown }[] = [];
      agent.get('http://swift.test:8080').intercept({ path: '/v1/AUTH_p1', method: 'HEAD' }).reply((req) => {
        seen.push({ method: req.method, path: req.path, token: (req.headers as Record<string, string>)['x-auth-token'] });
        return { statusCode: status, data: '' };
      });
      const answers: number[] = [];
      await tokenIntroducer({ dispatcher: agent, timeoutMs: 1000, onAnswer: (s) => answers.push(s) })(token);
      expect(seen).toEqual([{ method: 'HEAD', path: '/v1/AUTH_p1', token: 'tok-1' }]);
      expect(answers).toEqual([status]);
    });
  }

  it('gives up waiting after its timeout, without failing', async () => {
    agent = new MockAgent();
    agent.disableNetConnect();
    agent.get('http://swift.test:8080').intercept({ path: '/v1/AUTH_p1', method: 'HEAD' }).reply(204, '').delay(2000);
    const answers: number[] = [];
    const done = tokenIntroducer({ dispatcher: agent, timeoutMs: 100, onAnswer: (s) => answers.push(s) })(token).then(() => 'introduced');
    // Swift would answer after 2 s; the introduction is over long before.
    expect(await Promise.race([done, new Promise((resolve) => setTimeout(() => resolve('still waiting'), 1500))])).toBe('introduced');
    expect(answers).toEqual([0]);
  });
});
