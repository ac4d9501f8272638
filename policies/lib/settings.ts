import { PolicyConfigSchema } from "@pulumi/policy";
import { parseCidr } from "../../core/cidr";
import { isPortNumber, PORT_MAX, PORT_MIN } from "../../core/limits";

/**
 * One configurable setting of a policy: its JSON schema (with the default the engine fills in) and the same
 * default as a value, used when the engine sent no configuration (`getConfig()` then returns `{}`). Both come
 * from one core constant, passed in once.
 */
export interface Setting<T> {
    readonly schema: Record<string, unknown>;
    readonly fallback: T;
    /** Reads a configured value; undefined when it does not fit (the engine validates, we stay defensive). */
    readonly read: (value: unknown) => T | undefined;
}

export type Settings = Record<string, Setting<unknown>>;
export type Values<S extends Settings> = { [K in keyof S]: S[K] extends Setting<infer T> ? T : never };

export function portListSetting(
    description: string,
    fallback: readonly number[],
): Setting<readonly number[]> {
    return {
        schema: {
            type: "array",
            description,
            items: { type: "integer", minimum: PORT_MIN, maximum: PORT_MAX },
            default: [...fallback],
        },
        fallback,
        read: (value) => (Array.isArray(value) && value.every(isPortNumber) ? value : undefined),
    };
}

export function prefixSetting(description: string, fallback: number, bits: number): Setting<number> {
    return {
        schema: { type: "integer", description, minimum: 0, maximum: bits, default: fallback },
        fallback,
        read: (value) =>
            typeof value === "number" && Number.isInteger(value) && value >= 0 && value <= bits
                ? value
                : undefined,
    };
}

export function countSetting(description: string, fallback: number): Setting<number> {
    return {
        schema: { type: "integer", description, minimum: 1, default: fallback },
        fallback,
        read: (value) =>
            typeof value === "number" && Number.isInteger(value) && value >= 1 ? value : undefined,
    };
}

/** A JSON object (not a list, not null). */
const isObject = (value: unknown): value is Record<string, unknown> =>
    typeof value === "object" && value !== null && !Array.isArray(value);

/** A map of named counts (`{ "redis": 10 }`): configured keys override the default's, the rest keep it. */
export function countMapSetting<K extends string>(
    description: string,
    fallback: Readonly<Record<K, number>>,
): Setting<Readonly<Record<K, number>>> {
    const keys = Object.keys(fallback);
    return {
        schema: {
            type: "object",
            description,
            properties: Object.fromEntries(keys.map((key) => [key, { type: "integer", minimum: 1 }])),
            additionalProperties: false,
            default: { ...fallback },
        },
        fallback,
        read: (value) =>
            isObject(value) &&
            Object.entries(value).every(
                ([key, count]) => keys.includes(key) && Number.isInteger(count) && (count as number) >= 1,
            )
                ? { ...fallback, ...(value as Record<K, number>) }
                : undefined,
    };
}

/** A list setting whose items must each pass `isItem`; any other value falls back to the default. */
function listSetting(
    description: string,
    fallback: readonly string[],
    isItem: (item: unknown) => boolean,
): Setting<readonly string[]> {
    return {
        schema: {
            type: "array",
            description,
            items: { type: "string", minLength: 1 },
            default: [...fallback],
        },
        fallback,
        read: (value) => (Array.isArray(value) && value.every(isItem) ? value : undefined),
    };
}

export function stringListSetting(
    description: string,
    fallback: readonly string[],
): Setting<readonly string[]> {
    return listSetting(description, fallback, (item) => typeof item === "string" && item !== "");
}

export function cidrListSetting(
    description: string,
    fallback: readonly string[],
): Setting<readonly string[]> {
    return listSetting(description, fallback, (item) => parseCidr(item) !== undefined);
}

export function tagMapSetting(
    description: string,
    fallback: Readonly<Record<string, string>>,
): Setting<Readonly<Record<string, string>>> {
    return {
        schema: {
            type: "object",
            description,
            additionalProperties: { type: "string" },
            default: { ...fallback },
        },
        fallback,
        read: (value) =>
            isObject(value) && Object.values(value).every((item) => typeof item === "string")
                ? (value as Record<string, string>)
                : undefined,
    };
}

/** The `configSchema` of a policy with these settings. */
export function configSchema(settings: Settings): PolicyConfigSchema {
    const properties: Record<string, unknown> = {};
    for (const [key, setting] of Object.entries(settings)) {
        properties[key] = setting.schema;
    }
    return { properties } as PolicyConfigSchema;
}

/** The settings' values: configured ones where they fit, the core default otherwise. */
export function readSettings<S extends Settings>(
    args: { getConfig<T extends object>(): T },
    settings: S,
): Values<S> {
    let config: Record<string, unknown> = {};
    try {
        const given = args.getConfig<Record<string, unknown>>();
        config = typeof given === "object" && given !== null ? given : {};
    } catch {
        config = {};
    }
    const values: Record<string, unknown> = {};
    for (const [key, setting] of Object.entries(settings)) {
        values[key] = setting.read(config[key]) ?? setting.fallback;
    }
    return values as Values<S>;
}
