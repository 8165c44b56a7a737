// A TCP port on 127.0.0.1 that was free a moment ago, for servers that cannot listen on port 0
// and report back (redis-server, postgres, haproxy). The window between close and the server's
// bind is short; a server that then fails to bind is started again on another port by its helper.
import { createServer } from 'node:net';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
