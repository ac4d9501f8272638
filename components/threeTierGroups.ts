import * as pulumi from "@pulumi/pulumi";
import { isPresetName, PresetName, PRESET_NAMES, problem, Problem, rulePaths } from "../core";
import { uniqueProblems } from "../core/problems";
import { deferredOutput, MadePlan, whenPlanned, withPlan } from "./buildGroup";
import {
    AdminAccess,
    adminAccessRules,
    adminPortName,
    allowRuleName,
    entryLabel,
    expandEntries,
    GroupArgs,
    GroupPlan,
    Planned,
    PlannedRule,
    planGroup,
    PortSpec,
    presetEntries,
    sourceRule,
} from "./plan";
import { ArgumentShape, planWhenKnown, Portable } from "./portable";
import { SecureGroup } from "./secureGroup";
import { planWebTierGroup, WebTierGroup } from "./webTierGroup";

/** The tiers, front to back: traffic flows from the Internet to `web`, then `app`, then `data`. */
export const TierName = { web: "web", app: "app", data: "data" } as const;
export type TierName = (typeof TierName)[keyof typeof TierName];
export const TIER_NAMES: readonly TierName[] = [TierName.web, TierName.app, TierName.data];

/** One service of a tier: the tiers allowed to connect, and optionally other ports than the preset's. */
export interface TierServiceSpec {
    /** The tiers in front of this one whose members may connect (`["web"]`). At least one. */
    readonly to: Portable<readonly TierName[], TierName[]>;
    /** Replaces the preset's tcp/udp ports (`[8080]`). Defaults to the preset's ports. */
    readonly ports?: Portable<readonly PortSpec[], string[]>;
}

/**
 * What a tier serves, keyed by preset: `{ mysql: ["app"] }` or `{ http: { to: ["web"], ports: [8080] } }`.
 * Other languages write the long form, keyed by preset name.
 */
export type TierServes = Portable<
    Partial<Record<PresetName, readonly TierName[] | TierServiceSpec>>,
    Record<string, TierServiceSpec>
>;

export interface WebTierSpec {
    /** tcp ports open to `publicCidrs`. Defaults to `[80, 443]`. */
    readonly publicPorts?: Portable<readonly number[], number[]>;
    /** Who reaches the public ports. Defaults to `["0.0.0.0/0"]`, the whole Internet. */
    readonly publicCidrs?: Portable<readonly string[], string[]>;
    /** Broad blocks `publicCidrs` may deliberately name (besides `0.0.0.0/0`/`::/0`). Defaults to none. */
    readonly allowBroadCidrs?: Portable<readonly string[], string[]>;
}

export interface InnerTierSpec {
    /** The services of this tier and the tiers in front of it that use them. Defaults to none: closed. */
    readonly serves?: TierServes;
}

/** Administration by source group, on the tiers listed. */
export interface TierAdminAccess extends AdminAccess {
    /** The tiers administrators reach. Defaults to every tier. */
    readonly tiers?: Portable<readonly TierName[], TierName[]>;
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

/** The three group ids. */
export interface TierGroupIds {
    readonly web: string;
    readonly app: string;
    readonly data: string;
}

/**
 * The three tiers' plans, validated together.
 * @internal
 */
export interface ThreeTierPlan {
    readonly web: GroupPlan;
    readonly app: GroupPlan;
    readonly data: GroupPlan;
}

/**
 * Where a description was written, when it is not the component's own arguments.
 * @internal
 */
export interface TierPlanOptions {
    /** Prefix of every description path: `tiers` for the stack config key. Defaults to none. */
    readonly at?: string;
    /** Where `classicNetwork` was chosen. Defaults to `classicNetwork`, the program's argument. */
    readonly classicNetworkPath?: string;
    /** What problems found later are reported against. Defaults to `ThreeTierGroups "<name>"`. */
    readonly context?: string;
}

const TYPE = "alicloud-secure-groups:index:ThreeTierGroups";
const INNER_TIERS = ["app", "data"] as const;
type InnerTierName = (typeof INNER_TIERS)[number];

/** What may stay an Output in ThreeTierGroups' arguments (see {@link ArgumentShape}). */
const SHAPE: ArgumentShape = {
    inputs: ["vpcId", "tags.*", "admin.from.*.group"],
    sources: ["admin.from.*"],
};

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
    path: string,
    allowed: readonly TierName[],
    need: string,
): Problem[] {
    if (!Array.isArray(value) || value.length === 0) {
        return [problem(path, value, `must list at least one tier of ${allowed.join(", ")}`)];
    }
    return value.flatMap((tier, index) => {
        if (!allowed.includes(tier as TierName)) {
            return [problem(`${path}[${index}]`, tier, `must be ${need}: ${allowed.join(", ")}`)];
        }
        return value.indexOf(tier) !== index
            ? [problem(`${path}[${index}]`, tier, `repeats ${path}[${value.indexOf(tier)}]`)]
            : [];
    });
}

