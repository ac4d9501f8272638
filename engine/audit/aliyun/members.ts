import {
    DESCRIBE_CLUSTER_NODE_POOLS,
    DESCRIBE_CONTAINER_GROUPS,
    DESCRIBE_INSTANCES,
    DESCRIBE_LAUNCH_TEMPLATE_VERSIONS,
    DESCRIBE_NETWORK_INTERFACES,
    DESCRIBE_SCALING_CONFIGURATIONS,
    tagMap,
    text,
    wrappedItems,
    wrappedStrings,
    type AliyunAction,
    type AliyunItem,
} from "./responses";

/**
 * What joins security groups in an account, one row per API response that lists such resources: each item
 * becomes the resource @pulumi/alicloud records for it (its type token and property names), so that the pack
 * reads a live instance's groups exactly as it reads a program's. A member kind of the provider's catalog
 * plugs in as one more row.
 */
export interface MemberKind {
    readonly action: AliyunAction;
    /** The provider's type token. */
    readonly type: string;
    /**
     * For an API that nests and spells its items its own way (ACK's snake case), the item with the fields the
     * other members of this row read, in the RPC APIs' spelling; applied before anything else reads it.
     */
    readonly flatten?: (item: AliyunItem) => AliyunItem;
    /** How the response spells the id field, when `flatten` renames it: named when an item lacks it. */
    readonly idShownAs?: string;
    /** The item's id field (`InstanceId`), which also keys pages that list an item twice. */
    readonly idField: string;
    /** The item's name field, shown beside the id. */
    readonly nameField: string;
    /** For a resource listed once per version (a launch template), the version field: pages are keyed by both. */
    readonly versionField?: string;
    /**
     * The item as the provider's inputs (property names of `type`), or undefined when it is not a member of its
     * own (a primary ENI whose instance is listed: the instance stands for it).
     */
    readonly props: (item: AliyunItem, context: MemberContext) => Record<string, unknown> | undefined;
    /** Picks, among the items of one resource (a template's versions), the one that is in use. */
    readonly select?: (items: readonly AliyunItem[]) => AliyunItem[];
}

interface MemberContext {
    /** Ids of the instances listed by `DescribeInstances`. */
    readonly instanceIds: ReadonlySet<string>;
}

/** Keeps only the defined values, so that an absent field stays absent as in the provider's inputs. */
function defined(props: Record<string, unknown>): Record<string, unknown> {
    return Object.fromEntries(Object.entries(props).filter(([, value]) => value !== undefined));
}

/** A single id and a list of ids, as templates and scaling configurations carry them. */
function groupFields(item: AliyunItem): Record<string, unknown> {
    const ids = wrappedStrings(item.SecurityGroupIds, "SecurityGroupId");
    return {
        securityGroupId: text(item, "SecurityGroupId"),
        securityGroupIds: ids.length > 0 ? ids : undefined,
    };
}

