import * as pulumi from "@pulumi/pulumi";
import Ajv, { type ErrorObject } from "ajv";
import { PORT_MAX, PORT_MIN, PRESET_NAMES, problem, Problem, ValidationError } from "../core";
import { SourceGroupSpec } from "./sources";
import {
    checkThreeTierGroups,
    ThreeTierDescription,
    ThreeTierGroups,
    ThreeTierGroupsArgs,
    TIER_NAMES,
    TierName,
} from "./threeTierGroups";

const tierList = (tiers: readonly TierName[]) => ({
    type: "array",
    minItems: 1,
    uniqueItems: true,
    items: { enum: tiers },
});

const portNumber = { type: "integer", minimum: PORT_MIN, maximum: PORT_MAX };

/** What an inner tier serves, to the tiers in front of it: `mysql: [app]` or `http: { to: [web], ports: [8080] }`. */
const innerTier = (front: readonly TierName[]) => ({
    type: "object",
    additionalProperties: false,
    properties: {
        serves: {
            type: "object",
            propertyNames: { enum: PRESET_NAMES },
            additionalProperties: {
                // if/then/else rather than anyOf, so a mistake reports against the one form the user wrote.
                if: { type: "array" },
                then: tierList(front),
                else: {
                    type: "object",
                    additionalProperties: false,
                    required: ["to"],
                    properties: {
                        to: tierList(front),
                        ports: {
                            type: "array",
                            minItems: 1,
                            items: {
                                if: { type: "string" },
                                then: { type: "string", pattern: "^\\d+/\\d+$" },
                                else: portNumber,
                            },
                        },
                    },
                },
            },
        },
    },
});

/**
 * The JSON schema of a tier description in stack config: the {@link ThreeTierDescription} of
 * {@link ThreeTierGroups}, with administrators' groups given by id (`sg-…`, or `{ groupId, ownerId, key }`).
 */
export const TIER_DESCRIPTION_SCHEMA = {
    type: "object",
    additionalProperties: false,
    properties: {
        web: {
            type: "object",
            additionalProperties: false,
            properties: {
                publicPorts: { type: "array", items: portNumber },
                publicCidrs: { type: "array", minItems: 1, items: { type: "string", minLength: 1 } },
                allowBroadCidrs: { type: "array", items: { type: "string", minLength: 1 } },
            },
        },
        app: innerTier(["web"]),
        data: innerTier(["web", "app"]),
        admin: {
            type: "object",
            additionalProperties: false,
            required: ["from"],
            properties: {
                from: {
                    type: "array",
                    minItems: 1,
                    items: {
                        if: { type: "string" },
                        then: { type: "string", minLength: 1 },
                        else: {
                            type: "object",
                            additionalProperties: false,
                            required: ["groupId"],
                            properties: {
                                groupId: { type: "string", minLength: 1 },
                                ownerId: { type: "string", pattern: "^\\d+$" },
                                key: { type: "string", minLength: 1 },
                            },
                        },
                    },
                },
                ports: { type: "array", minItems: 1, items: portNumber },
                tiers: tierList(TIER_NAMES),
            },
        },
    },
} as const;

/** A tier description as written in stack config. */
export interface TierDescriptionConfig extends Omit<ThreeTierDescription, "admin"> {
    readonly admin?: {
        readonly from: readonly (string | { groupId: string; ownerId?: string; key?: string })[];
        readonly ports?: readonly number[];
        readonly tiers?: readonly TierName[];
    };
}

const ajv = new Ajv({ allErrors: true, verbose: true, strict: true, allowUnionTypes: true });
const validate = ajv.compile<TierDescriptionConfig>(TIER_DESCRIPTION_SCHEMA);

/** `/app/serves/http/to/0` under `tiers` → `tiers.app.serves.http.to[0]`. */
function fieldOf(key: string, instancePath: string): string {
    let field = key;
    for (const segment of instancePath.split("/").slice(1)) {
        const name = segment.replace(/~1/g, "/").replace(/~0/g, "~");
        field += /^\d+$/.test(name) ? `[${name}]` : `.${name}`;
    }
    return field;
}

function errorProblem(key: string, error: ErrorObject): Problem | undefined {
    const field = fieldOf(key, error.instancePath);
    switch (error.keyword) {
        // The branch actually taken reports the real mistake; these only say a branch failed.
        case "if":
        case "anyOf":
            return undefined;
        case "additionalProperties": {
            const extra = (error.params as { additionalProperty: string }).additionalProperty;
            const known = Object.keys((error.parentSchema as { properties?: object }).properties ?? {});
            return problem(
                `${field}.${extra}`,
                (error.data as Record<string, unknown>)[extra],
                `is not a known key; expected one of ${known.join(", ")}`,
            );
        }
        case "propertyNames":
            return problem(
                `${field}.${(error.params as { propertyName: string }).propertyName}`,
                (error.params as { propertyName: string }).propertyName,
                `is not a preset name; expected one of ${PRESET_NAMES.join(", ")}`,
            );
        case "enum":
            if ((error as { propertyName?: string }).propertyName !== undefined) {
                return undefined;
            }
            return problem(
                field,
                error.data,
                `must be one of ${(error.params as { allowedValues: unknown[] }).allowedValues.join(", ")}`,
            );
        case "required":
            return problem(
                `${field}.${(error.params as { missingProperty: string }).missingProperty}`,
                undefined,
                "must be set",
            );
        default:
            return problem(field, error.data, error.message ?? "is invalid");
    }
}

