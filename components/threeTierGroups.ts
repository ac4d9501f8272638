import * as pulumi from "@pulumi/pulumi";
import {
    cidrProblems,
    DEFAULT_PUBLIC_PORTS,
    parseCidr,
    isPresetName,
    PORT_MAX,
    PORT_MIN,
    PresetName,
    PRESET_NAMES,
    problem,
    Problem,
    ValidationError,
} from "../core";
import { networkProblems, PortSpec, presetEntries } from "./plan";
import { GroupPlanExtras, planSecureGroup, SecureGroup, SecureGroupArgs } from "./secureGroup";
import { resolveSource, SecurityGroupLike, SecurityGroupSource } from "./sources";
import { RuleSpec } from "./ruleSpec";
import { WebTierGroup } from "./webTierGroup";

/** The tiers, front to back: traffic flows from the Internet to `web`, then `app`, then `data`. */
export const TIER_NAMES = ["web", "app", "data"] as const;
export type TierName = (typeof TIER_NAMES)[number];

/** One service of a tier: the tiers allowed to connect, and optionally other ports than the preset's. */
export interface TierServiceSpec {
    /** The tiers in front of this one whose members may connect (`["web"]`). At least one. */
    readonly to: readonly TierName[];
    /** Replaces the preset's tcp/udp ports (`[8080]`). Defaults to the preset's ports. */
    readonly ports?: readonly PortSpec[];
}

/** What a tier serves, keyed by preset: `{ mysql: ["app"] }` or `{ http: { to: ["web"], ports: [8080] } }`. */
export type TierServes = Partial<Record<PresetName, readonly TierName[] | TierServiceSpec>>;

export interface WebTierSpec {
    /** tcp ports open to `publicCidrs`. Defaults to `[80, 443]`. */
    readonly publicPorts?: readonly number[];
    /** Who reaches the public ports. Defaults to `["0.0.0.0/0"]`, the whole Internet. */
    readonly publicCidrs?: readonly string[];
    /** Broad blocks `publicCidrs` may deliberately name (besides `0.0.0.0/0`/`::/0`). Defaults to none. */
    readonly allowBroadCidrs?: readonly string[];
}

export interface InnerTierSpec {
    /** The services of this tier and the tiers in front of it that use them. Defaults to none: closed. */
    readonly serves?: TierServes;
}

/** Administration by source group, on the tiers listed. */
export interface TierAdminAccess {
    /** The groups administrators connect from (bastions, VPN gateways). At least one. */
    readonly from: readonly SecurityGroupSource[];
    /** tcp ports. Defaults to `[22]` (SSH). */
    readonly ports?: readonly number[];
    /** The tiers administrators reach. Defaults to every tier. */
    readonly tiers?: readonly TierName[];
}

/** The part of {@link ThreeTierGroupsArgs} a platform team standardizes: which tier serves what to whom. */
export interface ThreeTierDescription {
    /** The Internet-facing tier. Defaults to `{}`: 80 and 443 from the Internet. */
    readonly web?: WebTierSpec;
    /** The application tier. Defaults to `{}`: closed. */
    readonly app?: InnerTierSpec;
    /** The data tier (databases, caches). Defaults to `{}`: closed. */
    readonly data?: InnerTierSpec;
    /** Administration from named groups. Defaults to none: no administrative port is open. */
    readonly admin?: TierAdminAccess;
}

export interface ThreeTierGroupsArgs extends ThreeTierDescription {
    /** The VPC of every tier. Required unless `classicNetwork` is true. */
    readonly vpcId?: pulumi.Input<string>;
    /**
     * True builds the three tiers as classic-network groups, with no `vpcId`. Defaults to `false`: classic
     * networks are legacy (the policy pack's `missing-vpc` flags every classic group), so tiers without `vpcId`
     * fail unless asked for deliberately. Must not be true together with `vpcId`.
     */
    readonly classicNetwork?: boolean;
    /** Tags of every group: at least one, no empty values. `managed-by` and `tier` are added. Required. */
    readonly tags: Record<string, pulumi.Input<string>>;
}

