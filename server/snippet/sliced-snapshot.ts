// The first snapshot of a large page, taken in slices so the customer's page never stalls
// (design: docs/ARCHITECTURE.md, "The first snapshot in slices").
//
// rrweb's recorder asks for the serialized document (snapshot-seam.ts). It gets, at once, the top
// of the tree that fits in one slice; every element whose children are not serialized yet waits in
// a queue. Each later slice, in a task of its own, serializes more children and emits them as
// ordinary rrweb mutation "adds" (parent id, next-sibling id, the node), through the same emit as
// every other event, so the privacy filter sees them like any added node.
//
// The page may change meanwhile. rrweb's own mutation observer runs all along and reports changes
// only for nodes already in its mirror, that is, already sent: a node added under a parent still
// waiting, or changed before it was reached, is simply serialized in its current state when its
// turn comes, and a node removed before that is never sent. The mirror therefore always equals
// what the agent has, and the replay ends equal to the page. Children are taken from the last to
// the first, so a node's next sibling is always one the agent already has.
//
// One rrweb habit breaks that equality: a removed node keeps its id in the mirror's metadata. A
// sent node the page moves in front of a node not sent yet is removed on the agent, and rrweb
// cannot add it back (its neighbour is unknown), yet it would still give the old id to the node's
// children and to the next node placed beside it, all of which the agent would then drop. While
// slices run, a removed node therefore loses its id (snapshot-seam.ts, forgetRemovedIds): rrweb
// then treats it as new, and so do the slices when they reach it.
import { EventType, IncrementalSource, NodeType, type addedNodeMutation, type eventWithTime, type serializedNodeWithId } from '@rrweb/types';
import { setForgetRemovedIds, type SerializeNode, type SerializeOptions, type SnapshotMirror } from './snapshot-seam.js';

export interface SlicedSnapshotDeps {
  /** Sends one event down the capture pipeline (privacy filter first), in order with rrweb's own. */
  readonly emit: (event: eventWithTime) => void;
  /** Every node is sent; the snapshot is complete. */
  readonly onDone: () => void;
  /** Milliseconds of work per slice. */
  readonly sliceMs: number;
  /** The page's clock (performance.now in the browser). */
  readonly now: () => number;
}

/** rrweb's id of a node it skipped on purpose (slimDOM). */
const IGNORED_NODE = -2;
/** Adds per emitted mutation event: the privacy filter's time is then checked against the slice too. */
const ADDS_PER_EVENT = 200;

type Parent = Document | Element;

export class SlicedSnapshot {
  readonly #options: SerializeOptions;
  readonly #serialize: SerializeNode;
  readonly #deps: SlicedSnapshotDeps;
  readonly #mirror: SnapshotMirror;
  /** Serialized parents whose children (some or all) are still to be sent, oldest first. */
  readonly #waiting: Parent[] = [];
  #head = 0;
  /** Elements sent with a scroll offset: it is applied once their content is there. */
  readonly #scrolled: Element[] = [];
  #cancelled = false;
  readonly #channel = new MessageChannel();

  constructor(options: SerializeOptions, serialize: SerializeNode, deps: SlicedSnapshotDeps) {
    this.#options = options;
    this.#serialize = serialize;
    this.#deps = deps;
    this.#mirror = options.mirror;
    // A message port, not setTimeout: timers are clamped to 4 ms when nested and to 1 s in a
    // background tab, which would stretch a 40-slice snapshot to 40 s.
    this.#channel.port1.onmessage = () => this.#slice();
    setForgetRemovedIds(true);
  }

  /** The document as far as one slice gets; the rest follows in later slices once this returns. */
  top(doc: Document): serializedNodeWithId | null {
    const deadline = this.#deps.now() + this.#deps.sliceMs;
    const root = this.#one(doc, false);
    if (!root) return null;
    while (this.#head < this.#waiting.length && this.#deps.now() < deadline) {
      const parent = this.#waiting[this.#head]!;
      const meta = this.#mirror.getMeta(parent);
      if (!meta || !('childNodes' in meta)) {
        this.#head += 1;
        continue;
      }
      const children: serializedNodeWithId[] = [];
      const complete = this.#children(parent, deadline, (add) => children.push(add.node));
      // Collected last to first; the tree lists them in document order. Shadow children come
      // last, as rrweb lists them (isShadow tells the replayer where they go).
      meta.childNodes.push(...children.reverse());
      if (complete) this.#head += 1;
    }
    this.#schedule();
    return root;
  }

  cancel(): void {
    this.#cancelled = true;
    this.#channel.port1.close();
    setForgetRemovedIds(false);
  }

  #schedule(): void {
    if (!this.#cancelled) this.#channel.port2.postMessage(null);
  }

