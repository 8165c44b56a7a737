// AgentDesk's co-browse server in its own process, started the way `agentdesk-server serve`
// starts it: config from flags and the config file, the agent token from the encrypted options
// store (set beforehand with `agentdesk-server options set slave.password -`), the product
// logger (its lines go to this process's log file). Its config file raises the capacity limits
// an operator may set (BENCH_SERVER_LIMITS: every bench client comes from 127.0.0.1).
import { startServer } from '../../server/app.js';
import { tuneGcForRelay } from '../../server/runtime/gc-tuning.js';
import { buildServerConfig } from '../../server/config/build-server-config.js';
import { createLogger } from '../../server/log/create-logger.js';
import { startLiveAgentTokenSource } from '../../server/store/live-agent-token-source.js';
import { OptionsStore } from '../../server/store/options-store.js';
import { runRelayControl } from './relay-control.js';

const [dataDir, configFile] = process.argv.slice(2);
if (!dataDir || !configFile) throw new Error('usage: agentdesk-relay DATA_DIR CONFIG_FILE');

if (process.env.AGENTDESK_BENCH_KEEP_PRETENURING !== '1') tuneGcForRelay();
const config = buildServerConfig({ dataDir, configFile, host: '127.0.0.1', port: 0 });
const store = OptionsStore.open({ dataDir: config.dataDir, keyFile: config.keyFile, create: true });
const logger = createLogger();
const agentToken = startLiveAgentTokenSource(store, logger);
if (agentToken.state().current === null) throw new Error('no agent token in the store: run options set first');

const running = await startServer({ config, agentToken, logger });

runRelayControl(running.port, async () => {
  await running.close();
  agentToken.close();
  store.close();
});
