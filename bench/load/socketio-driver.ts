// The Socket.IO relay: one connection per socket (forceNew, no multiplexing), WebSocket
// transport only (no long-polling upgrade dance), role and session in the handshake query.
import { io, type Socket } from 'socket.io-client';
import type { Driver, GeneratorConfig, SessionLink } from './driver.js';
import { SOCKET_WAIT_MS } from './socket-waits.js';

function connect(url: string, role: 'agent' | 'customer', session: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = io(url, {
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
      timeout: SOCKET_WAIT_MS,
      query: { role, s: session },
    });
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (err) => {
      socket.close();
      reject(err);
    });
  });
}

function asBuffer(data: unknown): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (data instanceof ArrayBuffer) return Buffer.from(data);
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  throw new Error('a Socket.IO frame arrived without binary data');
}

export function socketIoDriver(config: GeneratorConfig): Driver {
  const id = (index: number): string => `g${config.generatorIndex}-${index}`;
  return {
    async open(index, onAgentFrame): Promise<SessionLink> {
      const agent = await connect(config.url, 'agent', id(index));
      agent.on('f', (data: unknown) => onAgentFrame(asBuffer(data)));
      const customer = await connect(config.url, 'customer', id(index));
      return {
        send: (frame) => customer.emit('f', frame),
        pair: async () => {},
        close() {
          customer.close();
          agent.close();
        },
      };
    },
    async admitOne(index) {
      const agent = await connect(config.url, 'agent', `adm-${id(index)}`);
      agent.close();
    },
  };
}
