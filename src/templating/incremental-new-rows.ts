/**
 * What `incremental_new_rows()` renders to: a stand-in for the relation an incremental run stages the model's new rows
 * in, whose name is chosen only when the run is planned; the planner puts the staged relation in its place.
 */
export const INCREMENTAL_NEW_ROWS = '__stedi_incremental_new_rows__';
