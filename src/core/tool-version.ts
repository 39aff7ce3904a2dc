/** The version written into artifacts, so readers can tell which tool produced them. */
export const TOOL_VERSION = '0.1.0';
