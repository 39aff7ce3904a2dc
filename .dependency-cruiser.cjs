/**
 * The layers of src/, bottom first: a folder imports only from its own layer's folders' files and from layers below.
 * `(root)` is src/errors.ts and src/format-count.ts. Within a layer, folders do not import each other (no-circular-folders).
 */
const LAYERS = [
  ['core', '(root)'],
  ['adapters'],
  ['templating'],
  ['project'],
  ['graph'],
  ['parse'],
  ['compile'],
  ['data-tests', 'lineage', 'materialize', 'unit-tests'],
  ['run'],
  ['docs', 'generate'],
  ['cli'],
];

const pathOf = (folder) => (folder === '(root)' ? '^src/[^/]+$' : `^src/${folder}/`);

/** One rule per layer: none of its folders imports a folder of a higher layer. */
const layerRules = LAYERS.slice(0, -1).map((layer, i) => ({
  name: `layer-${layer.join('+')}`,
  severity: 'error',
  comment: `${layer.join(', ')} may not import ${LAYERS.slice(i + 1)
    .flat()
    .join(', ')}: a lower layer imports a higher one (README: "Code layout").`,
  from: { path: layer.map(pathOf) },
  to: {
    path: LAYERS.slice(i + 1)
      .flat()
      .map(pathOf),
  },
}));

/**
 * The import rules of src/, checked by `npm run lint:deps` (part of `npm test`): no file imports itself through
 * others, and no folder does either, type imports and lazy `import()` included. A back-edge fails naming this rule.
 * @type {import('dependency-cruiser').IConfiguration}
 */
module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: 'no-circular',
      severity: 'error',
      comment:
        'Files of src/ import each other in a circle. Move what both need into a file below them (src/core for shared types).',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'no-circular-folders',
      severity: 'error',
      scope: 'folder',
      comment:
        'Folders of src/ import each other in a circle: a lower layer imports a higher one (README: "Code layout").',
      from: { path: '^src/' },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
    },
  },
};
