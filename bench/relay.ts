// The floor of moving bytes through a Node process: a raw TCP relay (`net`
// sockets piped both ways, no HTTP parsing) between the load generator and
// the Swift proxy. Its CPU per GB, measured in the same rounds as the
// gateway's, is what issue 21's large-object target compares against.
// Usage (forked by run.ts): node relay.js <target host> <target port>; sends
// { port } over IPC once listening.
import { connect, createServer } from 'node:net';

const [host, port] = [process.argv[2] ?? '127.0.0.1', Number(process.argv[3])];
const server = createServer((client) => {
  const upstream = connect(port, host);
  client.pipe(upstream).on('error', () => client.destroy());
  upstream.pipe(client).on('error', () => upstream.destroy());
  client.on('error', () => upstream.destroy());
  upstream.on('error', () => client.destroy());
  client.on('close', () => upstream.destroy());
  upstream.on('close', () => client.destroy());
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.send?.({ port: typeof address === 'object' && address ? address.port : 0 });
});
process.on('disconnect', () => process.exit(0));
