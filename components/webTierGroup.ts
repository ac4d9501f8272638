import * as alicloud from "@pulumi/alicloud";
import * as pulumi from "@pulumi/pulumi";
import {
    DEFAULT_ALLOW_PRIORITY,
    DEFAULT_PUBLIC_PORTS,
    parseCidr,
    PresetName,
    problem,
    Problem,
    rulePaths,
} from "../core";
import { completeGroupComponent, planMadeFor } from "./buildGroup";
import {
    AdminAccess,
    adminAccessRules,
    allowRuleName,
    entryLabel,
    GroupArgs,
    GroupPlan,
    nameSlug,
    Planned,
    PlannedRule,
    planGroup,
    sharedGroupArgs,
    PortSpec,
    presetEntries,
    publicPortName,
    sourceAccessRules,
    tcpPortLabel,
    tcpPortListProblems,
} from "./plan";
import { ArgumentShape, GROUP_INPUTS, planWhenKnown, Portable } from "./portable";
import { SecurityGroupSource, SecurityGroupType } from "./sources";

/** A service of the web tier reached from other groups (e.g. a health-check port from a load balancer group). */
export interface ServiceAccess {
    /** A preset name (`"http"`, `"https"`…). */
    readonly service: PresetName;
    /** Replaces the preset's tcp/udp ports (`[8080]`, `["8000/8100"]`). Defaults to the preset's ports. */
    readonly ports?: Portable<readonly PortSpec[], string[]>;
    /** The groups that may connect. At least one. */
    readonly from: Portable<readonly SecurityGroupSource[], pulumi.Input<string>[]>;
}

export interface WebTierGroupArgs {
    /** The VPC of the group. Required unless `classicNetwork` is true. */
    readonly vpcId?: pulumi.Input<string>;
    /**
     * True builds a classic-network group, with no `vpcId`, whose public rules use the internet NIC. Defaults
     * to `false`: classic networks are legacy (the policy pack's `missing-vpc` flags every classic group), so a
     * group without `vpcId` fails unless asked for deliberately. Must not be true together with `vpcId`.
     */
    readonly classicNetwork?: boolean;
    /** Tags of the group: at least one, no empty values. `managed-by` and `tier: web` are added. Required. */
    readonly tags: Record<string, pulumi.Input<string>>;
    /** The group's name in Alibaba Cloud. Defaults to the component's name. */
    readonly securityGroupName?: pulumi.Input<string>;
    /** Defaults to a sentence naming the public ports. */
    readonly description?: pulumi.Input<string>;
    /** The resource group. Defaults to the account's default resource group. */
    readonly resourceGroupId?: pulumi.Input<string>;
    /**
     * tcp ports open to `publicCidrs`. Defaults to `[80, 443]`. Ports other than 80 and 443 facing
     * `0.0.0.0/0` also need the policy pack's `publicPorts` setting.
     */
    readonly publicPorts?: Portable<readonly number[], number[]>;
    /**
     * Who reaches the public ports. Plain strings, since each names its rules. Defaults to `["0.0.0.0/0"]`,
     * the whole Internet.
     */
    readonly publicCidrs?: Portable<readonly string[], string[]>;
    /** Administration by source group. Defaults to none: no administrative port is open. */
    readonly adminAccess?: AdminAccess;
    /** More services reached from other groups. Defaults to none. */
    readonly serviceAccess?: Portable<readonly ServiceAccess[], ServiceAccess[]>;
    /** Broad blocks `publicCidrs` may deliberately name (besides `0.0.0.0/0`/`::/0`). Defaults to none. */
    readonly allowBroadCidrs?: Portable<readonly string[], string[]>;
}

const TYPE = "alicloud-secure-groups:index:WebTierGroup";

