#!/usr/bin/env node
// The agentdesk command (browser shell of the agent desktop): loads the TypeScript sources through tsx.
import { register } from 'tsx/esm/api';

register();
await import('../src/host/main.ts');
