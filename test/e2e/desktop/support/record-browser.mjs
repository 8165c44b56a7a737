// Plays the agent's system browser for the end-to-end tests: the desktop runs $BROWSER with the
// sign-in URL as its last argument; this appends it to the file the test watches, and the test
// opens it in a real Chromium page.
import { appendFileSync } from 'node:fs';

const url = process.argv.at(-1);
const log = process.env.AGENTDESK_E2E_BROWSER_LOG;
if (!url || !log) process.exit(2);
appendFileSync(log, `${url}\n`);
