import * as pulumi from "@pulumi/pulumi";
import {
    DEFAULT_ALLOW_PRIORITY,
    hasPorts,
    PresetName,
    PRESETS,
    problem,
    Problem,
    BASELINE_PRIORITY,
} from "../core";
import { SecurityGroupComponent } from "./groupComponent";
import {
    entryLabel,
    expandEntries,
    GroupPlan,
    PlannedRule,
    PortSpec,
    presetEntries,
    SELF_GROUP,
    sourceProblems,
    sourceRule,
} from "./plan";
import { planSecureGroup } from "./secureGroup";
import { resolveSource, SecurityGroupSource } from "./sources";

/** Arguments shared by every service group; {@link ServiceGroupFromSourceArgs} adds the service. */
export interface ServiceGroupCommonArgs {
    /** The VPC of the group. Required unless `classicNetwork` is true. */
    readonly vpcId?: pulumi.Input<string>;
    /**
     * True builds a classic-network group, with no `vpcId`. Defaults to `false`: classic networks are legacy
     * (the policy pack's `missing-vpc` flags every classic group), so a group without `vpcId` fails unless
     * asked for deliberately. Must not be true together with `vpcId`.
     */
    readonly classicNetwork?: boolean;
    /** Tags of the group: at least one, no empty values. `managed-by` and `tier: <service>` are added. Required. */
    readonly tags: Record<string, pulumi.Input<string>>;
    /**
     * The security groups whose members may reach the service: components, `alicloud.ecs.SecurityGroup`
     * resources or ids, each optionally `{ group, ownerId, key }` for another account or an Output id. At least one.
     */
    readonly sources: readonly SecurityGroupSource[];
    /**
     * True keeps members of this group from reaching each other on the service ports too. Defaults to false:
     * cluster members reach each other on the service ports only (never on every port).
     */
    readonly isolateMembers?: boolean;
    /** The group's name in Alibaba Cloud. Defaults to the component's name. */
    readonly securityGroupName?: pulumi.Input<string>;
    /** Defaults to a sentence naming the service. */
    readonly description?: pulumi.Input<string>;
    /** The resource group. Defaults to the account's default resource group. */
    readonly resourceGroupId?: pulumi.Input<string>;
}

export interface ServiceGroupFromSourceArgs extends ServiceGroupCommonArgs {
    /** The service, by preset name (`"mysql"`, `"postgresql"`, `"redis"`…). Required. */
    readonly service: PresetName;
    /** Replaces the preset's tcp/udp ports (`[3307]`). Defaults to the preset's ports. */
    readonly ports?: readonly PortSpec[];
}

const TYPE = "alicloud-secure-groups:index:ServiceGroupFromSource";

/**
 * The rules of a service reached only from source groups: one intranet accept per source and port, the
 * service's own drop from `0.0.0.0/0` at the baseline priority (Alibaba's best-practice pair), member access
 * on the service ports, and the drop-all baseline.
 */
export function planServiceGroup(
    name: string,
    args: ServiceGroupCommonArgs,
    service: PresetName,
    portsOverride: { readonly value: PortSpec | readonly PortSpec[] | undefined; readonly field: string },
    context: string,
): GroupPlan {
    const problems: Problem[] = [];
    const expanded = presetEntries(service, portsOverride.value, "service", portsOverride.field);
    problems.push(...expanded.problems);
    const rules: PlannedRule[] = [];
    const sources = args?.sources;
    if (!Array.isArray(sources) || sources.length === 0) {
        problems.push(problem("sources", sources, "must name at least one security group"));
    } else {
        sources.forEach((source, index) => {
            const field = `sources[${index}]`;
            const resolved = resolveSource(source, field);
            if (Array.isArray(resolved)) {
                problems.push(...resolved);
                return;
            }
            problems.push(...sourceProblems(resolved, field, "normal"));
            rules.push(
                ...expandEntries(
                    expanded.entries,
                    (slug) => `allow-${service}${slug}-from-${resolved.key}`,
                    (protocol, ports) => ({
                        field,
                        argumentFields: { ports: portsOverride.field },
                        rule: sourceRule(
                            resolved,
                            protocol,
                            ports,
                            DEFAULT_ALLOW_PRIORITY,
                            `Allow ${entryLabel(service, protocol, ports)} from security group ${resolved.key}`,
                        ),
                    }),
                ),
            );
        });
    }
    if (args?.isolateMembers !== undefined && typeof args.isolateMembers !== "boolean") {
        problems.push(problem("isolateMembers", args.isolateMembers, "must be true or false"));
    }
    if (args?.isolateMembers !== true) {
        rules.push(
            ...expandEntries(
                expanded.entries,
                (slug) => `allow-${service}${slug}-from-members`,
                (protocol, ports) => ({
                    field: "isolateMembers",
                    argumentFields: { ports: portsOverride.field },
                    rule: sourceRule(
                        SELF_GROUP,
                        protocol,
                        ports,
                        DEFAULT_ALLOW_PRIORITY,
                        `Allow ${entryLabel(service, protocol, ports)} between members of this group`,
                    ),
                }),
            ),
        );
    }
    rules.push(
        ...expandEntries(
            expanded.entries.filter((entry) => hasPorts(entry.protocol)),
            (slug) => `drop-${service}${slug}-from-anywhere`,
            (protocol, ports) => ({
                field: "service",
                argumentFields: { ports: portsOverride.field },
                rule: {
                    direction: "ingress",
                    protocol,
                    ports,
                    peer: { kind: "cidr", cidr: "0.0.0.0/0" },
                    policy: "drop",
                    priority: BASELINE_PRIORITY,
                    nicType: "intranet",
                    description: `Drop ${entryLabel(service, protocol, ports)} from every address not allowed above`,
                },
            }),
        ),
    );
    const label =
        typeof service === "string" && service in PRESETS ? PRESETS[service].description : String(service);
    return planSecureGroup(
        name,
        {
            vpcId: args?.vpcId,
            classicNetwork: args?.classicNetwork,
            tags: args?.tags,
            securityGroupName: args?.securityGroupName,
            description: args?.description,
            resourceGroupId: args?.resourceGroupId,
        },
        {
            context,
            rules,
            problems,
            tier: typeof service === "string" ? service : "service",
            description: `${label} tier ${name}: reachable only from named security groups`,
        },
    );
}

/**
 * A group for a service (MySQL, PostgreSQL, MongoDB…) that admits only named source groups.
 *
 * ```ts
 * const db = new ServiceGroupFromSource("db", {
 *     vpcId: vpc.id,
 *     tags: { owner: "team-data" },
 *     service: "mysql",
 *     sources: [app],
 * });
 * ```
 */
export class ServiceGroupFromSource extends SecurityGroupComponent {
    /**
     * @param name The component's name; every child's logical name starts with it.
     * @param args The service and the groups that may reach it.
     * @param opts Resource options.
     */
    constructor(name: string, args: ServiceGroupFromSourceArgs, opts?: pulumi.ComponentResourceOptions) {
        const { service, ports, ...common } = args ?? ({} as ServiceGroupFromSourceArgs);
        super(
            TYPE,
            name,
            planServiceGroup(
                name,
                common,
                service,
                { value: ports, field: "ports" },
                `ServiceGroupFromSource "${name}"`,
            ),
            opts,
        );
    }
}