const TYPE = "alicloud-secure-groups:index:ThreeTierGroups";
const DESCRIPTION_KEYS = ["web", "app", "data", "admin"] as const;
const GROUP_KEYS = ["vpcId", "classicNetwork", "tags"] as const;
const INNER_TIERS = ["app", "data"] as const;
type InnerTierName = (typeof INNER_TIERS)[number];

/** A service, resolved from the description: the tiers it is served to and its validated port override. */
interface TierService {
    readonly preset: PresetName;
    readonly to: readonly TierName[];
    readonly ports?: readonly PortSpec[];
}

interface ValidDescription {
    readonly serves: Record<InnerTierName, readonly TierService[]>;
    readonly adminTiers: readonly TierName[];
    /** The stable key of each admin source, in `admin.from` order. */
    readonly adminKeys: readonly string[];
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
    return (
        typeof value === "object" &&
        value !== null &&
        !Array.isArray(value) &&
        !pulumi.Output.isInstance(value)
    );
}

function tierListProblems(
    value: unknown,
    field: string,
    allowed: readonly TierName[],
    need: string,
): Problem[] {
    if (!Array.isArray(value) || value.length === 0) {
        return [problem(field, value, `must list at least one tier of ${allowed.join(", ")}`)];
    }
    const problems: Problem[] = [];
    value.forEach((tier, index) => {
        if (!allowed.includes(tier as TierName)) {
            problems.push(problem(`${field}[${index}]`, tier, `must be ${need}: ${allowed.join(", ")}`));
        } else if (value.indexOf(tier) !== index) {
            problems.push(problem(`${field}[${index}]`, tier, `repeats ${field}[${value.indexOf(tier)}]`));
        }
    });
    return problems;
}

function servesProblems(tier: InnerTierName, spec: unknown, services: TierService[]): Problem[] {
    const field = tier;
    if (spec === undefined) {
        return [];
    }
    if (!isPlainObject(spec)) {
        return [problem(field, spec, 'must be an object such as { serves: { mysql: ["app"] } }')];
    }
    const problems: Problem[] = [];
    for (const key of Object.keys(spec)) {
        if (key !== "serves") {
            problems.push(
                problem(`${field}.${key}`, spec[key], "is not a setting of a tier; expected serves"),
            );
        }
    }
    const serves = spec.serves;
    if (serves === undefined) {
        return problems;
    }
    if (!isPlainObject(serves)) {
        return [...problems, problem(`${field}.serves`, serves, "must be an object keyed by preset name")];
    }
    // A tier serves only tiers in front of it, so the groups can be created front to back with no cycle.
    const front = TIER_NAMES.slice(0, TIER_NAMES.indexOf(tier));
    for (const [preset, value] of Object.entries(serves)) {
        const serviceField = `${field}.serves.${preset}`;
        if (!isPresetName(preset)) {
            problems.push(
                problem(
                    `${field}.serves`,
                    preset,
                    `must be keyed by preset names: ${PRESET_NAMES.join(", ")}`,
                ),
            );
            continue;
        }
        const service: unknown = Array.isArray(value) ? { to: value } : value;
        if (!isPlainObject(service)) {
            problems.push(
                problem(serviceField, value, "must be a list of tiers or { to: [...], ports?: [...] }"),
            );
            continue;
        }
        for (const key of Object.keys(service)) {
            if (key !== "to" && key !== "ports") {
                problems.push(
                    problem(`${serviceField}.${key}`, service[key], "is not a setting; expected to or ports"),
                );
            }
        }
        const toField = Array.isArray(value) ? serviceField : `${serviceField}.to`;
        const toProblems = tierListProblems(service.to, toField, front, `a tier in front of ${tier}`);
        const ports = service.ports as PortSpec[] | undefined;
        const portProblems =
            ports !== undefined && !Array.isArray(ports)
                ? [problem(`${serviceField}.ports`, ports, 'must be a list of ports or "start/end" ranges')]
                : presetEntries(preset, ports, serviceField, `${serviceField}.ports`).problems;
        problems.push(...toProblems, ...portProblems);
        if (toProblems.length === 0 && portProblems.length === 0) {
            services.push({
                preset,
                to: service.to as TierName[],
                ...(ports !== undefined ? { ports } : {}),
            });
        }
    }
    return problems;
}

