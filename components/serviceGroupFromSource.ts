import * as alicloud from "@pulumi/alicloud";
import * as pulumi from "@pulumi/pulumi";
import { BASELINE_PRIORITY, hasPorts, isPresetName, PresetName, PRESETS, Problem } from "../core";
import { completeGroupComponent } from "./buildGroup";
import {
    AdminAccess,
    adminAccessRules,
    allowRuleName,
    entryLabel,
    expandEntries,
    GroupPlan,
    Planned,
    PlannedRule,
    planGroup,
    sharedGroupArgs,
    PortSpec,
    presetEntries,
    SELF_GROUP,
    sourceAccessRules,
    sourceRule,
    sourceRulePaths,
} from "./plan";
import { ArgumentShape, GROUP_INPUTS, planWhenKnown, Portable } from "./portable";
import { SecurityGroupSource, SecurityGroupType } from "./sources";

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
    readonly sources: Portable<readonly SecurityGroupSource[], pulumi.Input<string>[]>;
    /**
     * True keeps members of this group from reaching each other on the service ports too. Defaults to false:
     * cluster members reach each other on the service ports only (never on every port).
     */
    readonly isolateMembers?: boolean;
    /** Administration (SSH by default) by source group only, as for a web tier. Defaults to none. */
    readonly adminAccess?: AdminAccess;
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
    readonly ports?: Portable<readonly PortSpec[], string[]>;
}

const TYPE = "alicloud-secure-groups:index:ServiceGroupFromSource";

/**
 * What may stay an Output in a service group's arguments (see {@link ArgumentShape}).
 * @internal
 */
export const SERVICE_GROUP_SHAPE: ArgumentShape = {
    inputs: [...GROUP_INPUTS, "sources.*.group", "adminAccess.from.*.group"],
    sources: ["sources.*", "adminAccess.from.*"],
};

/**
 * The rules of a service reached only from source groups: one intranet accept per source and port, the
 * service's own drop from `0.0.0.0/0` at the baseline priority (Alibaba's best-practice pair), member access
 * on the service ports, administration, and the drop-all baseline.
 * @internal
 */
export function planServiceGroup(
    name: string,
    args: ServiceGroupCommonArgs,
    service: PresetName,
    portsOverride: { readonly value: PortSpec | readonly PortSpec[] | undefined; readonly path: string },
    context: string,
): Planned<GroupPlan> {
    const given = (args ?? {}) as ServiceGroupCommonArgs;
    const problems: Problem[] = [];
    const expanded = presetEntries(service, portsOverride.value, "service", portsOverride.path);
    problems.push(...expanded.problems);
    const label = (protocol: Parameters<typeof entryLabel>[1], ports: Parameters<typeof entryLabel>[2]) =>
        entryLabel(service, protocol, ports);
    const rules: PlannedRule[] = sourceAccessRules(
        given.sources as readonly SecurityGroupSource[] | undefined,
        "sources",
        expanded.entries,
        service,
        label,
        portsOverride.path,
        problems,
    );
    if (given.isolateMembers !== undefined && typeof given.isolateMembers !== "boolean") {
        problems.push({
            path: "isolateMembers",
            value: given.isolateMembers,
            reason: "must be true or false",
        });
    }
    if (given.isolateMembers !== true) {
        rules.push(
            ...expandEntries(
                expanded.entries,
                (slug) => allowRuleName(service, slug, "members"),
                (protocol, ports) => ({
                    path: "isolateMembers",
                    paths: sourceRulePaths("isolateMembers", portsOverride.path),
                    rule: sourceRule(
                        SELF_GROUP,
                        protocol,
                        ports,
                        `Allow ${label(protocol, ports)} between members of this group`,
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
                path: "service",
                paths: sourceRulePaths("service", portsOverride.path),
                rule: {
                    direction: "ingress",
                    protocol,
                    ports,
                    peer: { kind: "cidr", cidr: "0.0.0.0/0" },
                    policy: "drop",
                    priority: BASELINE_PRIORITY,
                    nicType: "intranet",
                    description: `Drop ${label(protocol, ports)} from every address not allowed above`,
                },
            }),
        ),
    );
    rules.push(...adminAccessRules(given.adminAccess, "adminAccess", problems));
    const serviceLabel = isPresetName(service) ? PRESETS[service].description : String(service);
    return planGroup(name, sharedGroupArgs(given), {
        context,
        rules,
        problems,
        tier: typeof service === "string" ? service : "service",
        description: `${serviceLabel} tier ${name}: reachable only from named security groups`,
    });
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
 *     adminAccess: { from: [bastion] },
 * });
 * ```
 */
export class ServiceGroupFromSource extends pulumi.ComponentResource {
    /** The group this component created. */
    public readonly securityGroup?: alicloud.ecs.SecurityGroup;
    /** The group's id. */
    public readonly securityGroupId!: pulumi.Output<string>;
    /** Always `normal`: the group names source groups, which enterprise groups cannot. */
    public readonly securityGroupType!: SecurityGroupType;
    /** Every rule resource, keyed by its logical name (`db-allow-mysql-from-app`). */
    public readonly rules!: Readonly<Record<string, alicloud.ecs.SecurityGroupRule>>;

    /**
     * @param name The component's name; every child's logical name starts with it.
     * @param args The service and the groups that may reach it.
     * @param opts Resource options.
     */
    constructor(name: string, args: ServiceGroupFromSourceArgs, opts?: pulumi.ComponentResourceOptions) {
        const context = `ServiceGroupFromSource "${name}"`;
        const plan = planWhenKnown(context, TYPE, args, SERVICE_GROUP_SHAPE, (known) => {
            const { service, ports, ...common } = known ?? ({} as ServiceGroupFromSourceArgs);
            return planServiceGroup(
                name,
                common,
                service,
                { value: ports as readonly PortSpec[] | undefined, path: "ports" },
                context,
            );
        });
        super(TYPE, name, {}, opts);
        completeGroupComponent(this, name, plan, "normal", (outputs) => this.registerOutputs(outputs));
    }
}
