import Ajv, { type ErrorObject } from "ajv";
import { GateError, errorMessage } from "./errors";
import { parseBounded, readBoundedFile } from "./inputLimits";
import type { EnforcementLevel } from "./types";

const ENFORCEMENT_LEVELS: readonly EnforcementLevel[] = ["advisory", "mandatory", "remediate", "disabled"];

/** What the pack says about one policy in `GetAnalyzerInfo`. */
export interface PolicySchemaInfo {
    readonly name: string;
    readonly enforcementLevel: EnforcementLevel;
    /** `configSchema.properties` as JSON schema, if the policy is configurable. */
    readonly properties?: Record<string, unknown>;
    readonly required?: string[];
}

/** One entry of a policy config file or of a pack's `initialConfig`: a level, or a level and properties. */
type PolicyConfigEntry =
    EnforcementLevel | ({ enforcementLevel?: EnforcementLevel } & Record<string, unknown>);

/** The `--policy-pack-config` file: `{"all": level, "<policy>": level | {enforcementLevel?, ...props}}`. */
export type PolicyPackConfigFile = Record<string, PolicyConfigEntry>;

export interface ReconciledPolicyConfig {
    readonly enforcementLevel: EnforcementLevel;
    readonly properties: Record<string, unknown>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A `--policy-pack-config` file as read: the policies' entries, and the ESC environments it names. */
export interface PolicyPackConfigRead {
    readonly config: PolicyPackConfigFile;
    /**
     * Pulumi ESC environments (`"environments": ["project/env", ...]`, CLI >= 3.231) whose `policyConfig` the CLI
     * layers under the file's own entries. Opening them needs Pulumi Cloud, so the gate cannot apply them.
     */
    readonly environments: string[];
}

/**
 * Reads and shape-checks a `--policy-pack-config` file as the CLI parses it: an empty file is no config, and
 * `"environments"` names ESC environments rather than a policy. Values are validated per policy in
 * {@link reconcile}.
 */
export function readPolicyPackConfig(file: string): PolicyPackConfigRead {
    const label = `--policy-pack-config ${file}`;
    let parsed: unknown;
    try {
        const text = readBoundedFile(file, label, "config");
        parsed = text.trim() === "" ? {} : parseBounded(text, JSON.parse, label, "config");
    } catch (err) {
        if (err instanceof GateError) {
            throw err;
        }
        throw new GateError(
            "config",
            `--policy-pack-config ${file}: not a readable JSON file: ${errorMessage(err)}`,
        );
    }
    if (!isRecord(parsed)) {
        throw new GateError(
            "config",
            `--policy-pack-config ${file}: must be a JSON object keyed by policy name`,
        );
    }
    const { environments, ...policies } = parsed;
    if (
        environments !== undefined &&
        !(
            Array.isArray(environments) &&
            environments.every((name) => typeof name === "string" && name !== "")
        )
    ) {
        throw new GateError(
            "config",
            `--policy-pack-config ${file}: "environments" must be a list of ESC environment names ` +
                `(got ${JSON.stringify(environments)})`,
        );
    }
    for (const [policy, entry] of Object.entries(policies)) {
        const level = typeof entry === "string" ? entry : isRecord(entry) ? entry.enforcementLevel : null;
        if (!(typeof entry === "string" || isRecord(entry))) {
            throw new GateError(
                "config",
                `--policy-pack-config ${file}: "${policy}" must be an enforcement level or an object (got ${JSON.stringify(entry)})`,
            );
        }
        if (level !== undefined && !ENFORCEMENT_LEVELS.includes(level as EnforcementLevel)) {
            throw new GateError(
                "config",
                `--policy-pack-config ${file}: "${policy}" enforcementLevel must be one of ` +
                    `${ENFORCEMENT_LEVELS.join(", ")} (got ${JSON.stringify(level)})`,
            );
        }
        if (policy === "all" && isRecord(entry) && Object.keys(entry).some((k) => k !== "enforcementLevel")) {
            throw new GateError(
                "config",
                `--policy-pack-config ${file}: "all" takes only an enforcement level`,
            );
        }
    }
    return {
        config: policies as PolicyPackConfigFile,
        environments: (environments as string[] | undefined) ?? [],
    };
}

/**
 * One line naming the ESC environments the config files reference, which the gate cannot open offline, and how
 * to give their values instead; undefined when no file names any. The run is judged without them.
 */
export function unopenedEnvironmentsNote(
    files: readonly { readonly label: string; readonly environments: readonly string[] }[],
): string | undefined {
    const named = files.filter((file) => file.environments.length > 0);
    if (named.length === 0) {
        return undefined;
    }
    const list = named.map((file) => `${file.environments.join(", ")} (${file.label})`).join("; ");
    return (
        `ESC environments not opened (they need Pulumi Cloud): ${list}. This run is judged without their ` +
        "policyConfig; to apply it offline, copy its policy entries into the config file, whose entries take " +
        "precedence over ESC's as in the CLI."
    );
}

function splitEntry(entry: PolicyConfigEntry): {
    level?: EnforcementLevel;
    properties: Record<string, unknown>;
} {
    if (typeof entry === "string") {
        return { level: entry, properties: {} };
    }
    const { enforcementLevel, ...properties } = entry;
    return { level: enforcementLevel, properties };
}

function schemaDefaults(properties: Record<string, unknown> | undefined): Record<string, unknown> {
    const defaults: Record<string, unknown> = {};
    for (const [key, schema] of Object.entries(properties ?? {})) {
        if (isRecord(schema) && schema.default !== undefined) {
            defaults[key] = structuredClone(schema.default);
        }
    }
    return defaults;
}

function valueAt(data: unknown, instancePath: string): unknown {
    let value = data;
    for (const segment of instancePath.split("/").slice(1)) {
        value =
            isRecord(value) || Array.isArray(value) ? (value as Record<string, unknown>)[segment] : undefined;
    }
    return value;
}

function describeAjvError(error: ErrorObject, data: unknown): string {
    const property =
        error.keyword === "required"
            ? (error.params as { missingProperty: string }).missingProperty
            : error.keyword === "additionalProperties"
              ? (error.params as { additionalProperty: string }).additionalProperty
              : error.instancePath.replace(/^\//, "").replace(/\//g, ".");
    const message =
        error.keyword === "additionalProperties"
            ? "is not a property of this policy's configSchema"
            : error.message;
    const at =
        error.keyword === "additionalProperties" ? `${error.instancePath}/${property}` : error.instancePath;
    const got = error.keyword === "required" ? "" : ` (got ${JSON.stringify(valueAt(data, at))})`;
    return `property "${property}" ${message}${got}`;
}

/**
 * Reconciles one pack's policy config as the engine does: each policy's schema defaults and its own level, then
 * the pack's `initialConfig`, then the user's config file, where `"all"` sets every policy's level. Each result
 * is validated against the policy's schema; the first invalid policy is reported naming the policy and property.
 */
export function reconcile(
    packName: string,
    policies: readonly PolicySchemaInfo[],
    initialConfig: PolicyPackConfigFile,
    userConfig: PolicyPackConfigFile,
    userConfigLabel: string,
    knownPolicyNames: ReadonlySet<string> = new Set(policies.map((p) => p.name)),
): Map<string, ReconciledPolicyConfig> {
    for (const name of Object.keys(userConfig)) {
        if (name !== "all" && !knownPolicyNames.has(name)) {
            throw new GateError(
                "config",
                `${userConfigLabel}: policy "${name}" is not in policy pack ${packName}; ` +
                    `known policies: ${[...knownPolicyNames].sort().join(", ")}`,
            );
        }
    }
    const ajv = new Ajv({ allErrors: false, strict: false, useDefaults: true });
    const result = new Map<string, ReconciledPolicyConfig>();
    for (const policy of policies) {
        let level = policy.enforcementLevel;
        let properties = schemaDefaults(policy.properties);
        for (const [source, layer] of [
            ["initialConfig", initialConfig],
            [userConfigLabel, userConfig],
        ] as const) {
            const all = layer.all;
            if (all !== undefined) {
                level = splitEntry(all).level ?? level;
            }
            const entry = layer[policy.name];
            if (entry !== undefined) {
                const split = splitEntry(entry);
                level = split.level ?? level;
                properties = { ...properties, ...split.properties };
                if (Object.keys(split.properties).length > 0 && !policy.properties) {
                    throw new GateError(
                        "config",
                        `${source}: policy "${policy.name}" of pack ${packName} takes no configuration ` +
                            `(got properties ${Object.keys(split.properties).join(", ")})`,
                    );
                }
            }
        }
        if (policy.properties) {
            const validate = ajv.compile({
                type: "object",
                properties: policy.properties,
                required: policy.required ?? [],
                additionalProperties: false,
            });
            if (!validate(properties)) {
                const error = validate.errors?.[0];
                throw new GateError(
                    "config",
                    `invalid config for policy "${policy.name}" of pack ${packName}: ` +
                        `${error ? describeAjvError(error, properties) : "does not match its configSchema"} ` +
                        `(from ${userConfigLabel} or the pack's initialConfig)`,
                );
            }
        }
        result.set(policy.name, { enforcementLevel: level, properties });
    }
    return result;
}
