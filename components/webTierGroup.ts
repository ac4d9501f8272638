import * as pulumi from "@pulumi/pulumi";
import {
    DEFAULT_ALLOW_PRIORITY,
    DEFAULT_PUBLIC_PORTS,
    isPresetName,
    parseCidr,
    PortRange,
    PresetName,
    PRESETS,
    problem,
    Problem,
    Protocol,
    ServicePreset,
} from "../core";
import { SecurityGroupComponent } from "./groupComponent";
import {
    nameSlug,
    entryLabel,
    expandEntries,
    PlannedRule,
    PortSpec,
    presetEntries,
    ServiceEntry,
    sourceProblems,
    sourceRule,
} from "./plan";
import { planSecureGroup } from "./secureGroup";
import { resolveSource, SecurityGroupSource } from "./sources";

/** Access for administrators, by source security group only. */
export interface AdminAccess {
    /** The groups administrators connect from (bastions, VPN gateways). At least one. */
    readonly from: readonly SecurityGroupSource[];
    /** tcp ports. Defaults to `[22]` (SSH). */
    readonly ports?: readonly number[];
}

/** A service of the web tier reached from other groups (e.g. a health-check port from a load balancer group). */
export interface ServiceAccess {
    /** A preset name (`"http"`, `"https"`…). */
    readonly service: PresetName;
    /** Replaces the preset's tcp/udp ports. Defaults to the preset's ports. */
    readonly ports?: readonly PortSpec[];
    /** The groups that may connect. At least one. */
    readonly from: readonly SecurityGroupSource[];
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
    readonly publicPorts?: readonly number[];
    /**
     * Who reaches the public ports. Plain strings, since each names its rules. Defaults to `["0.0.0.0/0"]`,
     * the whole Internet.
     */
    readonly publicCidrs?: readonly string[];
    /** Administration by source group. Defaults to none: no administrative port is open. */
    readonly adminAccess?: AdminAccess;
    /** More services reached from other groups. Defaults to none. */
    readonly serviceAccess?: readonly ServiceAccess[];
    /** Broad blocks `publicCidrs` may deliberately name (besides `0.0.0.0/0`/`::/0`). Defaults to none. */
    readonly allowBroadCidrs?: readonly string[];
}

const TYPE = "alicloud-secure-groups:index:WebTierGroup";

/** `http` for 80, `https` for 443, `ssh` for 22: the preset with exactly that one tcp port, else `tcp-<port>`. */
function tcpPortName(port: number): string {
    for (const [name, preset] of Object.entries(PRESETS) as [string, ServicePreset][]) {
        const [entry, ...rest] = preset.entries;
        if (
            rest.length === 0 &&
            entry.protocol === "tcp" &&
            entry.ports.length === 1 &&
            entry.ports[0] === port
        ) {
            return name;
        }
    }
    return `tcp-${port}`;
}

function tcpPortLabel(port: number): string {
    const name = tcpPortName(port);
    return isPresetName(name) ? PRESETS[name].description : `tcp ${port}`;
}

function numberListProblems(value: unknown, field: string): Problem[] {
    if (!Array.isArray(value) || value.some((port) => typeof port !== "number")) {
        return [problem(field, value, "must be a list of port numbers, e.g. [80, 443]")];
    }
    return [];
}

