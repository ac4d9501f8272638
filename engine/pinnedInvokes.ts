/**
 * `--invokes FILE`: real answers for data sources, for teams that want concrete values offline. YAML or JSON,
 * keyed by the function's token (`alicloud:ecs/getImages:getImages`) or its name as the program calls it
 * (`ecs.getImages`, `alicloud.ecs.getImages`; `getZones` for the provider's index module). Each key takes one
 * entry or a list of entries `{args?, answer}`: an entry with `args` answers the calls with exactly those
 * arguments, one without answers every other call. Answers are used exactly as given.
 */
import * as fs from "fs";
import { isDeepStrictEqual } from "util";
import * as YAML from "yaml";
import { GateError, errorMessage } from "./errors";

export interface PinnedEntry {
    readonly args?: Readonly<Record<string, unknown>>;
    readonly answer: Readonly<Record<string, unknown>>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The names a program may give a provider function in `--invokes`: `pkg:mod/file:fn` and its dotted forms. */
export function invokeNames(token: string): string[] {
    const [pkg, member, fn] = token.split(":");
    const module = member?.split("/")[0];
    if (!pkg || !module || !fn) {
        return [token];
    }
    const index = module === "index" ? [fn, `${pkg}.${fn}`] : [];
    return [token, ...index, `${module}.${fn}`, `${pkg}.${module}.${fn}`];
}

/** How a report and the pins name a function: `getZones` for the index module, else `ecs.getImages`. */
export function invokeDisplayName(token: string): string {
    return invokeNames(token)[1] ?? token;
}

/** Arguments as they are compared: keys with undefined values are absent, as on the wire. */
function definedArgs(args: Readonly<Record<string, unknown>>): Record<string, unknown> {
    return Object.fromEntries(Object.entries(args).filter(([, value]) => value !== undefined));
}

export class PinnedInvokes {
    constructor(
        readonly file: string,
        private readonly pins: ReadonlyMap<string, readonly PinnedEntry[]>,
    ) {}

    /** The keys of the file, as written. */
    keys(): string[] {
        return [...this.pins.keys()];
    }

    /**
     * The pinned answer for a call of `token` with `args`, or undefined when none is pinned. A file naming the
     * same function under two keys is an error: which one the user meant cannot be told.
     */
    answerFor(token: string, args: Readonly<Record<string, unknown>>): Record<string, unknown> | undefined {
        const names = invokeNames(token);
        const keys = names.filter((name) => this.pins.has(name));
        if (keys.length > 1) {
            throw new GateError(
                "config",
                `--invokes ${this.file}: ${keys.map((key) => JSON.stringify(key)).join(" and ")} both name ${token}; keep one`,
            );
        }
        const entries = keys.length === 1 ? (this.pins.get(keys[0]) ?? []) : [];
        const called = definedArgs(args);
        const entry =
            entries.find((candidate) => candidate.args && isDeepStrictEqual(candidate.args, called)) ??
            entries.find((candidate) => candidate.args === undefined);
        return entry ? (structuredClone(entry.answer) as Record<string, unknown>) : undefined;
    }

    /** Keys that name none of `tokens`: typically a misspelt function. */
    unused(tokens: Iterable<string>): string[] {
        const named = new Set([...tokens].flatMap(invokeNames));
        return this.keys().filter((key) => !named.has(key));
    }
}

/** Reads and checks an `--invokes` file; each problem names the file, the key and the value. */
export function readPinnedInvokes(file: string): PinnedInvokes {
    let parsed: unknown;
    try {
        parsed = YAML.parse(fs.readFileSync(file, "utf8"));
    } catch (err) {
        throw new GateError(
            "config",
            `--invokes ${file}: not a readable YAML or JSON file: ${errorMessage(err)}`,
        );
    }
    if (!isRecord(parsed)) {
        throw new GateError(
            "config",
            `--invokes ${file}: must be a mapping from data source (token or module.function) to answers (got ${JSON.stringify(parsed)})`,
        );
    }
    const pins = new Map<string, PinnedEntry[]>();
    for (const [key, value] of Object.entries(parsed)) {
        const entries = Array.isArray(value) ? value : [value];
        const where = (index: number): string => (Array.isArray(value) ? `${key}[${index}]` : key);
        if (entries.length === 0) {
            throw new GateError(
                "config",
                `--invokes ${file}: ${key} must list at least one {args?, answer} entry`,
            );
        }
        const checked = entries.map((entry, index): PinnedEntry => {
            if (!isRecord(entry) || !isRecord(entry.answer)) {
                throw new GateError(
                    "config",
                    `--invokes ${file}: ${where(index)} must be {args?, answer} with answer a mapping of the result's fields (got ${JSON.stringify(entry)})`,
                );
            }
            const extra = Object.keys(entry).filter((field) => field !== "args" && field !== "answer");
            if (extra.length > 0) {
                throw new GateError(
                    "config",
                    `--invokes ${file}: ${where(index)} takes only args and answer (got ${extra.join(", ")})`,
                );
            }
            if (entry.args !== undefined && !isRecord(entry.args)) {
                throw new GateError(
                    "config",
                    `--invokes ${file}: ${where(index)}.args must be a mapping of argument names to values (got ${JSON.stringify(entry.args)})`,
                );
            }
            return entry.args === undefined
                ? { answer: entry.answer }
                : { args: definedArgs(entry.args), answer: entry.answer };
        });
        checked.forEach((entry, index) => {
            const twin = checked.findIndex(
                (other) =>
                    (other.args === undefined && entry.args === undefined) ||
                    (other.args !== undefined && isDeepStrictEqual(other.args, entry.args)),
            );
            if (twin !== index) {
                throw new GateError(
                    "config",
                    `--invokes ${file}: ${where(index)} pins the same arguments as ${where(twin)}`,
                );
            }
        });
        pins.set(key, checked);
    }
    return new PinnedInvokes(file, pins);
}
