/**
 * The part of Python's `datetime` module dbt templates reach through `modules.datetime`: `datetime.now()`,
 * `datetime.utcnow()` and `date.today()`, with `strftime()`, `isoformat()` and the date parts. Times are read from an
 * injected clock so that tests are stable. Arithmetic with `timedelta` is not there: nunjucks' `-` is JavaScript's.
 */
export class PyDateTime {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly microsecond: number;

  constructor(
    private readonly at: Date,
    /** Python's naive now() is local time; utcnow() is UTC. */
    private readonly utc: boolean,
    private readonly dateOnly = false,
  ) {
    // Local time read through the UTC getters of a date shifted by the time zone's offset.
    const shown = utc ? at : new Date(at.getTime() - at.getTimezoneOffset() * 60_000);
    this.year = shown.getUTCFullYear();
    this.month = shown.getUTCMonth() + 1;
    this.day = shown.getUTCDate();
    const time = dateOnly ? 0 : 1;
    this.hour = shown.getUTCHours() * time;
    this.minute = shown.getUTCMinutes() * time;
    this.second = shown.getUTCSeconds() * time;
    this.microsecond = shown.getUTCMilliseconds() * 1000 * time;
  }

  /** The date part only, as Python's `.date()`. */
  date(): PyDateTime {
    return new PyDateTime(this.at, this.utc, true);
  }

  /** Python's strftime for the directives dbt projects use: %Y %m %d %H %M %S %f %y %j %%. */
  strftime(format: unknown): string {
    const pad = (n: number, width = 2) => String(n).padStart(width, '0');
    const dayOfYear = (Date.UTC(this.year, this.month - 1, this.day) - Date.UTC(this.year, 0, 1)) / 86_400_000 + 1;
    const values: Record<string, string> = {
      Y: String(this.year),
      y: pad(this.year % 100),
      m: pad(this.month),
      d: pad(this.day),
      H: pad(this.hour),
      M: pad(this.minute),
      S: pad(this.second),
      f: pad(this.microsecond, 6),
      j: pad(dayOfYear, 3),
      '%': '%',
    };
    return String(format).replace(/%([YymdHMSfj%])/g, (_m, directive: string) => values[directive]!);
  }

  isoformat(): string {
    return this.dateOnly ? this.strftime('%Y-%m-%d') : this.strftime('%Y-%m-%dT%H:%M:%S.%f');
  }

  toString(): string {
    return this.dateOnly ? this.strftime('%Y-%m-%d') : this.strftime('%Y-%m-%d %H:%M:%S.%f');
  }
}

/** `modules` as templates see it: `modules.datetime`, read from a clock. */
export function pythonModules(now: () => Date): Record<string, unknown> {
  return {
    datetime: {
      datetime: {
        now: () => new PyDateTime(now(), false),
        utcnow: () => new PyDateTime(now(), true),
      },
      date: { today: () => new PyDateTime(now(), false, true) },
    },
  };
}
