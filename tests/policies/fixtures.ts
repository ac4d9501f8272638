import { TestResource, UNKNOWN_WIRE } from "./harness";

export const GROUP = "alicloud:ecs/securityGroup:SecurityGroup";
export const RULE = "alicloud:ecs/securityGroupRule:SecurityGroupRule";
export const INSTANCE = "alicloud:ecs/instance:Instance";
export const ENI = "alicloud:ecs/ecsNetworkInterface:EcsNetworkInterface";
export const INSTANCE_SET = "alicloud:ecs/ecsInstanceSet:EcsInstanceSet";
export const LAUNCH_TEMPLATE = "alicloud:ecs/ecsLaunchTemplate:EcsLaunchTemplate";
export const SCALING_CONFIGURATION = "alicloud:ess/scalingConfiguration:ScalingConfiguration";

/** A VPC group as our components write it, with an unknown id (preview). */
export function group(name: string, props: Record<string, unknown> = {}): TestResource {
    return {
        type: GROUP,
        name,
        props: {
            vpcId: UNKNOWN_WIRE,
            securityGroupName: name,
            description: `Security group for ${name}`,
            securityGroupType: "normal",
            innerAccessPolicy: "Drop",
            tags: { "managed-by": "alicloud-secure-groups", owner: "team-web" },
            ...props,
        },
    };
}

/** An explicit rule of `groupName`, joined by property dependency only (ids are unknown in preview). */
export function rule(
    name: string,
    groupName: string,
    props: Record<string, unknown>,
    propertyDependencies: Record<string, string[]> = {},
): TestResource {
    return {
        type: RULE,
        name,
        props: {
            type: "ingress",
            ipProtocol: "tcp",
            portRange: "22/22",
            policy: "accept",
            priority: 1,
            nicType: "intranet",
            securityGroupId: UNKNOWN_WIRE,
            description: `Rule ${name}`,
            ...props,
        },
        propertyDependencies: { securityGroupId: [groupName], ...propertyDependencies },
    };
}

export function baseline(groupName: string, props: Record<string, unknown> = {}): TestResource {
    return rule(`${groupName}-drop-baseline`, groupName, {
        ipProtocol: "all",
        portRange: "-1/-1",
        cidrIp: "0.0.0.0/0",
        policy: "drop",
        priority: 100,
        ...props,
    });
}

export function instance(name: string, groups: string[], props: Record<string, unknown> = {}): TestResource {
    return {
        type: INSTANCE,
        name,
        // A vSwitch outside the stack: the instance is in a VPC that cannot be read offline.
        props: {
            instanceType: "ecs.g7.large",
            vswitchId: "vsw-bp1example",
            securityGroups: groups.map(() => UNKNOWN_WIRE),
            ...props,
        },
        propertyDependencies: { securityGroups: groups },
    };
}

/**
 * A compliant stack: a web tier open on 80/443, SSH only from the bastion group, a bastion reachable on SSH
 * from one office address, drop baselines, and one instance in each group.
 */
export function compliantStack(): TestResource[] {
    return [
        group("web"),
        group("bastion"),
        rule("web-allow-http", "web", { portRange: "80/80", cidrIp: "0.0.0.0/0" }),
        rule("web-allow-https", "web", { portRange: "443/443", cidrIp: "0.0.0.0/0" }),
        rule(
            "web-allow-ssh-from-bastion",
            "web",
            { sourceSecurityGroupId: UNKNOWN_WIRE },
            { sourceSecurityGroupId: ["bastion"] },
        ),
        baseline("web"),
        rule("bastion-allow-ssh-from-office", "bastion", { cidrIp: "203.0.113.10/32" }),
        baseline("bastion"),
        instance("vm-web", ["web"]),
        instance("vm-bastion", ["bastion"]),
    ];
}

/** The stack with one resource's props changed (by logical name). */
export function mutate(
    stack: readonly TestResource[],
    name: string,
    change: (props: Record<string, unknown>) => Record<string, unknown>,
): TestResource[] {
    let found = false;
    const result = stack.map((resource) => {
        if (resource.name !== name) {
            return resource;
        }
        found = true;
        return { ...resource, props: change({ ...resource.props }) };
    });
    if (!found) {
        throw new Error(`no resource named ${name} in the fixture`);
    }
    return result;
}

/** Props without the given keys. */
export function without(props: Record<string, unknown>, ...keys: string[]): Record<string, unknown> {
    const copy = { ...props };
    for (const key of keys) {
        delete copy[key];
    }
    return copy;
}
