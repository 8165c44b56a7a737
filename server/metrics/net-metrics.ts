// The server's Prometheus metrics, written in the text exposition format (version 0.0.4) by hand:
// a handful of counters and gauges do not need a client library.

type Labels = Readonly<Record<string, string>>;

interface Family {
  readonly help: string;
  readonly type: 'counter' | 'gauge';
  readonly values: Map<string, { labels: Labels; value: number }>;
}

function labelKey(labels: Labels): string {
  return Object.entries(labels)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"')}"`)
    .join(',');
}

export class MetricsRegistry {
  readonly #families = new Map<string, Family>();

  define(name: string, type: Family['type'], help: string): void {
    this.#families.set(name, { help, type, values: new Map() });
  }

  add(name: string, labels: Labels, delta: number): void {
    const family = this.#family(name);
    const key = labelKey(labels);
    const entry = family.values.get(key);
    if (entry) entry.value += delta;
    else family.values.set(key, { labels, value: delta });
  }

  /**
   * One labelled sample, resolved once. The relay counts every frame: bumping `value` on a held
   * sample does no label work there (building the key per frame cost more than the relay itself).
   */
  sample(name: string, labels: Labels): { value: number } {
    const family = this.#family(name);
    const key = labelKey(labels);
    let entry = family.values.get(key);
    if (!entry) {
      entry = { labels, value: 0 };
      family.values.set(key, entry);
    }
    return entry;
  }

  set(name: string, labels: Labels, value: number): void {
    const family = this.#family(name);
    family.values.set(labelKey(labels), { labels, value });
  }

  /** Text exposition format; families with no sample yet still show their HELP and TYPE. */
  render(): string {
    const lines: string[] = [];
    for (const [name, family] of this.#families) {
      lines.push(`# HELP ${name} ${family.help}`, `# TYPE ${name} ${family.type}`);
      for (const { labels, value } of family.values.values()) {
        const key = labelKey(labels);
        lines.push(`${name}${key ? `{${key}}` : ''} ${value}`);
      }
    }
    return `${lines.join('\n')}\n`;
  }

  #family(name: string): Family {
    const family = this.#families.get(name);
    if (!family) throw new Error(`metric ${name} is not defined`);
    return family;
  }
}

export type Side = 'agent' | 'customer';
export type PageFrameKindName = 'snapshot' | 'incremental';

/** The metrics the network side keeps, with names an operator can graph. */
export class NetMetrics {
  readonly registry = new MetricsRegistry();
  readonly #relayedBytes: { value: number };
  readonly #relayedFrames: Readonly<Record<PageFrameKindName, { value: number }>>;
  #logDrops: () => number = () => 0;

  constructor() {
    const r = this.registry;
    r.define('agentdesk_open_connections', 'gauge', 'Open WebSocket connections by side.');
    r.define('agentdesk_active_sessions', 'gauge', 'Co-browse sessions created and not yet ended or expired.');
    r.define('agentdesk_agent_auth_total', 'counter', 'Agent handshakes by outcome (accepted_none, accepted_token or the refusal code).');
    r.define('agentdesk_relayed_bytes_total', 'counter', 'Page-frame bytes relayed from customers to agents.');
    r.define('agentdesk_relayed_frames_total', 'counter', 'Page frames relayed from customers to agents, by kind.');
    r.define('agentdesk_refusals_total', 'counter', 'Requests, connections and sockets refused by a limit, by error code.');
    r.define('agentdesk_log_lines_dropped_total', 'counter', 'Log lines dropped because the log reader was too slow (the logger never blocks).');
    r.set('agentdesk_open_connections', { side: 'agent' }, 0);
    r.set('agentdesk_open_connections', { side: 'customer' }, 0);
    r.set('agentdesk_active_sessions', {}, 0);
    this.#relayedBytes = r.sample('agentdesk_relayed_bytes_total', {});
    this.#relayedFrames = {
      snapshot: r.sample('agentdesk_relayed_frames_total', { kind: 'snapshot' }),
      incremental: r.sample('agentdesk_relayed_frames_total', { kind: 'incremental' }),
    };
  }

  connectionOpened(side: Side): void {
    this.registry.add('agentdesk_open_connections', { side }, 1);
  }

  connectionClosed(side: Side): void {
    this.registry.add('agentdesk_open_connections', { side }, -1);
  }

  activeSessions(count: number): void {
    this.registry.set('agentdesk_active_sessions', {}, count);
  }

  agentAuth(outcome: string): void {
    this.registry.add('agentdesk_agent_auth_total', { outcome }, 1);
  }

  relayed(kind: PageFrameKindName, bytes: number): void {
    this.#relayedBytes.value += bytes;
    this.#relayedFrames[kind].value += 1;
  }

  refused(code: string): void {
    this.registry.add('agentdesk_refusals_total', { code }, 1);
  }

  /** Where the dropped-log-line count is read at each scrape (the CLI's log destination). */
  logDropsFrom(read: () => number): void {
    this.#logDrops = read;
  }

  render(): string {
    this.registry.set('agentdesk_log_lines_dropped_total', {}, this.#logDrops());
    return this.registry.render();
  }
}
