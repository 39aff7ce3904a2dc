import type { AdapterCapabilities } from '../adapters/adapter.js';
import type { Node } from '../core/nodes.js';

/**
 * Warnings for the sources whose `max_rejected_rows` / `max_rejected_fraction` an engine cannot enforce: one where
 * landing JSON stays an external table read by the engine's SerDe (Athena) has no rejects relation and counts no
 * rejected lines. Nothing is dropped silently there: Athena's Hive JSON SerDe has no option to skip a malformed line,
 * so every query that reads one fails. One warning per source.
 */
export function landingLimitWarnings(
  nodes: readonly Node[],
  capabilities: AdapterCapabilities,
  targetType: string,
): string[] {
  if (capabilities.externalSources !== 'external-table') return [];
  return nodes.flatMap((node) => {
    if (node.kind !== 'source' || !node.external) return [];
    const set = [
      node.external.maxRejectedRows !== undefined && 'max_rejected_rows',
      node.external.maxRejectedFraction !== undefined && 'max_rejected_fraction',
    ].filter(Boolean);
    if (set.length === 0) return [];
    return [
      `Source ${node.sourceName}.${node.name} (${node.filePath}): ${set.join(' and ')} ${set.length === 1 ? 'is' : 'are'} not enforced on ${targetType}, ` +
        `which keeps no rejects relation: a malformed landing line is not skipped but fails every query that reads it (HIVE_CURSOR_ERROR). ` +
        `Fix or remove that line in S3. On DuckDB targets the limit${set.length === 1 ? ' applies' : 's apply'}.`,
    ];
  });
}
