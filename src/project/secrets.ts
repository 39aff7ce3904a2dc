/** Env vars whose values are secrets: never written to logs, artifacts or error messages. */
export const SECRET_ENV_PREFIX = 'STEDI_SECRET_';

/** What a secret is replaced with wherever stedi-models writes text. */
export const MASK = '*****';

/** Replaces every secret value in a text with the mask. */
export type Masker = (text: string) => string;

/** A masker for the secret env vars of an environment (values of STEDI_SECRET_* variables). */
export function secretMasker(env: Readonly<Record<string, string | undefined>>): Masker {
  const secrets = Object.entries(env)
    .filter(([name, value]) => name.startsWith(SECRET_ENV_PREFIX) && value !== undefined && value.length > 0)
    .map(([, value]) => value!)
    // Longest first, so a secret that contains another is masked whole.
    .sort((a, b) => b.length - a.length);
  if (secrets.length === 0) return (text) => text;
  return (text) => secrets.reduce((out, secret) => out.split(secret).join(MASK), text);
}
