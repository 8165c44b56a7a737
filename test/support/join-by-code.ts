// How a co-browse session starts between people: the customer presses "Co-browse" in the snippet
// and reads out the 9-digit code it shows; the agent types it into the desktop's "Session code"
// field and presses Join.
import assert from 'node:assert/strict';
import type { Page } from '@playwright/test';
import { snippetUi } from './snippet-ui.js';

/** Starts co-browse on `customer` and joins it from `agent`; returns the code. */
export async function joinByCode(customer: Page, agent: Page): Promise<string> {
  const ui = snippetUi(customer);
  await ui.click('Co-browse');
  const code = await ui.code();
  assert.match(code, /^\d{9}$/);
  await agent.getByLabel('Session code').fill(code);
  await agent.getByRole('button', { name: 'Join', exact: true }).click();
  return code;
}
