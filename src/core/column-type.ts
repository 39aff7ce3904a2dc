/** Column types a source may declare; each engine maps them to its own (Athena's Hive names). */
export const columnTypes = ['string', 'bigint', 'int', 'double', 'boolean', 'date', 'timestamp'] as const;
export type ColumnType = (typeof columnTypes)[number];
