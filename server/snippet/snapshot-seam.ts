// The one place rrweb's full snapshot can be taken in slices. rrweb serializes the whole document
// in one synchronous call (a 10,000-element page: one task of 220-265 ms). The snippet's build
// (scripts/rrweb-snapshot-seam.ts) rewrites that single call inside @rrweb/record so it goes
// through serializeDocument below, hands rrweb's own serializeNodeWithId to installSerializer,
// and asks forgetRemovedIds whether a node leaving rrweb's mirror also loses its id. With no
// handler set and forgetting off, rrweb behaves exactly as published: the seam changes nothing
// until capture.ts uses it. Kept free of runtime imports so rrweb's module can import it.
import type { serializedNodeWithId } from '@rrweb/types';

/** rrweb's serializer options, as rrweb passes them; read only by sliced-snapshot.ts. */
export type SerializeOptions = Record<string, unknown> & { readonly mirror: SnapshotMirror; readonly doc: Document };

/** The parts of rrweb's recording mirror the sliced snapshot uses (rrweb's Mirror has them all). */
export interface SnapshotMirror {
  getId(node: Node | undefined | null): number;
  getNode(id: number): Node | null;
  getMeta(node: Node): serializedNodeWithId | null;
  reset(): void;
}

export type SerializeNode = (node: Node, options: SerializeOptions) => serializedNodeWithId | null;
export type DocumentSnapshotHandler = (doc: Document, options: SerializeOptions, serialize: SerializeNode) => serializedNodeWithId | null;

let rrwebSerialize: SerializeNode | null = null;
let handler: DocumentSnapshotHandler | null = null;
let forgetting = false;

/** Called once by the rewritten rrweb module with its serializeNodeWithId. */
export function installSerializer(serialize: SerializeNode): void {
  rrwebSerialize = serialize;
}

/** Called by the rewritten rrweb module in place of serializeNodeWithId(document, options). */
export function serializeDocument(doc: Document, options: SerializeOptions): serializedNodeWithId | null {
  if (!rrwebSerialize) throw new Error('the rrweb snapshot seam was not installed (the snippet must be built by scripts/build.ts)');
  return handler ? handler(doc, options, rrwebSerialize) : rrwebSerialize(doc, options);
}

/** Whether this bundle's rrweb goes through the seam (false: built without the rewrite). */
export function seamInstalled(): boolean {
  return rrwebSerialize !== null;
}

export function onDocumentSnapshot(next: DocumentSnapshotHandler | null): void {
  handler = next;
}

/** Asked by rrweb's Mirror.removeNodeFromMap (rewritten): whether the removed node's id goes too. */
export function forgetRemovedIds(): boolean {
  return forgetting;
}

/** On while a sliced snapshot is being taken (sliced-snapshot.ts says why). */
export function setForgetRemovedIds(on: boolean): void {
  forgetting = on;
}
