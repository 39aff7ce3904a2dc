/**
 * What the audited model prints as inside a test compiled to audit it before publishing: a stand-in for the relation
 * the test reads, which the planner replaces with what holds the rows about to be published (the
 * table itself inside a transaction, a staged table beside it, or the table as it would be after an incremental write).
 */
export const AUDITED_RELATION = '__stedi_audited_relation__';