/** What may stay an Output in WebTierGroup's arguments (see {@link ArgumentShape}). */
const SHAPE: ArgumentShape = {
    inputs: [...GROUP_INPUTS, "adminAccess.from.*.group", "serviceAccess.*.from.*.group"],
    sources: ["adminAccess.from.*", "serviceAccess.*.from.*"],
};

/**
 * Where WebTierGroup's arguments were written, when a parent plans it from a description of its own.
 * @internal
 */
export interface WebTierPaths {
    readonly publicPorts: string;
    readonly publicCidrs: string;
    readonly allowBroadCidrs: string;
    readonly adminAccess: string;
    readonly serviceAccess: string;
    /** Where the group's own arguments were written, when not under their names (`classicNetwork`). */
    readonly group?: Partial<Record<keyof GroupArgs, string>>;
}

const OWN_PATHS: WebTierPaths = {
    publicPorts: "publicPorts",
    publicCidrs: "publicCidrs",
    allowBroadCidrs: "allowBroadCidrs",
    adminAccess: "adminAccess",
    serviceAccess: "serviceAccess",
};

/** The public rules: each public port from each public block, `allow-<port name>-from-<block>`. */
function publicRules(args: WebTierGroupArgs, paths: WebTierPaths, problems: Problem[]): PlannedRule[] {
    const publicPorts = (args.publicPorts ?? DEFAULT_PUBLIC_PORTS) as readonly number[];
    const publicCidrs = (args.publicCidrs ?? ["0.0.0.0/0"]) as readonly string[];
    const portProblems = tcpPortListProblems(publicPorts, paths.publicPorts);
    problems.push(...portProblems);
    if (!Array.isArray(publicCidrs) || (publicCidrs.length === 0 && publicPorts.length > 0)) {
        problems.push(
            problem(
                paths.publicCidrs,
                publicCidrs,
                "must list at least one CIDR block for the public ports",
                "to open no public port, set publicPorts to []",
            ),
        );
        return [];
    }
    if (portProblems.length > 0) {
        return [];
    }
    const internet = args.publicCidrs === undefined;
    const vpc = args.vpcId !== undefined;
    return publicCidrs.flatMap((cidrText, cidrIndex) => {
        const cidrPath = `${paths.publicCidrs}[${cidrIndex}]`;
        if (typeof cidrText !== "string") {
            problems.push(
                problem(
                    cidrPath,
                    cidrText,
                    "must be a CIDR block given as a plain string (it names the rules)",
                ),
            );
            return [];
        }
        const ipv6 = parseCidr(cidrText)?.family === "ipv6";
        return publicPorts.map((port, portIndex): PlannedRule => ({
            suffix: allowRuleName(publicPortName(port), "", internet ? "internet" : nameSlug(cidrText)),
            path: internet ? paths.publicPorts : cidrPath,
            paths: rulePaths(cidrPath, {
                ports: `${paths.publicPorts}[${portIndex}]`,
                cidr: cidrPath,
                ipv6Cidr: cidrPath,
            }),
            rule: {
                direction: "ingress",
                protocol: "tcp",
                ports: { from: port, to: port },
                peer: ipv6 ? { kind: "ipv6Cidr", cidr: cidrText } : { kind: "cidr", cidr: cidrText },
                policy: "accept",
                priority: DEFAULT_ALLOW_PRIORITY,
                // In a classic network the Internet arrives on the internet NIC; in a VPC every rule is intranet.
                nicType: vpc ? "intranet" : "internet",
                description: `Allow ${tcpPortLabel(port)} from ${internet ? "the Internet" : cidrText}`,
            },
        }));
    });
}

