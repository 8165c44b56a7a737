// Walking the page as the customer sees it: up from any node through its parents, shadow hosts
// and frame elements, in any realm. No instanceof against this window's classes (false for a
// node of a same-origin iframe): nodeType and nodeName only.
const ELEMENT_NODE = 1;
const DOCUMENT_NODE = 9;
const DOCUMENT_FRAGMENT_NODE = 11;

export function isElement(node: Node | null | undefined): node is Element {
  return !!node && node.nodeType === ELEMENT_NODE;
}

/** The node a node hangs from: its parent, or the shadow host, or the frame element of its document. */
export function maskingParent(node: Node): Node | null {
  const parent = node.parentNode;
  if (!parent) return null;
  if (parent.nodeType === DOCUMENT_FRAGMENT_NODE) return (parent as ShadowRoot).host ?? null;
  if (parent.nodeType === DOCUMENT_NODE) {
    try {
      return (parent as Document).defaultView?.frameElement ?? null;
    } catch {
      // A cross-origin parent: nothing above to inherit from (and such frames are never recorded).
      return null;
    }
  }
  return parent;
}

/** Like closest(), but through shadow roots and frames: the nearest of el and its ancestors matching. */
export function closestAcross(el: Element, selector: string): Element | null {
  for (let at: Node | null = el; at; at = maskingParent(at)) if (isElement(at) && at.matches(selector)) return at;
  return null;
}

/** Whether el or an ancestor (through shadow roots and frames) passes the test. */
export function someAncestor(el: Element, test: (el: Element) => boolean): boolean {
  for (let at: Node | null = el; at; at = maskingParent(at)) if (isElement(at) && test(at)) return true;
  return false;
}
