/** One text file of the project: its path relative to the project (posix separators) and its content. */
export interface ProjectFileText {
  path: string;
  text: string;
}
