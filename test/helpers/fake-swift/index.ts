// The fake OpenStack Swift (2.30) + Keystone (v3) of the local stack, for
// handler tests (in-process, as the undici Dispatcher the gateway's clients
// take) and for the benchmark (over HTTP). A test double: what it answers is
// what the local stack answers, status for status, for the calls the gateway
// makes (test/integration/fake-swift-contract.test.ts compares the two).
//
//   const fake = new FakeSwift();
//   const alice = fake.addUser({ name: 'alice', project: 'demo', roles: ['member'], ec2: true });
//   fake.putContainer(alice.account, 'bucket');
//   fake.fail({ match: { method: 'HEAD', container: 'bucket' }, status: 503 });
//   const tokens = new KeystoneTokens({ authUrl: fake.authUrl, dispatcher: fake.dispatcher, interface: 'public', ... });
export { FAKE_KEYSTONE_ORIGIN, FAKE_SWIFT_ORIGIN, FakeSwift, type FakeSwiftOptions, type FakeUser, type Outcome, type UserSpec } from './fake.js';
export { FakeDispatcher } from './dispatcher.js';
export { serveFakeSwift, type FakeSwiftServer } from './http.js';
export type { FaultAction, FaultHandle, FaultMatch, FaultRule, RecordedCall } from './faults.js';
export { stackInfo, type InfoDocument } from './swift.js';
export { signatureV2 } from './ec2-signature.js';
export { ec2CredentialId, type ApplicationCredential, type Ec2Credential, type Project, type Token } from './identity.js';
export type { StoredObject, Container } from './model.js';
