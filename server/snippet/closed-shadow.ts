// Hosts of closed shadow roots. No script can read a closed root, so rrweb records only the host's
// light DOM, a partial picture of what the customer sees; the privacy filter shows such a host as
// a blocked box instead. The only way to know a root is closed is to see it being attached, so
// attachShadow is wrapped as early as the snippet runs, in the top window and in every same-origin
// frame the capture meets. Roots attached before that stay unknown (their content never leaves
// either way: rrweb cannot read it); docs/SECURITY.md tells sites to load the snippet early.
const hosts = new WeakSet<Element>();
const wrapped = new WeakSet<object>();

export function watchClosedShadowRoots(win: Window & typeof globalThis): void {
  const proto = win.Element?.prototype;
  if (!proto || wrapped.has(proto)) return;
  wrapped.add(proto);
  const original = proto.attachShadow;
  if (typeof original !== 'function') return;
  proto.attachShadow = function attachShadow(this: Element, init: ShadowRootInit): ShadowRoot {
    const root = original.call(this, init);
    if (init?.mode === 'closed') hosts.add(this);
    return root;
  };
}

export function hasClosedShadowRoot(el: Element): boolean {
  return hosts.has(el);
}
