import * as pulumi from "@pulumi/pulumi";
import Ajv, { type ErrorObject } from "ajv";
import { PORT_MAX, PORT_MIN, PRESET_NAMES, problem, Problem } from "../core";
import { uniqueProblems } from "../core/problems";
import { SourceGroupSpec } from "./sources";
import {
    planThreeTierGroups,
    ThreeTierDescription,
    ThreeTierGroups,
    ThreeTierGroupsArgs,
    ThreeTierPlan,
    TIER_NAMES,
    TierName,
    withTierPlan,
} from "./threeTierGroups";
import { throwIfProblems, ValidationError } from "./validationError";

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
        classicNetwork: { type: "boolean" },
    },
} as const;

/** A tier description as written in stack config. */
export interface TierDescriptionConfig extends Omit<ThreeTierDescription, "admin"> {
    /** True builds classic-network tiers, as {@link ThreeTierGroupsArgs.classicNetwork}. Defaults to `false`. */
    readonly classicNetwork?: boolean;
    readonly admin?: {
        readonly from: readonly (string | { groupId: string; ownerId?: string; key?: string })[];
        readonly ports?: readonly number[];
        readonly tiers?: readonly TierName[];
    };
}

const ajv = new Ajv({ allErrors: true, verbose: true, strict: true, allowUnionTypes: true });
const validate = ajv.compile<TierDescriptionConfig>(TIER_DESCRIPTION_SCHEMA);

/** `/app/serves/http/to/0` under `tiers` → `tiers.app.serves.http.to[0]`. */
function pathOf(key: string, instancePath: string): string {
    let path = key;
    for (const segment of instancePath.split("/").slice(1)) {
        const name = segment.replace(/~1/g, "/").replace(/~0/g, "~");
        path += /^\d+$/.test(name) ? `[${name}]` : `.${name}`;
    }
    return path;
}

function errorProblem(key: string, error: ErrorObject): Problem | undefined {
    const path = pathOf(key, error.instancePath);
    switch (error.keyword) {
        // The branch actually taken reports the real mistake; these only say a branch failed.
        case "if":
        case "anyOf":
            return undefined;
        case "additionalProperties": {
            const extra = (error.params as { additionalProperty: string }).additionalProperty;
            const known = Object.keys((error.parentSchema as { properties?: object }).properties ?? {});
            return problem(
                `${path}.${extra}`,
                (error.data as Record<string, unknown>)[extra],
                `is not a known key; expected one of ${known.join(", ")}`,
            );
        }
        case "propertyNames":
            return problem(
                `${path}.${(error.params as { propertyName: string }).propertyName}`,
                (error.params as { propertyName: string }).propertyName,
                `is not a preset name; expected one of ${PRESET_NAMES.join(", ")}`,
            );
        case "enum":
            if ((error as { propertyName?: string }).propertyName !== undefined) {
                return undefined;
            }
            return problem(
                path,
                error.data,
                `must be one of ${(error.params as { allowedValues: unknown[] }).allowedValues.join(", ")}`,
            );
        case "required":
            return problem(
                `${path}.${(error.params as { missingProperty: string }).missingProperty}`,
                undefined,
                "must be set",
            );
        default:
            return problem(path, error.data, error.message ?? "is invalid");
    }
}

export interface ParseTierDescriptionOptions {
    /** The config key, which every message names (`tiers.data.serves.mysql[0]`). Defaults to `"tiers"`. */
    readonly key?: string;
    /**
     * The VPC the tiers will be in: a web tier's public blocks are judged differently without one. Required
     * unless `classicNetwork` is true, here or in the description.
     */
    readonly vpcId?: pulumi.Input<string>;
    /**
     * The program's choice of classic-network tiers, as {@link ThreeTierGroupsArgs.classicNetwork}; the
     * description's own `classicNetwork` must agree with it. Defaults to the description's, else `false`.
     */
    readonly classicNetwork?: boolean;
    /** The config namespace, for the message's context. Defaults to none. */
    readonly namespace?: string;
}

/** A tier description in the component's terms, with the network choice the config made, if any. */
export interface ParsedTierDescription extends ThreeTierDescription {
    readonly classicNetwork?: boolean;
}

