/**
 * What `incremental_new_rows()` renders to: a stand-in for the relation an incremental run stages the model's new rows
 * in, whose name is chosen only when the run is planned; the planner puts the staged relation in its place.
 */
export const INCREMENTAL_NEW_ROWS = '__stedi_incremental_new_rows__';

/** What `incremental_replaced_keys()` renders to: a stand-in for the relation the keys of `replace_keys` are staged in. */
export const INCREMENTAL_REPLACED_KEYS = '__stedi_incremental_replaced_keys__';