/** The rules of `serviceAccess`: `allow-<service>[-<ports>]-from-<key>`, the ports naming an override. */
function serviceAccessRules(args: WebTierGroupArgs, path: string, problems: Problem[]): PlannedRule[] {
    const services = (args.serviceAccess ?? []) as readonly ServiceAccess[];
    if (!Array.isArray(services)) {
        problems.push(problem(path, services, "must be a list of { service, from, ports? }"));
        return [];
    }
    return services.flatMap((access, index) => {
        const accessPath = `${path}[${index}]`;
        const ports = access?.ports as readonly PortSpec[] | undefined;
        const expanded = presetEntries(
            access?.service,
            ports,
            `${accessPath}.service`,
            `${accessPath}.ports`,
        );
        problems.push(...expanded.problems);
        // A list may name one service twice on different ports: the ports are part of the name.
        const what =
            ports === undefined ? String(access?.service) : nameSlug([access?.service, ...ports].join("-"));
        return sourceAccessRules(
            access?.from as readonly SecurityGroupSource[],
            `${accessPath}.from`,
            expanded.entries,
            what,
            (protocol, range) => entryLabel(access.service, protocol, range),
            `${accessPath}.ports`,
            problems,
        );
    });
}

/**
 * The plan of a web tier: its public rules, administration, other services, and the group. `paths` says where
 * each argument was written when a parent planned it from its own description.
 * @internal
 */
export function planWebTierGroup(
    name: string,
    args: WebTierGroupArgs,
    context = `WebTierGroup "${name}"`,
    paths: WebTierPaths = OWN_PATHS,
): Planned<GroupPlan> {
    const given = (args ?? {}) as WebTierGroupArgs;
    const problems: Problem[] = [];
    const rules = [
        ...publicRules(given, paths, problems),
        ...adminAccessRules(given.adminAccess, paths.adminAccess, problems),
        ...serviceAccessRules(given, paths.serviceAccess, problems),
    ];
    const publicPorts = Array.isArray(given.publicPorts)
        ? (given.publicPorts as readonly number[])
        : DEFAULT_PUBLIC_PORTS;
    return planGroup(
        name,
        {
            ...sharedGroupArgs(given),
            allowBroadCidrs: given.allowBroadCidrs as readonly string[] | undefined,
        },
        {
            context,
            rules,
            problems,
            tier: "web",
            publicPorts,
            paths: { ...paths.group, allowBroadCidrs: paths.allowBroadCidrs },
            description: `Web tier ${name}: tcp ${publicPorts.join(", ")} from ${
                given.publicCidrs === undefined ? "the Internet" : "the listed blocks"
            }, administration from named groups only`,
        },
    );
}

/**
 * The web tier: its public ports (80 and 443) open to the Internet, administration only from named
 * security groups, and nothing else.
 *
 * ```ts
 * const web = new WebTierGroup("web", {
 *     vpcId: vpc.id,
 *     tags: { owner: "team-web" },
 *     adminAccess: { from: [bastion] },
 * });
 * ```
 */
export class WebTierGroup extends pulumi.ComponentResource {
    /** The group this component created. */
    public readonly securityGroup?: alicloud.ecs.SecurityGroup;
    /** The group's id. */
    public readonly securityGroupId!: pulumi.Output<string>;
    /** Always `normal`: a web tier names source groups, which enterprise groups cannot. */
    public readonly securityGroupType!: SecurityGroupType;
    /** Every rule resource, keyed by its logical name (`web-allow-https-from-internet`). */
    public readonly rules!: Readonly<Record<string, alicloud.ecs.SecurityGroupRule>>;

    /**
     * @param name The component's name; every child's logical name starts with it.
     * @param args The web tier's public ports, administrators and other services.
     * @param opts Resource options.
     */
    constructor(name: string, args: WebTierGroupArgs, opts?: pulumi.ComponentResourceOptions) {
        const made = planMadeFor(args);
        const plan =
            made?.plan ??
            planWhenKnown(`WebTierGroup "${name}"`, TYPE, args, SHAPE, (known) =>
                planWebTierGroup(name, known),
            );
        super(TYPE, name, {}, opts);
        completeGroupComponent(
            this,
            name,
            plan,
            "normal",
            (outputs) => this.registerOutputs(outputs),
            made?.siblings,
        );
    }
}
