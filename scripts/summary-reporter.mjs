// A node:test reporter that tallies leaf tests and writes them as JSON for scripts/test.ts.
// Plain JavaScript: node loads reporters before any --import hook, so tsx cannot serve it.
// Suites (describe) are not counted: only the tests inside them are.

/** @param {AsyncIterable<{type: string, data: any}>} source */
export default async function* summaryReporter(source) {
  const tally = { passed: 0, failed: 0, skipped: 0, skips: [], failures: [] };
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const data = event.data;
    // A suite counts only when it fails on its own (a hook threw), not for its failing tests.
    if (data.details?.type === 'suite' && (event.type === 'test:pass' || data.details.error?.failureType === 'subtestsFailed')) continue;
    const skip = data.skip ?? data.todo;
    if (skip !== undefined && skip !== false) {
      tally.skipped += 1;
      tally.skips.push({ name: data.name, file: data.file, reason: typeof skip === 'string' ? skip : 'no reason given' });
    } else if (event.type === 'test:pass') {
      tally.passed += 1;
    } else {
      tally.failed += 1;
      tally.failures.push({ name: data.name, file: data.file });
    }
  }
  yield JSON.stringify(tally);
}
