/** Env vars whose values are secrets: never written to logs, artifacts or error messages. */
export const SECRET_ENV_PREFIX = 'STEDI_SECRET_';

/** What a secret is replaced with wherever stedi-models writes text. */
export const MASK = '*****';

/** Replaces every secret value in a text with the mask. */
export type Masker = (text: string) => string;

/**
 * How a secret can appear in what stedi-models writes: quoted into SQL (DuckDB/Trino doubled quotes, Hive backslash
 * escapes, a quoted identifier), in a JSON artifact, in JUnit XML, and one encoding inside another (compiled SQL
 * inside manifest.json). Masking only the raw value would leave `s3cr''et` in every file a quote passes through.
 */
const ENCODINGS: ReadonlyArray<(text: string) => string> = [
  (t) => t.replaceAll("'", "''"),
  (t) => t.replaceAll('"', '""'),
  (t) => t.replaceAll('\\', '\\\\').replaceAll("'", "\\'"),
  (t) => JSON.stringify(t).slice(1, -1),
  (t) => t.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;'),
];

function writtenForms(secret: string): string[] {
  const once = ENCODINGS.map((encode) => encode(secret));
  return [secret, ...once, ...once.flatMap((inner) => ENCODINGS.map((encode) => encode(inner)))];
}

/** A masker for the secret env vars of an environment (values of STEDI_SECRET_* variables). */
export function secretMasker(env: Readonly<Record<string, string | undefined>>): Masker {
  const secrets = [
    ...new Set(
      Object.entries(env)
        .filter(([name, value]) => name.startsWith(SECRET_ENV_PREFIX) && value !== undefined && value.length > 0)
        .flatMap(([, value]) => writtenForms(value!)),
    ),
  ]
    // Longest first, so a secret (or a form of it) that contains another is masked whole.
    .sort((a, b) => b.length - a.length);
  if (secrets.length === 0) return (text) => text;
  return (text) => secrets.reduce((out, secret) => out.split(secret).join(MASK), text);
}