/** The description's shape, checked by the schema, in the component's terms (admins as sources). */
function fromConfig(value: TierDescriptionConfig): ParsedTierDescription {
    return {
        ...(value.classicNetwork !== undefined ? { classicNetwork: value.classicNetwork } : {}),
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
}

/**
 * Reads a description from config: its shape against {@link TIER_DESCRIPTION_SCHEMA}, then the tiers planned as
 * {@link ThreeTierGroups} plans them, every problem at the key as written under `key`. Without `tags`, the
 * tags are left to the component. Throws a ValidationError listing every problem.
 */
function readTierDescription(
    name: string,
    value: unknown,
    options: ParseTierDescriptionOptions & { readonly tags?: Record<string, pulumi.Input<string>> },
): { description: ParsedTierDescription; args: ThreeTierGroupsArgs; plan: ThreeTierPlan } {
    const key = options.key ?? "tiers";
    const context = `stack config ${options.namespace ? `${options.namespace}:` : ""}${key}`;
    if (!validate(value)) {
        const problems: Problem[] = [];
        for (const error of validate.errors ?? []) {
            const found = errorProblem(key, error);
            if (found) {
                problems.push(found);
            }
        }
        throw new ValidationError(context, uniqueProblems(problems));
    }
    const description = fromConfig(value);
    const problems: Problem[] = [];
    if (
        options.classicNetwork !== undefined &&
        value.classicNetwork !== undefined &&
        options.classicNetwork !== value.classicNetwork
    ) {
        problems.push(
            problem(
                `${key}.classicNetwork`,
                value.classicNetwork,
                `contradicts the program's classicNetwork: ${String(options.classicNetwork)}; set it in one place`,
            ),
        );
    }
    const classicNetwork = options.classicNetwork ?? value.classicNetwork;
    const { classicNetwork: _, ...tiers } = description;
    const args: ThreeTierGroupsArgs = {
        ...tiers,
        vpcId: options.vpcId,
        ...(classicNetwork !== undefined ? { classicNetwork } : {}),
        tags: options.tags as Record<string, pulumi.Input<string>>,
    };
    // vpcId is the program's argument, and so is classicNetwork unless the config set it.
    const configChoseNetwork = options.classicNetwork === undefined && value.classicNetwork !== undefined;
    const planned = planThreeTierGroups(name, args, {
        at: key,
        context,
        ...(configChoseNetwork ? { classicNetworkPath: `${key}.classicNetwork` } : {}),
    });
    // Tags are the program's: a description alone is checked without them.
    const tagged = options.tags !== undefined;
    problems.push(
        ...planned.problems.filter(
            (found) => tagged || (found.path !== "tags" && !found.path.startsWith("tags.")),
        ),
    );
    throwIfProblems(context, problems);
    return { description, args, plan: planned.plan };
}

/**
 * Checks a tier description read from config against {@link TIER_DESCRIPTION_SCHEMA}, then as
 * {@link ThreeTierGroups} plans it for tiers in `vpcId` (or classic-network tiers, when `classicNetwork` is true
 * in the options or the description), and returns it in the component's terms. Every problem in the
 * description names the key as written under `key` (`tiers.data.serves.mysql[0]`) and its value; throws a
 * ValidationError listing them all.
 */
export function parseTierDescription(
    value: unknown,
    options: ParseTierDescriptionOptions = {},
): ParsedTierDescription {
    return readTierDescription(options.key ?? "tiers", value, options).description;
}

export interface ThreeTierGroupsFromConfigArgs {
    /** The VPC of every tier. Required unless `classicNetwork` is true, here or in the config. */
    readonly vpcId?: pulumi.Input<string>;
    /**
     * True builds classic-network tiers, with no `vpcId`; the config's `classicNetwork` may say so instead.
     * Defaults to `false`: classic networks are legacy (the policy pack's `missing-vpc` flags every classic
     * group), so tiers without `vpcId` fail unless asked for deliberately. Must not be true with `vpcId`.
     */
    readonly classicNetwork?: boolean;
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
    const read = readTierDescription(name, config.requireObject<unknown>(key), {
        key,
        vpcId: args.vpcId,
        ...(args.classicNetwork !== undefined ? { classicNetwork: args.classicNetwork } : {}),
        namespace: config.name,
        tags: args.tags,
    });
    return new ThreeTierGroups(name, withTierPlan(read.args, read.plan), opts);
}
