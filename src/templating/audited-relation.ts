/**
 * What the audited model prints as inside a test compiled to audit it before publishing: stand-ins for the relation
 * the test reads and its identifier, which the planner replaces with what holds the rows about to be published (the
 * table itself inside a transaction, a staged table beside it, or the table as it would be after an incremental write).
 */
export const AUDITED_RELATION = '__stedi_audited_relation__';

/** The identifier of the audited relation (tests that read the catalog, e.g. information_schema, use it). */
export const AUDITED_IDENTIFIER = '__stedi_audited_identifier__';
