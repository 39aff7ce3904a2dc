/**
 * A count with thousands separators (1,234,567), the way every line, message and page of stedi-models writes counts.
 * Not toLocaleString: its first call loads ICU data, ~10 ms of every run.
 */
export function formatCount(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