function webProblems(spec: unknown): Problem[] {
    if (spec === undefined) {
        return [];
    }
    if (!isPlainObject(spec)) {
        return [problem("web", spec, "must be an object such as { publicPorts: [80, 443] }")];
    }
    const problems: Problem[] = [];
    for (const key of Object.keys(spec)) {
        if (key !== "publicPorts" && key !== "publicCidrs" && key !== "allowBroadCidrs") {
            problems.push(
                problem(
                    `web.${key}`,
                    spec[key],
                    "is not a setting of the web tier; expected publicPorts, publicCidrs or allowBroadCidrs (the web tier serves the Internet, and the tiers behind it serve the web tier)",
                ),
            );
        }
    }
    problems.push(...portListProblems(spec.publicPorts, "web.publicPorts"));
    const allowed = spec.allowBroadCidrs;
    if (
        allowed !== undefined &&
        (!Array.isArray(allowed) || allowed.some((cidr) => typeof cidr !== "string"))
    ) {
        problems.push(problem("web.allowBroadCidrs", allowed, "must be a list of CIDR blocks"));
    }
    const cidrs = spec.publicCidrs;
    if (cidrs !== undefined) {
        if (!Array.isArray(cidrs)) {
            problems.push(problem("web.publicCidrs", cidrs, "must be a list of CIDR blocks"));
        } else {
            cidrs.forEach((cidr, index) => problems.push(...cidrProblems(cidr, `web.publicCidrs[${index}]`)));
        }
    }
    return problems;
}

function portListProblems(ports: unknown, field: string): Problem[] {
    if (ports === undefined) {
        return [];
    }
    if (!Array.isArray(ports)) {
        return [problem(field, ports, "must be a list of tcp port numbers, e.g. [80, 443]")];
    }
    return ports.flatMap((port, index) =>
        Number.isInteger(port) && port >= PORT_MIN && port <= PORT_MAX
            ? []
            : [
                  problem(
                      `${field}[${index}]`,
                      port,
                      `must be a tcp port number from ${PORT_MIN} to ${PORT_MAX}`,
                  ),
              ],
    );
}

function adminProblems(spec: unknown, keys: string[], tiers: TierName[]): Problem[] {
    if (spec === undefined) {
        return [];
    }
    if (!isPlainObject(spec)) {
        return [problem("admin", spec, "must be an object such as { from: [bastion], ports: [22] }")];
    }
    const problems: Problem[] = [];
    for (const key of Object.keys(spec)) {
        if (key !== "from" && key !== "ports" && key !== "tiers") {
            problems.push(
                problem(`admin.${key}`, spec[key], "is not a setting; expected from, ports or tiers"),
            );
        }
    }
    const from = spec.from;
    if (!Array.isArray(from) || from.length === 0) {
        problems.push(problem("admin.from", from, "must name at least one security group"));
    } else {
        from.forEach((source: SecurityGroupSource, index) => {
            const resolved = resolveSource(source, `admin.from[${index}]`);
            if (Array.isArray(resolved)) {
                problems.push(...resolved);
            } else if ((TIER_NAMES as readonly string[]).includes(resolved.key)) {
                // Rules are named `allow-<service>-from-<key>`: a source keyed like a tier would take the name
                // of that tier's rule and silently replace it.
                problems.push(
                    problem(
                        `admin.from[${index}]`,
                        resolved.key,
                        `must not be keyed ${TIER_NAMES.join(", ")}: give it another key, e.g. { group, key: "bastion" }`,
                    ),
                );
            } else if (keys.includes(resolved.key)) {
                problems.push(
                    problem(
                        `admin.from[${index}]`,
                        resolved.key,
                        `repeats admin.from[${keys.indexOf(resolved.key)}]`,
                    ),
                );
            } else {
                keys.push(resolved.key);
            }
        });
    }
    problems.push(...portListProblems(spec.ports, "admin.ports"));
    if (spec.tiers === undefined) {
        tiers.push(...TIER_NAMES);
    } else {
        const tierProblems = tierListProblems(spec.tiers, "admin.tiers", TIER_NAMES, "a tier");
        problems.push(...tierProblems);
        if (tierProblems.length === 0) {
            tiers.push(...(spec.tiers as TierName[]));
        }
    }
    return problems;
}

