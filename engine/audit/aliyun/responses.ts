import { isRecord } from "../source";

/**
 * The `aliyun` CLI responses `audit --aliyun` reads, each recognised by its shape (the field names and nesting
 * of Alibaba Cloud's API reference: `SecurityGroups.SecurityGroup[]`, `Permissions.Permission[]`...). The CLI
 * prints the API's JSON as it comes: a list is an object holding one array (`{"SecurityGroup": [...]}`),
 * numbers may be strings, enumerations any case.
 */

export type AliyunItem = Record<string, unknown>;

export interface AliyunAction {
    /** The `aliyun` command that prints it: product and API, `ecs DescribeSecurityGroups`. */
    readonly command: string;
    /**
     * Where its items are: `["SecurityGroups", "SecurityGroup"]` for a list the API wraps in an object, one key
     * (`["ContainerGroups"]`) for a bare array; absent for a one-object response.
     */
    readonly list?: readonly [string, string] | readonly [string];
}

export const DESCRIBE_SECURITY_GROUPS: AliyunAction = {
    command: "ecs DescribeSecurityGroups",
    list: ["SecurityGroups", "SecurityGroup"],
};
/** One group and its rules, of one direction (or all) and, for a classic group, one NIC type per call. */
export const DESCRIBE_SECURITY_GROUP_ATTRIBUTE: AliyunAction = {
    command: "ecs DescribeSecurityGroupAttribute",
};
export const DESCRIBE_INSTANCES: AliyunAction = {
    command: "ecs DescribeInstances",
    list: ["Instances", "Instance"],
};
export const DESCRIBE_NETWORK_INTERFACES: AliyunAction = {
    command: "ecs DescribeNetworkInterfaces",
    list: ["NetworkInterfaceSets", "NetworkInterfaceSet"],
};
export const DESCRIBE_LAUNCH_TEMPLATE_VERSIONS: AliyunAction = {
    command: "ecs DescribeLaunchTemplateVersions",
    list: ["LaunchTemplateVersionSets", "LaunchTemplateVersionSet"],
};
export const DESCRIBE_SCALING_CONFIGURATIONS: AliyunAction = {
    command: "ess DescribeScalingConfigurations",
    list: ["ScalingConfigurations", "ScalingConfiguration"],
};
/** ECI container groups, a bare array paged by `NextToken` and `Limit`. */
export const DESCRIBE_CONTAINER_GROUPS: AliyunAction = {
    command: "eci DescribeContainerGroups",
    list: ["ContainerGroups"],
};
/**
 * One ACK cluster's node pools: `aliyun cs GET /clusters/<id>/nodepools`, a RESTful API answering in snake case
 * (`nodepool_info.nodepool_id`, `scaling_group.security_group_ids`).
 */
export const DESCRIBE_CLUSTER_NODE_POOLS: AliyunAction = {
    command: "cs DescribeClusterNodePools",
    list: ["nodepools"],
};
/** Listed so that a directory the collection script wrote reads whole; nothing in it joins a group. */
const DESCRIBE_REGIONS: AliyunAction = { command: "ecs DescribeRegions", list: ["Regions", "Region"] };
/** The templates the script asks versions of; the versions carry what joins groups. */
const DESCRIBE_LAUNCH_TEMPLATES: AliyunAction = {
    command: "ecs DescribeLaunchTemplates",
    list: ["LaunchTemplateSets", "LaunchTemplateSet"],
};

/** Every response `--aliyun` reads, in the order the collection script asks for them. */
const ALIYUN_ACTIONS: readonly AliyunAction[] = [
    DESCRIBE_REGIONS,
    DESCRIBE_SECURITY_GROUPS,
    DESCRIBE_SECURITY_GROUP_ATTRIBUTE,
    DESCRIBE_INSTANCES,
    DESCRIBE_NETWORK_INTERFACES,
    DESCRIBE_LAUNCH_TEMPLATES,
    DESCRIBE_LAUNCH_TEMPLATE_VERSIONS,
    DESCRIBE_SCALING_CONFIGURATIONS,
    DESCRIBE_CONTAINER_GROUPS,
    DESCRIBE_CLUSTER_NODE_POOLS,
];

/** The items of a list response; undefined when the response does not hold that list. */
export function itemsOf(doc: unknown, action: AliyunAction): AliyunItem[] | undefined {
    if (!action.list || !isRecord(doc)) {
        return undefined;
    }
    const [outerKey, innerKey] = action.list;
    const outer = doc[outerKey];
    if (innerKey === undefined) {
        return Array.isArray(outer) ? outer.filter(isRecord) : undefined;
    }
    // An empty list may come back as an empty object or an empty string.
    if (outer === "" || (isRecord(outer) && Object.keys(outer).length === 0)) {
        return [];
    }
    const inner = isRecord(outer) ? outer[innerKey] : undefined;
    return Array.isArray(inner) ? inner.filter(isRecord) : undefined;
}

/** The rules a `DescribeSecurityGroupAttribute` response holds: `Permissions.Permission[]`. */
export function permissionsOf(doc: AliyunItem): AliyunItem[] {
    return wrappedItems(doc.Permissions, "Permission");
}

/** The action whose output `doc` is, by shape; undefined for anything else. */
export function recogniseAliyunAction(doc: unknown): AliyunAction | undefined {
    if (!isRecord(doc)) {
        return undefined;
    }
    // DescribeSecurityGroupAttribute is the one object that names a group and holds its rules.
    if (typeof doc.SecurityGroupId === "string" && "Permissions" in doc) {
        return DESCRIBE_SECURITY_GROUP_ATTRIBUTE;
    }
    return ALIYUN_ACTIONS.find((action) => itemsOf(doc, action) !== undefined);
}

/** The `aliyun` command whose output `doc` is, e.g. `ecs DescribeInstances`; undefined for anything else. */
export function recogniseAliyunResponse(doc: unknown): string | undefined {
    return recogniseAliyunAction(doc)?.command;
}

/** A list the API wraps in an object: `{"SecurityGroupId": ["sg-1"]}` (or a bare array) → its strings. */
export function wrappedStrings(value: unknown, key: string): string[] {
    const list = isRecord(value) ? value[key] : value;
    return Array.isArray(list)
        ? list.filter((item): item is string => typeof item === "string" && item !== "")
        : [];
}

/** A list of objects the API wraps: `{"Tag": [...]}` → its objects. */
export function wrappedItems(value: unknown, key: string): AliyunItem[] {
    const list = isRecord(value) ? value[key] : value;
    return Array.isArray(list) ? list.filter(isRecord) : [];
}

/** A non-empty string field, trimmed; undefined for anything else. */
export function text(item: AliyunItem, key: string): string | undefined {
    const value = item[key];
    return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
}

/** Tags as the provider records them (`{key: value}`) from the API's `Tags.Tag[]` of `TagKey`/`TagValue`. */
export function tagMap(value: unknown): Record<string, string> {
    const tags: Record<string, string> = {};
    for (const tag of wrappedItems(value, "Tag")) {
        const key = text(tag, "TagKey") ?? text(tag, "Key");
        if (key !== undefined) {
            const tagValue = tag.TagValue ?? tag.Value;
            tags[key] = typeof tagValue === "string" ? tagValue : "";
        }
    }
    return tags;
}
