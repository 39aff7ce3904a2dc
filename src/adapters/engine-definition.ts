import type { z } from 'zod';
import type { Adapter, AdapterCapabilities, Dialect } from './adapter.js';

/** What every target of profiles.yml has, whatever its engine. */
export interface TargetBase {
  /** The engine's name (`type:` in profiles.yml). */
  type: string;
  /** The target's name under the profile's outputs. */
  name: string;
  threads: number;
}

/** What compiling needs from a target's engine without connecting to it: its SQL text rules and where relations live. */
export interface EngineInfo {
  /** The engine the target runs on. */
  definition: EngineDefinition;
  dialect: Dialect;
  /** The catalog to name in relations, when the engine needs it. */
  database?: string;
  /** The default schema of the target. */
  schema: string;
}

/** The database file a local engine keeps a target's database in. */
export interface LocalDatabase {
  /** The file, absolute (a database kept in memory resolves to a file that does not exist). */
  file: string;
  /** The database lives in memory and is gone when the engine closes. */
  inMemory: boolean;
}

/**
 * Everything stedi-models knows about one engine, in one place: the only code that knows its name. Adding an engine is
 * a folder that exports one of these and a line in the registry (engines.ts).
 */
export interface EngineDefinition<T extends TargetBase = TargetBase> {
  /** The engine's name as profiles write it (`type:`); `target.type` in templates. */
  readonly name: string;
  /** The engine's name for people (reports, cost lines). */
  readonly label: string;
  /** The keys of its targets in profiles.yml, with `type: <name>`, validated with every problem at once. */
  readonly targetSchema: z.ZodType<Omit<T, 'name'>> & z.core.$ZodTypeDiscriminable;
  /** How the engine differs, known without connecting: the planners branch on these, never on the name. */
  readonly capabilities: AdapterCapabilities;
  /**
   * Plans can be written without connecting (a remote engine): `run --dry-run`, and an invocation of unit tests only,
   * which then never opens the engine. A local engine is opened instead.
   */
  readonly plansOffline: boolean;
  /** The `<prefix>__` of the macro versions written for this engine (`default__` is the fallback). */
  readonly macroDispatch: string;
  /** The pure, connection-free facts of a target: dialect, catalog, default schema. */
  info(target: T): EngineInfo;
  /** The file a target's database lives in, for engines that keep it locally (`--defer` attaches it, docs check it). */
  localDatabase?(target: T, projectDir: string): LocalDatabase;
  /** Connects to a target. Implementations import their driver only here, so other engines never load it. */
  open(target: T, projectDir: string): Promise<Adapter>;
}

/** An engine that can open an empty database in memory: where unit tests run a model's SQL, whatever the target. */
export interface ScratchEngine {
  /** The facts unit tests compile with (the engine's dialect and macro versions). */
  readonly info: EngineInfo;
  /** An empty in-memory database; close it when done. */
  open(projectDir: string): Promise<Adapter>;
}