/**
 * The rules an inner tier serves to the tiers in front of it, `allow-<service>[-<protocol>-<ports>]-from-<tier>`,
 * each naming the tier's group as a sibling. A tier serves only tiers in front of it, so the groups are built
 * front to back with no cycle.
 */
function servesRules(
    tier: InnerTierName,
    spec: unknown,
    at: (path: string) => string,
    problems: Problem[],
): PlannedRule[] {
    if (spec === undefined) {
        return [];
    }
    if (!isPlainObject(spec)) {
        problems.push(problem(at(tier), spec, 'must be an object such as { serves: { mysql: ["app"] } }'));
        return [];
    }
    const serves = spec.serves;
    if (serves === undefined) {
        return [];
    }
    if (!isPlainObject(serves)) {
        problems.push(problem(at(`${tier}.serves`), serves, "must be an object keyed by preset name"));
        return [];
    }
    const front = TIER_NAMES.slice(0, TIER_NAMES.indexOf(tier));
    return Object.entries(serves).flatMap(([preset, value]) => {
        const servicePath = at(`${tier}.serves.${preset}`);
        if (!isPresetName(preset)) {
            problems.push(
                problem(
                    at(`${tier}.serves`),
                    preset,
                    `must be keyed by preset names: ${PRESET_NAMES.join(", ")}`,
                ),
            );
            return [];
        }
        const service: unknown = Array.isArray(value) ? { to: value } : value;
        if (!isPlainObject(service)) {
            problems.push(
                problem(servicePath, value, "must be a list of tiers or { to: [...], ports?: [...] }"),
            );
            return [];
        }
        const toPath = Array.isArray(value) ? servicePath : `${servicePath}.to`;
        const toProblems = tierListProblems(service.to, toPath, front, `a tier in front of ${tier}`);
        const ports = service.ports as readonly PortSpec[] | undefined;
        const portsPath = `${servicePath}.ports`;
        const expanded =
            ports !== undefined && !Array.isArray(ports)
                ? {
                      entries: [],
                      problems: [problem(portsPath, ports, 'must be a list of ports or "start/end" ranges')],
                  }
                : presetEntries(preset, ports, servicePath, portsPath);
        problems.push(...toProblems, ...expanded.problems);
        if (toProblems.length > 0) {
            return [];
        }
        return (service.to as TierName[]).flatMap((from) =>
            expandEntries(
                expanded.entries,
                (slug) => allowRuleName(preset, slug, from),
                (protocol, ports, slug) => ({
                    // Before one naming for every tier, a tier named its multi-port rules after the source.
                    ...(slug !== "" ? { formerSuffixes: [`allow-${preset}-from-${from}${slug}`] } : {}),
                    path: servicePath,
                    paths: rulePaths(servicePath, { ports: portsPath }),
                    rule: sourceRule(
                        { sibling: from },
                        protocol,
                        ports,
                        `Allow ${entryLabel(preset, protocol, ports)} from security group ${from}`,
                    ),
                }),
            ),
        );
    });
}

