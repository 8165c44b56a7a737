// The peer: a Socket.IO relay doing the same pairing, the way OpenReplay's live assist relays
// a customer's page to an agent (Socket.IO over WebSocket, binary events). Sockets name their
// role and session in the handshake query; the customer's `f` events go to the session's agent.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server, type Socket } from 'socket.io';
import { runRelayControl } from './relay-control.js';

const agents = new Map<string, Socket>();
const server = createServer();
const io = new Server(server, {
  transports: ['websocket'],
  perMessageDeflate: false,
  // The same ceiling as AgentDesk's customer socket, so a 2 MB snapshot passes.
  maxHttpBufferSize: 8 * 1024 * 1024,
  serveClient: false,
});

io.on('connection', (socket) => {
  const role = socket.handshake.query.role;
  const id = socket.handshake.query.s;
  if (typeof id !== 'string' || (role !== 'agent' && role !== 'customer')) {
    socket.disconnect(true);
    return;
  }
  if (role === 'agent') {
    agents.set(id, socket);
    socket.on('disconnect', () => agents.delete(id));
    return;
  }
  socket.on('f', (frame: Buffer) => agents.get(id)?.emit('f', frame));
});

server.listen(0, '127.0.0.1', () => {
  runRelayControl((server.address() as AddressInfo).port, async () => {
    io.disconnectSockets(true);
    await new Promise((resolve) => io.close(() => resolve(undefined)));
  });
});
