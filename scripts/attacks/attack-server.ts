// The server under attack for measure-attacks.ts: the real startServer with the product's limits
// and logger (JSON lines on stdout, which the parent may stop reading), its URL sent over IPC.
import { startServer } from '../../server/app.js';
import { createLogger } from '../../server/log/create-logger.js';
import { createLogDestination } from '../../server/log/log-destination.js';
import type { AgentTokenSource } from '../../server/types.js';

const origin = process.env.ATTACK_ORIGIN ?? 'https://shop.example.test';
const agentToken: AgentTokenSource = { state: () => ({ current: process.env.ATTACK_TOKEN ?? null, previous: null }), onChange: () => () => {} };
// As the CLI does; ATTACK_SYNC_LOG=1 gives the synchronous logger of before issue 12.
const logOut = process.env.ATTACK_SYNC_LOG ? null : createLogDestination();
const logger = logOut ? createLogger({ destination: logOut.stream }) : createLogger();
const server = await startServer({
  config: {
    host: '127.0.0.1',
    port: 0,
    dataDir: '/nonexistent',
    keyFile: '/nonexistent/options.key',
    agentAuth: 'compatible',
    oidc: null,
    customerOrigins: [origin],
  },
  agentToken,
  logger,
});
process.send?.({ url: server.url });
process.on('disconnect', () => void server.close().then(() => process.exit(0)));