  #slice(): void {
    if (this.#cancelled) return;
    const deadline = this.#deps.now() + this.#deps.sliceMs;
    let adds: addedNodeMutation[] = [];
    const flush = () => {
      if (adds.length === 0) return;
      this.#emitMutation(adds);
      adds = [];
    };
    while (this.#head < this.#waiting.length && this.#deps.now() < deadline) {
      const parent = this.#waiting[this.#head]!;
      // Removed since it was sent (rrweb has sent the removal): its children go with it.
      if (!this.#sent(parent) || !parent.isConnected) {
        this.#head += 1;
        continue;
      }
      const complete = this.#children(parent, deadline, (add) => {
        adds.push(add);
        if (adds.length >= ADDS_PER_EVENT) flush();
      });
      if (complete) this.#head += 1;
    }
    flush();
    if (this.#cancelled) return;
    if (this.#head < this.#waiting.length) {
      this.#schedule();
      return;
    }
    this.#finish();
  }

  /**
   * Serializes the children of `parent` the agent does not have yet, last to first, each with the
   * id of its next sibling; false when the deadline came first (the rest waits for the next slice).
   */
  #children(parent: Parent, deadline: number, add: (add: addedNodeMutation) => void): boolean {
    const parentId = this.#mirror.getId(parent);
    const cssText = (this.#mirror.getMeta(parent) as { attributes?: Record<string, unknown> } | null)?.attributes?._cssText;
    const cssCaptured = typeof cssText === 'string';
    const shadow = parent.nodeType === Node.ELEMENT_NODE ? (parent as Element).shadowRoot : null;
    // A shadow root is taken whole with its host's light children: its lists are short, and
    // splitting two sibling lists across slices is not worth the bookkeeping.
    const lists: ParentNode[] = shadow ? [shadow, parent] : [parent];
    for (const list of lists) {
      for (let child = list.lastChild; child; child = child.previousSibling) {
        if (this.#sent(child)) continue;
        if (!shadow && this.#deps.now() >= deadline) return false;
        const node = this.#one(child, cssCaptured);
        if (node) add({ parentId, nextId: this.#nextId(child), node });
      }
    }
    return true;
  }

  /** One node without its children; a parent whose children are to be sent joins the queue. */
  #one(node: Node, cssCaptured: boolean): serializedNodeWithId | null {
    const serialized = this.#serialize(node, { ...this.#options, skipChild: true, cssCaptured });
    if (!serialized) return null;
    if (serialized.type === NodeType.Document) this.#waiting.push(node as Document);
    else if (serialized.type === NodeType.Element) {
      const attributes = serialized.attributes;
      if (typeof attributes.rr_scrollLeft === 'number' || typeof attributes.rr_scrollTop === 'number') this.#scrolled.push(node as Element);
      // rrweb does not look inside a blocked element (it is a box), nor a textarea's text (its value says it).
      const blocked = 'rr_width' in attributes;
      const textarea = serialized.tagName === 'textarea' && attributes.value !== undefined;
      if (!blocked && !textarea) this.#waiting.push(node as Element);
    }
    return serialized;
  }

  /** Whether the agent has this node (rrweb's hasNode also counts a node sent before and removed since). */
  #sent(node: Node): boolean {
    const id = this.#mirror.getId(node);
    return id >= 0 && this.#mirror.getNode(id) === node;
  }

  #nextId(node: Node): number | null {
    for (let next = node.nextSibling; next; next = next.nextSibling) {
      if (this.#mirror.getId(next) !== IGNORED_NODE && this.#sent(next)) return this.#mirror.getId(next);
    }
    return null;
  }

  #emitMutation(adds: addedNodeMutation[]): void {
    this.#deps.emit({ type: EventType.IncrementalSnapshot, data: { source: IncrementalSource.Mutation, adds, removes: [], texts: [], attributes: [] }, timestamp: Date.now() });
  }

  /** Scroll positions last: applied to a box that is empty cannot stick, so rrweb's own would be lost. */
  #finish(): void {
    const doc = this.#options.doc;
    const view = doc.defaultView;
    const docId = this.#mirror.getId(doc);
    if (view && (view.scrollX !== 0 || view.scrollY !== 0)) this.#emitScroll(docId, view.scrollX, view.scrollY);
    for (const el of this.#scrolled) {
      if (el.isConnected && this.#sent(el)) this.#emitScroll(this.#mirror.getId(el), el.scrollLeft, el.scrollTop);
    }
    this.#channel.port1.close();
    setForgetRemovedIds(false);
    this.#deps.onDone();
  }

  #emitScroll(id: number, x: number, y: number): void {
    this.#deps.emit({ type: EventType.IncrementalSnapshot, data: { source: IncrementalSource.Scroll, id, x, y }, timestamp: Date.now() });
  }
}
