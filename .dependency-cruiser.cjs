/**
 * The import rules of src/, checked by `npm run lint:deps` (part of `npm test`): no file imports itself through
 * others, and no folder does either, type imports and lazy `import()` included. A back-edge fails naming this rule.
 * @type {import('dependency-cruiser').IConfiguration}
 */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Files of src/ import each other in a circle. Move what both need into a file below them (src/core for shared types).',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'no-circular-folders',
      severity: 'error',
      scope: 'folder',
      comment: 'Folders of src/ import each other in a circle: a lower layer imports a higher one (README: "Code layout").',
      from: { path: '^src/' },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
  },
};
