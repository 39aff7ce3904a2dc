/** Markup that is already safe: produced by `html` or by escaping. Only this type is inserted unescaped. */
export class SafeHtml {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

type Part = SafeHtml | string | number | null | undefined | false | readonly Part[];

function render(part: Part): string {
  if (part === null || part === undefined || part === false) return '';
  if (part instanceof SafeHtml) return part.text;
  if (Array.isArray(part)) return part.map(render).join('');
  return escapeHtml(String(part));
}

/**
 * A template tag that escapes every interpolated value unless it is SafeHtml, so text from the project (a
 * description holding `<script>`) can only ever render as text: escaping is the default, not a thing to remember.
 */
export function html(strings: TemplateStringsArray, ...values: Part[]): SafeHtml {
  let out = strings[0]!;
  values.forEach((value, i) => (out += render(value) + strings[i + 1]!));
  return new SafeHtml(out);
}

/**
 * JSON for a `<script type="application/json">` element: `<` is escaped so no value can close the element,
 * and U+2028/U+2029 so the text stays valid if it is ever read as JavaScript.
 */
export function scriptJson(value: unknown): SafeHtml {
  return new SafeHtml(
    JSON.stringify(value)
      .replace(/</g, '\\u003c')
      .replace(/\u2028/g, '\\u2028')
      .replace(/\u2029/g, '\\u2029'),
  );
}

/**
 * An identifier (`machine_learning_curated`, a file path) that may break after `_`, `/` and `.` when its column
 * is narrow, so it wraps at a word boundary instead of overflowing or breaking mid-word.
 */
export function breakable(name: string): SafeHtml {
  return new SafeHtml(escapeHtml(name).replace(/([_/.])(?=.)/g, '$1<wbr>'));
}