/** The tiers administrators reach, and problems with the admin section beyond what adminAccessRules checks. */
function adminTiers(admin: unknown, at: (path: string) => string, problems: Problem[]): readonly TierName[] {
    if (!isPlainObject(admin)) {
        return [];
    }
    const from = admin.from;
    if (Array.isArray(from)) {
        from.forEach((source, index) => {
            const key = isPlainObject(source) && typeof source.key === "string" ? source.key : source;
            // Rules are named `allow-<service>-from-<key>`: a source keyed like a tier would take the name of that
            // tier's rule and silently replace it.
            if (typeof key === "string" && (TIER_NAMES as readonly string[]).includes(key)) {
                problems.push(
                    problem(
                        at(`admin.from[${index}]`),
                        key,
                        `must not be keyed ${TIER_NAMES.join(", ")}: give it another key, e.g. { group, key: "bastion" }`,
                    ),
                );
            }
        });
    }
    if (admin.tiers === undefined) {
        return TIER_NAMES;
    }
    const tierProblems = tierListProblems(admin.tiers, at("admin.tiers"), TIER_NAMES, "a tier");
    problems.push(...tierProblems);
    return tierProblems.length === 0 ? (admin.tiers as TierName[]) : [];
}

/**
 * What an inner tier called an administrative port before one naming for every tier: `admin-tcp-<port>` for
 * every port but 22, where the web tier used the port's preset (`telnet`). Kept as an alias where it differs.
 */
function formerInnerAdminName(port: number): string | undefined {
    const old = `admin-tcp-${port}`;
    return port === 22 || adminPortName(port) === old ? undefined : old;
}

/**
 * The one planner of three tiers: the web tier as {@link WebTierGroup} plans it, the app and data tiers with the
 * services they serve to the tiers in front, administration where asked — every problem at the path the
 * description wrote it (under `options.at` for stack config). Creates nothing.
 * @internal
 */
export function planThreeTierGroups(
    name: string,
    args: ThreeTierGroupsArgs,
    options: TierPlanOptions = {},
): Planned<ThreeTierPlan> {
    const context = options.context ?? `ThreeTierGroups "${name}"`;
    const at = (path: string) => (options.at ? `${options.at}.${path}` : path);
    const problems: Problem[] = [];
    const given = (isPlainObject(args) ? args : {}) as ThreeTierGroupsArgs;
    if (given !== args) {
        problems.push(problem("args", args, "must be an object"));
    }
    const groupPaths: Partial<Record<keyof GroupArgs, string>> = {
        classicNetwork: options.classicNetworkPath ?? "classicNetwork",
    };
    const network = { vpcId: given.vpcId, classicNetwork: given.classicNetwork, tags: given.tags };
    const admin = given.admin;
    const adminOn = adminTiers(admin, at, problems);
    const web = isPlainObject(given.web) || given.web === undefined ? (given.web ?? {}) : undefined;
    if (web === undefined) {
        problems.push(problem(at("web"), given.web, "must be an object such as { publicPorts: [80, 443] }"));
    }
    const webPlan = planWebTierGroup(
        `${name}-web`,
        {
            ...network,
            ...(web ?? {}),
            ...(adminOn.includes("web") ? { adminAccess: admin } : {}),
        },
        context,
        {
            publicPorts: at("web.publicPorts"),
            publicCidrs: at("web.publicCidrs"),
            allowBroadCidrs: at("web.allowBroadCidrs"),
            adminAccess: at("admin"),
            serviceAccess: at("web.serviceAccess"),
            group: groupPaths,
        },
    );
    const inner = INNER_TIERS.map((tier) => {
        const tierProblems: Problem[] = [];
        const rules = [
            ...servesRules(tier, given[tier], at, tierProblems),
            ...(adminOn.includes(tier)
                ? adminAccessRules(admin, at("admin"), tierProblems, formerInnerAdminName)
                : []),
        ];
        return planGroup(
            `${name}-${tier}`,
            { ...network, tier },
            { context, rules, problems: tierProblems, paths: groupPaths },
        );
    });
    return {
        plan: { web: webPlan.plan, app: inner[0].plan, data: inner[1].plan },
        // Tags and the network are shared by every tier: each problem is reported once.
        problems: uniqueProblems([
            ...problems,
            ...webPlan.problems,
            ...inner.flatMap((tier) => tier.problems),
        ]),
    };
}

