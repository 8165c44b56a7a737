import { connect, type Socket } from 'node:net';

/** A raw TCP connection to the test server from a chosen loopback source address. */
export function rawSocket(port: number, localAddress = '127.0.0.1'): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, localAddress }, () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Everything the server writes until it closes the connection, with when it closed. */
export function untilClosed(socket: Socket): Promise<{ text: string; status: number | null; closedAfterMs: number }> {
  const started = performance.now();
  return new Promise((resolve) => {
    let text = '';
    socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
    socket.on('error', () => {});
    socket.on('close', () => {
      const status = /^HTTP\/1\.1 (\d{3})/.exec(text);
      resolve({ text, status: status ? Number(status[1]) : null, closedAfterMs: performance.now() - started });
    });
  });
}

/** The JSON body of a raw HTTP answer. */
export function jsonBody(text: string): Record<string, unknown> {
  return JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4)) as Record<string, unknown>;
}
