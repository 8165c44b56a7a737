// Calls back whenever the page's address changes without a page load: history.pushState and
// replaceState (wrapped, since no event announces them), back/forward (popstate) and fragment
// changes (hashchange). The callback runs synchronously after pushState, before the app renders
// the new route, so masks for the new address are in force for the first mutation.
export function watchAddress(onChange: () => void): void {
  let last = location.href;
  const check = (): void => {
    if (location.href === last) return;
    last = location.href;
    onChange();
  };
  for (const name of ['pushState', 'replaceState'] as const) {
    const original = history[name];
    history[name] = function (this: History, ...args: Parameters<History['pushState']>) {
      const result = original.apply(this, args);
      check();
      return result;
    };
  }
  addEventListener('popstate', check);
  addEventListener('hashchange', check);
}