export interface ParseTierDescriptionOptions {
    /** The config key, which every message names (`tiers.data.serves.mysql[0]`). Defaults to `"tiers"`. */
    readonly key?: string;
    /** The VPC the tiers will be in: a web tier's public blocks are judged differently without one. */
    readonly vpcId?: pulumi.Input<string>;
    /** The config namespace, for the message's context. Defaults to none. */
    readonly namespace?: string;
}

/**
 * Checks a tier description read from config against {@link TIER_DESCRIPTION_SCHEMA}, then as
 * {@link ThreeTierGroups} would for a group in `vpcId` (none: classic network), and returns it in the
 * component's terms. Every problem names the key as
 * written under `key` (`tiers.data.serves.mysql[0]`) and its value; throws a ValidationError listing them all.
 */
export function parseTierDescription(
    value: unknown,
    options: ParseTierDescriptionOptions = {},
): ThreeTierDescription {
    const key = options.key ?? "tiers";
    const vpcId = options.vpcId;
    const context = `stack config ${options.namespace ? `${options.namespace}:` : ""}${key}`;
    if (!validate(value)) {
        const problems: Problem[] = [];
        for (const error of validate.errors ?? []) {
            const found = errorProblem(key, error);
            if (found && !problems.some((known) => known.message === found.message)) {
                problems.push(found);
            }
        }
        throw new ValidationError(context, problems);
    }
    const description: ThreeTierDescription = {
        ...(value.web !== undefined ? { web: value.web } : {}),
        ...(value.app !== undefined ? { app: value.app } : {}),
        ...(value.data !== undefined ? { data: value.data } : {}),
        ...(value.admin !== undefined
            ? {
                  admin: {
                      ...value.admin,
                      from: value.admin.from.map((source): string | SourceGroupSpec =>
                          typeof source === "string"
                              ? source
                              : {
                                    group: source.groupId,
                                    ...(source.ownerId !== undefined ? { ownerId: source.ownerId } : {}),
                                    ...(source.key !== undefined ? { key: source.key } : {}),
                                },
                      ),
                  },
              }
            : {}),
    };
    try {
        // The schema cannot see everything (a CIDR's syntax, a port range's order): the component's checks can.
        checkThreeTierGroups(key, { ...description, vpcId, tags: { description: "checked" } });
    } catch (err) {
        if (err instanceof ValidationError) {
            throw new ValidationError(
                context,
                err.problems.map((found) => ({
                    field: `${key}.${found.field}`,
                    value: found.value,
                    message: `${key}.${found.message}`,
                })),
            );
        }
        throw err;
    }
    return description;
}

export interface ThreeTierGroupsFromConfigArgs {
    /** The VPC of every tier. Defaults to none: classic-network groups. */
    readonly vpcId?: pulumi.Input<string>;
    /** Tags of every group. Required. */
    readonly tags: Record<string, pulumi.Input<string>>;
    /** The config key holding the description, in the project's namespace. Defaults to `"tiers"`. */
    readonly key?: string;
    /** Where to read it. Defaults to `new pulumi.Config()`, the project's namespace. */
    readonly config?: pulumi.Config;
}

/**
 * The declarative template: {@link ThreeTierGroups} described in stack config, so an application team fills in
 * YAML and writes no code. A mistake fails before anything is created, naming the key and its value.
 *
 * ```yaml
 * config:
 *   shop:tiers:
 *     app:
 *       serves:
 *         http: { to: [web], ports: [8080] }
 *     data:
 *       serves:
 *         mysql: [app]
 * ```
 *
 * @param name The component's name.
 * @param args The VPC and tags, and where to read the description.
 * @param opts Resource options.
 */
export function threeTierGroupsFromConfig(
    name: string,
    args: ThreeTierGroupsFromConfigArgs,
    opts?: pulumi.ComponentResourceOptions,
): ThreeTierGroups {
    const key = args.key ?? "tiers";
    const config = args.config ?? new pulumi.Config();
    const description = parseTierDescription(config.requireObject<unknown>(key), {
        key,
        vpcId: args.vpcId,
        namespace: config.name,
    });
    const componentArgs: ThreeTierGroupsArgs = { ...description, vpcId: args.vpcId, tags: args.tags };
    return new ThreeTierGroups(name, componentArgs, opts);
}
