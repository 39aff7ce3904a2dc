import { z } from 'zod';

/** A schema or database name in profiles.yml: letters, digits and _. */
export const identifierField = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be letters, digits and _ only');

/** `threads:` of a target: how many nodes (and queries) at once. */
export const threadsField = z.coerce.number().int().min(1).max(64);
