#!/usr/bin/env node
// The first-run banner of `npm run local`: where S3 is, the demo user's access
// key, and how to use it. The secret key is not printed (terminal scrollback,
// CI logs and `docker compose logs` keep what is printed): it goes into an
// owner-only env file that sets up the aws CLI and SDKs, and the banner names it.
//   node scripts/local-banner.mjs PORT DIR    writes DIR/demo-keys.env, prints the banner
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadStack } from '../deploy/local/stack.mjs';

/** The env file's text: sourcing it points the aws CLI and the SDKs at the gateway as the demo user. */
export function keysEnv(keys, port) {
  return [
    '# The demo user of the local stack (written by scripts/local-banner.mjs). Source it:  . THIS_FILE',
    `export AWS_ACCESS_KEY_ID=${keys.access}`,
    `export AWS_SECRET_ACCESS_KEY=${keys.secret}`,
    'export AWS_DEFAULT_REGION=us-east-1',
    `export AWS_ENDPOINT_URL=http://127.0.0.1:${port}`,
    '',
  ].join('\n');
}

export function banner({ port, access, envFile, dataDir }) {
  return `
S3 endpoint:  http://127.0.0.1:${port}   (virtual-host style: http://<bucket>.localhost:${port})
Metrics:      http://127.0.0.1:${Number(port) + 1}/metrics
Access key:   ${access}   (the demo user; ${dataDir}/gateway/credentials.yaml has more)
Secret key:   in ${envFile} (owner-only; not printed, so no log keeps it)

Try:  . ${envFile}
      aws s3 ls
      (AWS Signature Version 4, every current client's default, works as it is; SigV2 clients work too,
       e.g. s3cmd --signature-v2. The env file sets AWS_ENDPOINT_URL, read by the aws CLI and the SDKs.)
Check the settings:  node dist/main.js doctor --config ${dataDir}/gateway/config.yaml
`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [port = '9000', dir] = process.argv.slice(2);
  const stack = loadStack();
  const envFile = join(dir ?? join(stack.dataDir, 'gateway'), 'demo-keys.env');
  writeFileSync(envFile, keysEnv(stack.users.demo.ec2, port), { mode: 0o600 });
  chmodSync(envFile, 0o600);
  process.stdout.write(banner({ port, access: stack.users.demo.ec2.access, envFile, dataDir: stack.dataDir }));
}
