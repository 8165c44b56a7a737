// The state of a desktop that has just started: nobody signed in, nothing configured.
import type { AppState } from '../../common/api.js';

export const SIGNED_OUT_STATE: AppState = {
  notices: [],
  signIn: { status: 'signed-out' },
  connection: { status: 'idle' },
  session: { status: 'none' },
  settings: { serverUrl: null, agentTokenSet: false, providers: [] },
  mirrorWindow: 'main',
};
