#!/usr/bin/env node
// The agentdesk-server command: loads the TypeScript sources through tsx (no build step).
import { register } from 'tsx/esm/api';

register();
await import('../server/cli.ts');