/** Validates a tier description, collecting every problem; creates nothing. */
function validateDescription(args: ThreeTierGroupsArgs): { valid: ValidDescription; problems: Problem[] } {
    const problems: Problem[] = [];
    const serves: Record<InnerTierName, TierService[]> = { app: [], data: [] };
    const adminKeys: string[] = [];
    const adminTiers: TierName[] = [];
    if (!isPlainObject(args)) {
        problems.push(problem("args", args, "must be an object"));
        return { valid: { serves, adminKeys, adminTiers }, problems };
    }
    for (const key of Object.keys(args)) {
        if (![...GROUP_KEYS, ...DESCRIPTION_KEYS].includes(key as (typeof GROUP_KEYS)[number])) {
            problems.push(
                problem(
                    key,
                    (args as unknown as Record<string, unknown>)[key],
                    `is not a setting; expected one of ${[...GROUP_KEYS, ...DESCRIPTION_KEYS].join(", ")}`,
                ),
            );
        }
    }
    problems.push(...webProblems(args.web));
    for (const tier of INNER_TIERS) {
        problems.push(...servesProblems(tier, args[tier], serves[tier]));
    }
    problems.push(...adminProblems(args.admin, adminKeys, adminTiers));
    return { valid: { serves, adminKeys, adminTiers }, problems };
}

/** `allow-ssh-from-bastion` for port 22, `allow-admin-tcp-<port>-from-<key>` otherwise, as WebTierGroup names them. */
function adminRuleKey(port: number, sourceKey: string): string {
    return port === 22 ? `allow-ssh-from-${sourceKey}` : `allow-admin-tcp-${port}-from-${sourceKey}`;
}

/** A tier's group arguments, and the description field each ingress key came from, for error messages. */
interface TierPlan {
    readonly args: SecureGroupArgs;
    /** Maps the rest of a problem's field (`.ports`, `.source`…) under an ingress key to a description field. */
    readonly fields: Readonly<Record<string, (rest: string) => string>>;
}

/**
 * The SecureGroup arguments of an inner tier. `sourceOf` stands in the tiers in front of it: the real
 * components when building, or placeholder ids when the arguments are only checked.
 */
function innerTierPlan(
    tier: InnerTierName,
    args: ThreeTierGroupsArgs,
    valid: ValidDescription,
    sourceOf: (tier: TierName) => SecurityGroupLike,
): TierPlan {
    const ingress: Record<string, RuleSpec> = {};
    const fields: Record<string, (rest: string) => string> = {};
    for (const service of valid.serves[tier]) {
        for (const from of service.to) {
            const key = `allow-${service.preset}-from-${from}`;
            ingress[key] = {
                preset: service.preset,
                ...(service.ports !== undefined ? { ports: service.ports } : {}),
                source: { group: sourceOf(from), key: from },
            };
            fields[key] = (rest) =>
                rest === ".ports"
                    ? `${tier}.serves.${service.preset}.ports`
                    : `${tier}.serves.${service.preset}`;
        }
    }
    if (args.admin !== undefined && valid.adminTiers.includes(tier)) {
        args.admin.from.forEach((source, index) => {
            for (const port of args.admin?.ports ?? [22]) {
                const key = adminRuleKey(port, valid.adminKeys[index]);
                ingress[key] =
                    port === 22 ? { preset: "ssh", source } : { protocol: "tcp", ports: port, source };
                fields[key] = (rest) => (rest === ".ports" ? "admin.ports" : `admin.from[${index}]`);
            }
        });
    }
    return {
        args: { vpcId: args.vpcId, classicNetwork: args.classicNetwork, tags: args.tags, tier, ingress },
        fields,
    };
}

