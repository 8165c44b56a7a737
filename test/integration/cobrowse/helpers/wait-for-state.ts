// Waits for a co-browse channel to reach a state, with the state in the message when it does not.
import type { CobrowseChannel } from '../../../../src/cobrowse/cobrowse-channel.js';
import type { ChannelState } from '../../../../src/cobrowse/channel-state.js';

export async function waitFor(c: CobrowseChannel, predicate: (s: ChannelState) => boolean, what: string, timeoutMs = 5000): Promise<ChannelState> {
  if (predicate(c.state())) return c.state();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`timed out waiting for ${what}; state: ${JSON.stringify(c.state())}`));
    }, timeoutMs);
    const off = c.onState((s) => {
      if (!predicate(s)) return;
      clearTimeout(timer);
      off();
      resolve(s);
    });
  });
}
