// The esbuild plugin that opens two seams in @rrweb/record for the snippet's sliced first snapshot
// (server/snippet/sliced-snapshot.ts, design in docs/ARCHITECTURE.md):
// - rrweb's one whole-document serialization goes through server/snippet/snapshot-seam.ts, which
//   may answer with the top of the page and send the rest in slices;
// - while slices are being taken, a node rrweb removes from its mirror also loses its id (rrweb
//   keeps the id of a removed node, and would name it as the neighbour of the next node it adds
//   even when the node was moved somewhere the agent does not have yet).
// rrweb has no option for either and bundles its serializer inside record.js, so the text is
// rewritten at bundle time. Each rewrite is checked: if an rrweb update changes the text it looks
// for, the build fails here rather than shipping a snippet that freezes large pages again.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Plugin } from 'esbuild';

interface Rewrite {
  readonly find: string;
  readonly replace: string;
}

/** Texts of dist/record.js of @rrweb/record 2.x. */
const REWRITES: readonly Rewrite[] = [
  // In snapshot(): the call that serializes the whole document.
  { find: 'return serializeNodeWithId(n, {\n    doc: n,', replace: 'return __agentdeskSerializeDocument(n, {\n    doc: n,' },
  // In Mirror.removeNodeFromMap().
  {
    find: 'removeNodeFromMap(n) {\n    const id = this.getId(n);\n    this.idNodeMap.delete(id);',
    replace: 'removeNodeFromMap(n) {\n    const id = this.getId(n);\n    this.idNodeMap.delete(id);\n    if (__agentdeskForgetRemovedIds()) this.nodeMetaMap.delete(n);',
  },
];

export function rrwebSnapshotSeam(root: string): Plugin {
  const seamModule = join(root, 'server/snippet/snapshot-seam.ts');
  return {
    name: 'rrweb-snapshot-seam',
    setup(build) {
      build.onLoad({ filter: /[\\/]@rrweb[\\/]record[\\/]dist[\\/]record\.js$/ }, async (args) => {
        let source = await readFile(args.path, 'utf8');
        for (const { find, replace } of REWRITES) {
          const at = source.indexOf(find);
          if (at === -1 || source.indexOf(find, at + 1) !== -1) {
            throw new Error(`rrweb-snapshot-seam: expected exactly one "${find.split('\n')[0]}" in ${args.path}; @rrweb/record changed, update the seam`);
          }
          source = source.slice(0, at) + replace + source.slice(at + find.length);
        }
        const header =
          `import { installSerializer as __agentdeskInstallSerializer, serializeDocument as __agentdeskSerializeDocument, forgetRemovedIds as __agentdeskForgetRemovedIds } from ${JSON.stringify(seamModule)};\n` +
          `__agentdeskInstallSerializer(serializeNodeWithId);\n`;
        return { contents: header + source, loader: 'js' };
      });
    },
  };
}
