/** The version written into artifacts, so readers can tell which tool produced them. */
export const TOOL_VERSION = '0.1.0';

/**
 * The dbt Core version whose project files, profiles and seeds stedi-models reads as dbt does (README, "Coming from
 * dbt"): a dbt_project.yml's require-dbt-version is checked against it.
 */
export const DBT_COMPATIBLE_VERSION = '1.10.0';