/**
 * The web tier's public rules as SecureGroup arguments, only to check them the way WebTierGroup's own plan
 * does (the same checks, through planSecureGroup) before any tier is created.
 */
function webCheckPlan(args: ThreeTierGroupsArgs): TierPlan {
    const ingress: Record<string, RuleSpec> = {};
    const fields: Record<string, (rest: string) => string> = {};
    const cidrs = args.web?.publicCidrs ?? ["0.0.0.0/0"];
    const ports = args.web?.publicPorts ?? DEFAULT_PUBLIC_PORTS;
    cidrs.forEach((cidr, cidrIndex) => {
        const ipv6 = parseCidr(cidr)?.family === "ipv6";
        ports.forEach((port, portIndex) => {
            const key = `public-${cidrIndex}-${portIndex}`;
            ingress[key] = {
                protocol: "tcp",
                ports: port,
                ...(ipv6 ? { ipv6Cidr: cidr } : { cidr }),
                nicType: args.vpcId !== undefined ? "intranet" : "internet",
            };
            fields[key] = (rest) =>
                rest === ".ports" || args.web?.publicCidrs === undefined
                    ? `web.publicPorts[${portIndex}]`
                    : `web.publicCidrs[${cidrIndex}]`;
        });
    });
    return {
        args: {
            vpcId: args.vpcId,
            classicNetwork: args.classicNetwork,
            tags: args.tags,
            tier: "web",
            ingress,
            allowBroadCidrs: args.web?.allowBroadCidrs,
        },
        fields,
    };
}

/** Renames a problem about a generated ingress rule after the description field it came from. */
function describedProblem(found: Problem, fields: TierPlan["fields"]): Problem {
    for (const [key, fieldOf] of Object.entries(fields)) {
        const generated = `ingress.${key}`;
        if (found.field === generated || found.field.startsWith(`${generated}.`)) {
            const field = fieldOf(found.field.slice(generated.length));
            return {
                field,
                value: found.value,
                message: `${field}${found.message.slice(found.field.length)}`,
            };
        }
    }
    return found;
}

/**
 * A company's three tiers in one object: a web tier open to the Internet on its public ports only, an
 * application tier and a data tier each reachable only from the tiers in front of it, by source security
 * group, on the services the description names — every tier closed otherwise, with its drop baseline.
 *
 * ```ts
 * const tiers = new ThreeTierGroups("shop", {
 *     vpcId: vpc.id,
 *     tags: { owner: "team-shop" },
 *     app: { serves: { http: { to: ["web"], ports: [8080] } } },
 *     data: { serves: { mysql: ["app"], redis: ["app"] } },
 *     admin: { from: [bastion] },
 * });
 * ```
 *
 * It composes {@link WebTierGroup} (`<name>-web`) and {@link SecureGroup} (`<name>-app`, `<name>-data`); a
 * rule of a tier is named after the service and the tier it admits (`<name>-data-allow-mysql-from-app`).
 */
export class ThreeTierGroups extends pulumi.ComponentResource {
    /** The Internet-facing tier. */
    public readonly web: WebTierGroup;
    /** The application tier. */
    public readonly app: SecureGroup;
    /** The data tier. */
    public readonly data: SecureGroup;
    /** The three group ids, for instances, launch templates and other stacks. */
    public readonly securityGroupIds: pulumi.Output<Record<TierName, string>>;

