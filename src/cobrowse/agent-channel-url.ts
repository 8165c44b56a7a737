import { AgentDeskError } from '../../common/errors.js';
import { isPrivateTransport } from '../../common/transport-security.js';

/** The path of the agent's co-browse channel on the server. */
export const AGENT_CHANNEL_PATH = '/cobrowse/agent';

/**
 * The WebSocket URL of the agent channel for a server base URL: http→ws, https→wss, the channel
 * path appended to any path prefix (a server behind a reverse proxy at /cb/). User info, query
 * and fragment are refused: they would leak into logs and proxies, and the server ignores them.
 * Plain http to another machine is refused with SERVER_URL_INSECURE (common/transport-security.ts).
 */
export function agentChannelUrl(serverUrl: string): string {
  let url: URL;
  try {
    url = new URL(serverUrl);
  } catch (cause) {
    throw new AgentDeskError('SERVER_URL_INVALID', undefined, { cause });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new AgentDeskError('SERVER_URL_INVALID');
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') {
    throw new AgentDeskError('SERVER_URL_INVALID');
  }
  // Whatever set the URL (Settings, the administrator, an old settings file), the token never
  // leaves this machine in clear.
  if (!isPrivateTransport(url)) throw new AgentDeskError('SERVER_URL_INSECURE');
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.pathname = `${url.pathname.replace(/\/+$/, '')}${AGENT_CHANNEL_PATH}`;
  return url.toString();
}
