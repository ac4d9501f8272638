import * as alicloud from "@pulumi/alicloud";
import * as pulumi from "@pulumi/pulumi";
import { problem, Problem } from "../core";

/** `normal` or `enterprise`: Alibaba's two kinds of security group. */
export type SecurityGroupType = "normal" | "enterprise";

/**
 * Anything that stands for one security group: every component of this library implements it, so a component
 * can be passed wherever a source group is expected.
 */
export interface SecurityGroupProvider {
    /** The group's id. */
    readonly securityGroupId: pulumi.Output<string>;
    /** Known at construction, so mixing rules can be checked before anything is created. */
    readonly securityGroupType: SecurityGroupType;
}

/** A security group given as one of our components, an `alicloud.ecs.SecurityGroup`, or an id. */
export type SecurityGroupLike = SecurityGroupProvider | alicloud.ecs.SecurityGroup | pulumi.Input<string>;

/** A source group with the settings a rule naming it may need. */
export interface SourceGroupSpec {
    /** The group. */
    readonly group: SecurityGroupLike;
    /**
     * The Alibaba Cloud account (UID) that owns the group, for cross-account access. Defaults to none: the
     * group is in this account.
     */
    readonly ownerId?: string;
    /**
     * The stable name this source gives to the rules that admit it (`<name>-allow-redis-from-<key>`).
     * Defaults to the component's or resource's logical name, or the id when given as a string; required when
     * the id is an Output.
     */
    readonly key?: string;
}

/** A source group: the group itself, or a {@link SourceGroupSpec}. */
export type SecurityGroupSource = SecurityGroupLike | SourceGroupSpec;

/** A source resolved for rule building. */
export interface ResolvedSource {
    readonly key: string;
    readonly groupId: pulumi.Input<string>;
    readonly ownerId?: string;
    /** Undefined when the type is not known before deployment (a raw resource or an id). */
    readonly type?: SecurityGroupType;
}

/** A key becomes part of logical names: keep it to characters that read well in a URN. */
export const KEY_SYNTAX = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export function isSecurityGroupProvider(value: unknown): value is SecurityGroupProvider {
    return (
        typeof value === "object" &&
        value !== null &&
        pulumi.Output.isInstance((value as SecurityGroupProvider).securityGroupId) &&
        ((value as SecurityGroupProvider).securityGroupType === "normal" ||
            (value as SecurityGroupProvider).securityGroupType === "enterprise")
    );
}

function isSourceGroupSpec(value: unknown): value is SourceGroupSpec {
    return (
        typeof value === "object" &&
        value !== null &&
        !pulumi.Output.isInstance(value) &&
        !pulumi.Resource.isInstance(value) &&
        !isSecurityGroupProvider(value) &&
        "group" in value
    );
}

/**
 * Resolves one source, returning problems (named after `field`) instead of throwing, so that every bad
 * argument is reported together.
 */
export function resolveSource(source: SecurityGroupSource, field: string): ResolvedSource | Problem[] {
    const spec: SourceGroupSpec = isSourceGroupSpec(source) ? source : { group: source };
    const groupField = isSourceGroupSpec(source) ? `${field}.group` : field;
    const { group } = spec;
    let resolved: { key?: string; groupId: pulumi.Input<string>; type?: SecurityGroupType };
    if (isSecurityGroupProvider(group)) {
        resolved = {
            key: pulumi.Resource.isInstance(group) ? pulumi.resourceName(group) : undefined,
            groupId: group.securityGroupId,
            type: group.securityGroupType,
        };
    } else if (alicloud.ecs.SecurityGroup.isInstance(group)) {
        resolved = { key: pulumi.resourceName(group), groupId: group.id };
    } else if (typeof group === "string") {
        if (group.trim() === "") {
            return [problem(groupField, group, "must be a security group, a component or a non-empty id")];
        }
        resolved = { key: group, groupId: group };
    } else if (pulumi.Output.isInstance(group) || group instanceof Promise) {
        resolved = { groupId: group };
    } else {
        return [
            problem(groupField, group, "must be a security group, a component of this library, or an id"),
        ];
    }
    const problems: Problem[] = [];
    const key = spec.key ?? resolved.key;
    if (key === undefined) {
        problems.push(
            problem(`${field}.key`, key, "must be set when the group id is an Output, to name its rules"),
        );
    } else if (!KEY_SYNTAX.test(key)) {
        problems.push(
            problem(
                spec.key !== undefined ? `${field}.key` : field,
                key,
                "must be a key of letters, digits, '.', '_' or '-' (it becomes part of rule names)",
            ),
        );
    }
    if (spec.ownerId !== undefined && (typeof spec.ownerId !== "string" || !/^\d+$/.test(spec.ownerId))) {
        problems.push(
            problem(`${field}.ownerId`, spec.ownerId, "must be an Alibaba Cloud account id (digits)"),
        );
    }
    if (problems.length > 0 || key === undefined) {
        return problems;
    }
    return { key, groupId: resolved.groupId, ownerId: spec.ownerId, type: resolved.type };
}
