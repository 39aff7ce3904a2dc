/** One text file of the project: its path relative to the project (posix separators) and its content. */
export interface ProjectFileText {
  path: string;
  text: string;
  /** The installed package (dbt_packages/) the file comes from, by the package's project name; absent for the project's own. */
  package?: string;
}