export const MEMBER_KINDS: readonly MemberKind[] = [
    {
        action: DESCRIBE_INSTANCES,
        type: "alicloud:ecs/instance:Instance",
        idField: "InstanceId",
        nameField: "InstanceName",
        // The instance's groups are its primary ENI's; secondary ENIs are listed by DescribeNetworkInterfaces.
        props: (item) =>
            defined({
                instanceName: text(item, "InstanceName"),
                instanceType: text(item, "InstanceType"),
                availabilityZone: text(item, "ZoneId"),
                vswitchId: text((item.VpcAttributes ?? {}) as AliyunItem, "VSwitchId"),
                securityGroups: wrappedStrings(item.SecurityGroupIds, "SecurityGroupId"),
                status: text(item, "Status"),
                tags: tagMap(item.Tags),
            }),
    },
    {
        action: DESCRIBE_NETWORK_INTERFACES,
        type: "alicloud:ecs/ecsNetworkInterface:EcsNetworkInterface",
        idField: "NetworkInterfaceId",
        nameField: "NetworkInterfaceName",
        // Secondary ENIs, and ENIs of other services (RDS, SLB, container instances...), pool their own groups.
        props: (item, context) => {
            const instanceId = text(item, "InstanceId");
            if (
                text(item, "Type")?.toLowerCase() === "primary" &&
                instanceId &&
                context.instanceIds.has(instanceId)
            ) {
                return undefined;
            }
            return defined({
                networkInterfaceName: text(item, "NetworkInterfaceName"),
                description: text(item, "Description"),
                vswitchId: text(item, "VSwitchId"),
                securityGroupIds: wrappedStrings(item.SecurityGroupIds, "SecurityGroupId"),
                tags: tagMap(item.Tags),
            });
        },
    },
    {
        action: DESCRIBE_LAUNCH_TEMPLATE_VERSIONS,
        type: "alicloud:ecs/ecsLaunchTemplate:EcsLaunchTemplate",
        idField: "LaunchTemplateId",
        nameField: "LaunchTemplateName",
        versionField: "VersionNumber",
        // The default version is what a launch without a version uses: the template's configuration.
        select: (versions) => {
            const defaults = versions.filter((version) => version.DefaultVersion === true);
            if (defaults.length > 0) {
                return defaults.slice(0, 1);
            }
            const latest = [...versions].sort(
                (a, b) => Number(b.VersionNumber ?? 0) - Number(a.VersionNumber ?? 0),
            );
            return latest.slice(0, 1);
        },
        props: (item) => {
            const data = (item.LaunchTemplateData ?? {}) as AliyunItem;
            // The provider records one secondary ENI, with one group.
            const nic = wrappedItems(data.NetworkInterfaces, "NetworkInterface")[0];
            const nicGroup = nic
                ? (text(nic, "SecurityGroupId") ?? wrappedStrings(nic.SecurityGroupIds, "SecurityGroupId")[0])
                : undefined;
            return defined({
                launchTemplateName: text(item, "LaunchTemplateName"),
                vswitchId: text(data, "VSwitchId"),
                ...groupFields(data),
                networkInterfaces:
                    nic && nicGroup
                        ? defined({ securityGroupId: nicGroup, vswitchId: text(nic, "VSwitchId") })
                        : undefined,
                tags: tagMap(data.Tags),
            });
        },
    },
    {
        action: DESCRIBE_SCALING_CONFIGURATIONS,
        type: "alicloud:ess/scalingConfiguration:ScalingConfiguration",
        idField: "ScalingConfigurationId",
        nameField: "ScalingConfigurationName",
        props: (item) =>
            defined({
                scalingConfigurationName: text(item, "ScalingConfigurationName"),
                scalingGroupId: text(item, "ScalingGroupId"),
                active:
                    text(item, "LifecycleState") === undefined
                        ? undefined
                        : text(item, "LifecycleState") === "Active",
                ...groupFields(item),
            }),
    },
    {
        action: DESCRIBE_CONTAINER_GROUPS,
        type: "alicloud:eci/containerGroup:ContainerGroup",
        idField: "ContainerGroupId",
        nameField: "ContainerGroupName",
        props: (item) =>
            defined({
                containerGroupName: text(item, "ContainerGroupName"),
                securityGroupId: text(item, "SecurityGroupId"),
                vswitchId: text(item, "VSwitchId"),
                tags: tagMap(item.Tags),
            }),
    },
    {
        action: DESCRIBE_CLUSTER_NODE_POOLS,
        type: "alicloud:cs/nodePool:NodePool",
        idField: "NodePoolId",
        idShownAs: "nodepool_info.nodepool_id",
        nameField: "NodePoolName",
        flatten: (item) => {
            const info = (item.nodepool_info ?? {}) as AliyunItem;
            const scaling = (item.scaling_group ?? {}) as AliyunItem;
            return {
                NodePoolId: info.nodepool_id,
                NodePoolName: info.name,
                ClusterId: info.cluster_id,
                RegionId: info.region_id,
                SecurityGroupId: scaling.security_group_id,
                SecurityGroupIds: scaling.security_group_ids,
                VSwitchIds: scaling.vswitch_ids,
            };
        },
        // Nodes already running are ECS instances in DescribeInstances; the pool says what it will launch.
        props: (item) => {
            const ids = wrappedStrings(item.SecurityGroupIds, "SecurityGroupId");
            const vswitches = wrappedStrings(item.VSwitchIds, "VSwitchId");
            return defined({
                nodePoolName: text(item, "NodePoolName"),
                clusterId: text(item, "ClusterId"),
                securityGroupIds: ids.length > 0 ? ids : undefined,
                securityGroupId: text(item, "SecurityGroupId"),
                vswitchIds: vswitches.length > 0 ? vswitches : undefined,
            });
        },
    },
];