/** Source-group accepts for each source and port range, named `allow-<what>-from-<source key>`. */
function sourceAccessRules(
    sources: readonly SecurityGroupSource[] | undefined,
    field: string,
    entries: readonly ServiceEntry[],
    what: string,
    label: (protocol: Protocol, ports: PortRange) => string,
    portsField: string,
    problems: Problem[],
): PlannedRule[] {
    if (!Array.isArray(sources) || sources.length === 0) {
        problems.push(problem(`${field}.from`, sources, "must name at least one security group"));
        return [];
    }
    const rules: PlannedRule[] = [];
    sources.forEach((source, index) => {
        const sourceField = `${field}.from[${index}]`;
        const resolved = resolveSource(source, sourceField);
        if (Array.isArray(resolved)) {
            problems.push(...resolved);
            return;
        }
        problems.push(...sourceProblems(resolved, sourceField, "normal"));
        rules.push(
            ...expandEntries(
                entries,
                (slug) => `allow-${what}${slug}-from-${resolved.key}`,
                (protocol, ports) => ({
                    field: sourceField,
                    argumentFields: { ports: portsField },
                    rule: sourceRule(
                        resolved,
                        protocol,
                        ports,
                        DEFAULT_ALLOW_PRIORITY,
                        `Allow ${label(protocol, ports)} from security group ${resolved.key}`,
                    ),
                }),
            ),
        );
    });
    return rules;
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
export class WebTierGroup extends SecurityGroupComponent {
    /**
     * @param name The component's name; every child's logical name starts with it.
     * @param args The web tier's public ports, administrators and other services.
     * @param opts Resource options.
     */
    constructor(name: string, args: WebTierGroupArgs, opts?: pulumi.ComponentResourceOptions) {
        super(TYPE, name, planWebTierGroup(name, args), opts);
    }
}

function planWebTierGroup(name: string, args: WebTierGroupArgs) {
    const context = `WebTierGroup "${name}"`;
    const problems: Problem[] = [];
    const vpc = args?.vpcId !== undefined;
    const publicPorts = args?.publicPorts ?? DEFAULT_PUBLIC_PORTS;
    problems.push(...numberListProblems(publicPorts, "publicPorts"));
    const publicCidrs = args?.publicCidrs ?? ["0.0.0.0/0"];
    const rules: PlannedRule[] = [];
    if (!Array.isArray(publicCidrs) || publicCidrs.length === 0) {
        problems.push(
            problem(
                "publicCidrs",
                publicCidrs,
                "must list at least one CIDR block; set publicPorts to [] to open nothing",
            ),
        );
    } else if (Array.isArray(publicPorts)) {
        publicCidrs.forEach((cidrText, cidrIndex) => {
            const field = `publicCidrs[${cidrIndex}]`;
            if (typeof cidrText !== "string") {
                problems.push(
                    problem(
                        field,
                        cidrText,
                        "must be a CIDR block given as a plain string (it names the rules)",
                    ),
                );
                return;
            }
            const cidr = parseCidr(cidrText);
            const internet = args?.publicCidrs === undefined;
            const peerName = internet ? "internet" : nameSlug(cidrText);
            publicPorts.forEach((port, portIndex) => {
                rules.push({
                    suffix: `allow-${tcpPortName(port)}-from-${peerName}`,
                    field: internet ? "publicPorts" : field,
                    argumentFields: { cidr: field, ports: `publicPorts[${portIndex}]` },
                    rule: {
                        direction: "ingress",
                        protocol: "tcp",
                        ports: { from: port, to: port },
                        peer:
                            cidr?.family === "ipv6"
                                ? { kind: "ipv6Cidr", cidr: cidrText }
                                : { kind: "cidr", cidr: cidrText },
                        policy: "accept",
                        priority: DEFAULT_ALLOW_PRIORITY,
                        // In a classic network the Internet arrives on the internet NIC; in a VPC every rule is intranet.
                        nicType: vpc ? "intranet" : "internet",
                        description: `Allow ${tcpPortLabel(port)} from ${internet ? "the Internet" : cidrText}`,
                    },
                });
            });
        });
    }

    const adminAccess = args?.adminAccess;
    if (adminAccess !== undefined) {
        const ports = adminAccess.ports ?? [22];
        const portProblems = numberListProblems(ports, "adminAccess.ports");
        problems.push(...portProblems);
        if (portProblems.length === 0) {
            ports.forEach((port, portIndex) => {
                const what = tcpPortName(port);
                rules.push(
                    ...sourceAccessRules(
                        adminAccess.from,
                        "adminAccess",
                        [{ protocol: "tcp", ranges: [{ from: port, to: port }] }],
                        what === `tcp-${port}` ? `admin-tcp-${port}` : what,
                        () => tcpPortLabel(port),
                        `adminAccess.ports[${portIndex}]`,
                        problems,
                    ),
                );
            });
        }
    }

    const services = args?.serviceAccess ?? [];
    if (!Array.isArray(services)) {
        problems.push(problem("serviceAccess", services, "must be a list of { service, from, ports? }"));
    } else {
        services.forEach((access, index) => {
            const field = `serviceAccess[${index}]`;
            const expanded = presetEntries(
                access?.service,
                access?.ports,
                `${field}.service`,
                `${field}.ports`,
            );
            problems.push(...expanded.problems);
            const what =
                access?.ports === undefined
                    ? access?.service
                    : nameSlug([access?.service, ...access.ports].join("-"));
            rules.push(
                ...sourceAccessRules(
                    access?.from,
                    field,
                    expanded.entries,
                    what,
                    (protocol, ports) => entryLabel(access.service, protocol, ports),
                    `${field}.ports`,
                    problems,
                ),
            );
        });
    }

    return planSecureGroup(
        name,
        {
            vpcId: args?.vpcId,
            classicNetwork: args?.classicNetwork,
            tags: args?.tags,
            securityGroupName: args?.securityGroupName,
            description: args?.description,
            resourceGroupId: args?.resourceGroupId,
            allowBroadCidrs: args?.allowBroadCidrs,
        },
        {
            context,
            rules,
            problems,
            tier: "web",
            publicPorts: Array.isArray(publicPorts) ? publicPorts : DEFAULT_PUBLIC_PORTS,
            description: `Web tier ${name}: tcp ${Array.isArray(publicPorts) ? publicPorts.join(", ") : ""} from ${
                args?.publicCidrs === undefined ? "the Internet" : "the listed blocks"
            }, administration from named groups only`,
        },
    );
}