/** The tiers a ThreeTierGroups built (see the getters). */
interface BuiltTiers {
    readonly web: WebTierGroup;
    readonly app: SecureGroup;
    readonly data: SecureGroup;
}

/**
 * Each component's tiers, kept outside the instance: the schema of the component package lists a component's
 * properties as its outputs, and a property typed as one of our own components is one the SDK's analyzer cannot
 * describe. The getters keep `tiers.web` for TypeScript; other languages read `securityGroupIds`.
 */
const builtTiers = new WeakMap<ThreeTierGroups, BuiltTiers>();

/** Plans made by threeTierGroupsFromConfig, by the arguments object it passes. */
const madeTiers = new WeakMap<object, ThreeTierPlan>();

/**
 * Attaches an already validated plan to the arguments of a ThreeTierGroups, which then builds from it.
 * @internal
 */
export function withTierPlan(args: ThreeTierGroupsArgs, plan: ThreeTierPlan): ThreeTierGroupsArgs {
    madeTiers.set(args, plan);
    return args;
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
    /** The three group ids, for instances, launch templates and other stacks. */
    public readonly securityGroupIds: pulumi.Output<TierGroupIds>;

    /**
     * @param name The component's name; every child's logical name starts with it.
     * @param args The tiers: what each serves to which tier in front of it, and who administers them.
     * @param opts Resource options.
     */
    constructor(name: string, args: ThreeTierGroupsArgs, opts?: pulumi.ComponentResourceOptions) {
        const made = typeof args === "object" && args !== null ? madeTiers.get(args) : undefined;
        const plan =
            made ??
            planWhenKnown(`ThreeTierGroups "${name}"`, TYPE, args, SHAPE, (known) =>
                planThreeTierGroups(name, known),
            );
        super(TYPE, name, {}, opts);
        const build = (tiers: ThreeTierPlan): BuiltTiers => {
            const childArgs = { vpcId: args.vpcId, classicNetwork: args.classicNetwork, tags: args.tags };
            const child = (made: MadePlan) => withPlan({ ...childArgs }, made);
            const web = new WebTierGroup(`${name}-web`, child({ plan: tiers.web, siblings: {} }), {
                parent: this,
            });
            const app = new SecureGroup(
                `${name}-app`,
                child({ plan: tiers.app, siblings: { web: web.securityGroupId } }),
                {
                    parent: this,
                },
            );
            const data = new SecureGroup(
                `${name}-data`,
                child({ plan: tiers.data, siblings: { web: web.securityGroupId, app: app.securityGroupId } }),
                { parent: this },
            );
            const built = { web, app, data };
            builtTiers.set(this, built);
            return built;
        };
        const ids = (tiers: BuiltTiers): pulumi.Output<TierGroupIds> =>
            pulumi
                .all([tiers.web.securityGroupId, tiers.app.securityGroupId, tiers.data.securityGroupId])
                .apply(([web, app, data]) => ({ web, app, data }));
        this.securityGroupIds =
            plan instanceof Promise ? deferredOutput(plan.then((p) => ids(build(p)))) : ids(build(plan));
        whenPlanned(plan, this, () => this.registerOutputs({ securityGroupIds: this.securityGroupIds }));
    }

    /** The Internet-facing tier. */
    get web(): WebTierGroup {
        return this.tiers().web;
    }

    /** The application tier. */
    get app(): SecureGroup {
        return this.tiers().app;
    }

    /** The data tier. */
    get data(): SecureGroup {
        return this.tiers().data;
    }

    private tiers(): BuiltTiers {
        const tiers = builtTiers.get(this);
        if (tiers === undefined) {
            throw new Error(
                `ThreeTierGroups "${pulumi.resourceName(this)}": its tiers are built once its arguments resolve`,
            );
        }
        return tiers;
    }
}
