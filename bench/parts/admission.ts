// Agent admission (issue 6): authenticated agent handshakes per second and their p99, from
// connect to `welcome`. Three rows: AgentDesk with the agent token only, with the token and a
// JWT access token verified against the issuer's JWKS (fetched once, then cached), and a bare
// `ws` handshake as the limit.
import { join } from 'node:path';
import type { BenchPlan } from '../bench-limits.js';
import { HARNESS_LIMITS } from '../bench-limits.js';
import { BenchChild } from '../lib/child-process.js';
import { Histogram, summarize } from '../lib/histogram.js';
import type { AdmissionRow } from '../lib/results.js';
import { BENCH_AUDIENCE, Rig, pinAsLoad, type RigOptions } from '../lib/rig.js';
import type { JwtIssuerReady, JwtIssuerRequest } from '../relays/jwt-issuer.js';

/** Distinct access tokens the agents present (round-robin): a handful of agents, each with its own. */
const BEARER_TOKENS = 16;

export async function runAdmissionPart(plan: BenchPlan, outDir: string, log: (line: string) => void): Promise<AdmissionRow[]> {
  const issuer = await BenchChild.start<JwtIssuerReady>('jwt issuer', join(import.meta.dirname, '../relays/jwt-issuer.ts'), [], {
    logFile: join(outDir, 'admission.issuer.log'),
  });
  try {
    pinAsLoad(issuer.pid);
    const req: JwtIssuerRequest = { op: 'tokens', audience: BENCH_AUDIENCE, count: BEARER_TOKENS };
    const bearerTokens = await issuer.request<string[]>(req, HARNESS_LIMITS.stepSlackMs);
    const modes: { mode: AdmissionRow['mode']; rig: Pick<RigOptions, 'kind' | 'oidc'> }[] = [
      { mode: 'agentdesk-token', rig: { kind: 'agentdesk', oidc: null } },
      { mode: 'agentdesk-token-jwt', rig: { kind: 'agentdesk', oidc: { issuer: issuer.ready.issuer, bearerTokens } } },
      { mode: 'bare-ws', rig: { kind: 'bare', oidc: null } },
    ];
    const rows: AdmissionRow[] = [];
    for (const { mode, rig: rigOpts } of modes) {
      const rig = await Rig.start({ ...rigOpts, generators: plan.generators, outDir, label: `admission-${mode}` });
      try {
        // One handshake first, so the JWKS is fetched and cached before the clock runs.
        await rig.admission(1, 1);
        // Unloaded: one handshake at a time per generator, so p99 is the handshake's own cost.
        const unloaded = await rig.admission(plan.admissionLatencyMs, 1);
        // Loaded: many in flight, for the rate the relay sustains (p99 here is mostly queueing).
        const { generators, relayCpuPct } = await rig.admission(plan.admissionMs, plan.admissionConcurrency);
        const elapsedMs = Math.max(...generators.map((g) => g.elapsedMs));
        const row: AdmissionRow = {
          mode,
          handshakesPerS: Math.round((generators.reduce((n, g) => n + g.handshakes, 0) / elapsedMs) * 1000),
          latency: summarize(Histogram.merged(generators.map((g) => g.latency))),
          unloadedLatency: summarize(Histogram.merged(unloaded.generators.map((g) => g.latency))),
          failures: [...generators, ...unloaded.generators].reduce((n, g) => n + g.failures, 0),
          firstError: [...generators, ...unloaded.generators].find((g) => g.firstError)?.firstError ?? null,
          relayCpuPct: Math.round(relayCpuPct),
          generatorCpuPct: Rig.generatorCpuPct(generators, elapsedMs).map(Math.round),
        };
        rows.push(row);
        log(`  ${mode.padEnd(20)} ${row.handshakesPerS} handshakes/s (p99 ${row.latency.p99Ms} ms loaded, ${row.unloadedLatency.p99Ms} ms one at a time), failures ${row.failures}, relay CPU ${row.relayCpuPct}%`);
      } finally {
        await rig.stop();
      }
    }
    return rows;
  } finally {
    await issuer.stop();
  }
}
