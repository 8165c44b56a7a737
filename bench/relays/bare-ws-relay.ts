// The limit: a bare `ws` relay that pairs /agent/<id> with /customer/<id> and forwards the
// customer's frames to the agent. No auth, no parsing, no limits: nothing a product can skip.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { runRelayControl } from './relay-control.js';

const agents = new Map<string, WebSocket>();
const server = createServer();
const wss = new WebSocketServer({ server, perMessageDeflate: false, maxPayload: 8 * 1024 * 1024 });

wss.on('connection', (ws, req) => {
  const match = /^\/(agent|customer)\/([\w-]+)$/.exec(req.url ?? '');
  if (!match) {
    ws.close(1008);
    return;
  }
  const [, role, id] = match as unknown as [string, 'agent' | 'customer', string];
  ws.on('error', () => ws.terminate());
  if (role === 'agent') {
    agents.set(id, ws);
    ws.on('close', () => agents.delete(id));
    return;
  }
  ws.on('message', (data, isBinary) => agents.get(id)?.send(data as Buffer, { binary: isBinary }));
});

server.listen(0, '127.0.0.1', () => {
  runRelayControl((server.address() as AddressInfo).port, async () => {
    for (const ws of wss.clients) ws.terminate();
    await new Promise((resolve) => server.close(resolve));
  });
});