    /**
     * @param name The component's name; every child's logical name starts with it.
     * @param args The tiers: what each serves to which tier in front of it, and who administers them.
     * @param opts Resource options.
     */
    constructor(name: string, args: ThreeTierGroupsArgs, opts?: pulumi.ComponentResourceOptions) {
        const valid = checkedDescription(name, args);
        super(TYPE, name, {}, opts);
        const webSpec = args.web ?? {};
        // The web tier comes first: it is the only child whose own checks have not run yet, and its failure
        // leaves nothing but this component registered.
        this.web = new WebTierGroup(
            `${name}-web`,
            {
                vpcId: args.vpcId,
                classicNetwork: args.classicNetwork,
                tags: args.tags,
                ...(webSpec.publicPorts !== undefined ? { publicPorts: webSpec.publicPorts } : {}),
                ...(webSpec.publicCidrs !== undefined ? { publicCidrs: webSpec.publicCidrs } : {}),
                ...(webSpec.allowBroadCidrs !== undefined
                    ? { allowBroadCidrs: webSpec.allowBroadCidrs }
                    : {}),
                ...(args.admin !== undefined && valid.adminTiers.includes("web")
                    ? { adminAccess: { from: args.admin.from, ports: args.admin.ports } }
                    : {}),
            },
            { parent: this },
        );
        const built: Partial<Record<TierName, SecurityGroupLike>> = { web: this.web };
        const sourceOf = (tier: TierName): SecurityGroupLike => built[tier] as SecurityGroupLike;
        this.app = new SecureGroup(`${name}-app`, innerTierPlan("app", args, valid, sourceOf).args, {
            parent: this,
        });
        built.app = this.app;
        this.data = new SecureGroup(`${name}-data`, innerTierPlan("data", args, valid, sourceOf).args, {
            parent: this,
        });
        this.securityGroupIds = pulumi
            .all([this.web.securityGroupId, this.app.securityGroupId, this.data.securityGroupId])
            .apply(([web, app, data]) => ({ web, app, data }));
        this.registerOutputs({ securityGroupIds: this.securityGroupIds });
    }
}

/**
 * Checks a {@link ThreeTierGroupsArgs} without creating anything: the description, then each inner tier's
 * group exactly as it would be planned. Throws a ValidationError naming every bad field and its value.
 */
export function checkThreeTierGroups(name: string, args: ThreeTierGroupsArgs): void {
    checkedDescription(name, args);
}

function checkedDescription(name: string, args: ThreeTierGroupsArgs): ValidDescription {
    const context = `ThreeTierGroups "${name}"`;
    const { valid, problems } = validateDescription(args);
    if (problems.length === 0) {
        const placeholder = (from: TierName) => `sg-${from}-placeholder`;
        const checks: [TierPlan, GroupPlanExtras][] = [
            [webCheckPlan(args), { publicPorts: args.web?.publicPorts ?? DEFAULT_PUBLIC_PORTS }],
            [innerTierPlan("app", args, valid, placeholder), {}],
            [innerTierPlan("data", args, valid, placeholder), {}],
        ];
        for (const [plan, extras] of checks) {
            try {
                planSecureGroup(name, plan.args, extras);
            } catch (err) {
                if (!(err instanceof ValidationError)) {
                    throw err;
                }
                // Tags and the network are shared by every tier: report each problem once.
                for (const found of err.problems.map((p) => describedProblem(p, plan.fields))) {
                    if (!problems.some((known) => known.message === found.message)) {
                        problems.push(found);
                    }
                }
            }
        }
    } else if (isPlainObject(args)) {
        // The tiers' plans, which check the network too, need a valid description: check the network alone,
        // so that the user fixes both in one pass.
        problems.push(...networkProblems(args.vpcId, args.classicNetwork));
    }
    if (problems.length > 0) {
        throw new ValidationError(context, problems);
    }
    return valid;
}
