import * as alicloud from "@pulumi/alicloud";
import * as pulumi from "@pulumi/pulumi";
import { MAX_GROUPS_PER_INSTANCE, problem, Problem } from "../core";
import { describeValue, redactSecretValue } from "../core/problems";
import { isSecurityGroupProvider, SecurityGroupLike, SecurityGroupType } from "./sources";
import { throwIfProblems, ValidationError } from "./validationError";

export interface JoinSecurityGroupsOptions {
    /**
     * The most groups one instance or ENI may join. Defaults to 5, Alibaba's default quota; raise it only
     * when the account's quota was raised (and set the policy pack's `maxGroupsPerInstance` to match).
     */
    readonly maxGroups?: number;
    /** Names the argument in error messages. Defaults to `"securityGroups"`. */
    readonly field?: string;
}

/**
 * The group ids to hand to `alicloud.ecs.Instance.securityGroups` (or an ENI's `securityGroupIds`). Refuses,
 * before anything is created, more than `maxGroups` groups, a group listed twice, and normal groups mixed
 * with enterprise groups — one ENI cannot hold both. The type of a raw `alicloud.ecs.SecurityGroup` is only
 * known at deployment, so that mix is checked when it resolves.
 *
 * ```ts
 * new alicloud.ecs.Instance("web-1", { securityGroups: joinSecurityGroups([web, admin]), ... });
 * ```
 */
export function joinSecurityGroups(
    groups: readonly SecurityGroupLike[],
    options: JoinSecurityGroupsOptions = {},
): pulumi.Output<string[]> {
    const field = options.field ?? "securityGroups";
    const maxGroups = options.maxGroups ?? MAX_GROUPS_PER_INSTANCE;
    const context = "joinSecurityGroups";
    const problems: Problem[] = [];
    if (!Number.isInteger(maxGroups) || maxGroups < 1) {
        problems.push(problem("maxGroups", maxGroups, "must be a positive integer"));
    }
    if (!Array.isArray(groups) || groups.length === 0) {
        throwIfProblems(context, [
            ...problems,
            problem(field, groups, "must name at least one security group"),
        ]);
    }
    if (groups.length > maxGroups) {
        problems.push(
            problem(
                field,
                `${groups.length} groups`,
                `must name at most ${maxGroups} security groups for one instance or ENI (maxGroups)`,
            ),
        );
    }
    const ids: pulumi.Input<string>[] = [];
    const knownTypes: { index: number; type: SecurityGroupType }[] = [];
    const deferredTypes: { index: number; type: pulumi.Output<string> }[] = [];
    groups.forEach((group, index) => {
        if (groups.indexOf(group) !== index) {
            problems.push(
                problem(
                    `${field}[${index}]`,
                    describeGroup(group),
                    `repeats ${field}[${groups.indexOf(group)}]`,
                ),
            );
        }
        if (isSecurityGroupProvider(group)) {
            ids.push(group.securityGroupId);
            knownTypes.push({ index, type: group.securityGroupType });
        } else if (alicloud.ecs.SecurityGroup.isInstance(group)) {
            ids.push(group.id);
            deferredTypes.push({ index, type: group.securityGroupType });
        } else if ((typeof group === "string" && group.trim() !== "") || pulumi.Output.isInstance(group)) {
            ids.push(group);
        } else {
            problems.push(
                problem(
                    `${field}[${index}]`,
                    group,
                    "must be a security group, a component of this library, or an id",
                ),
            );
        }
    });
    problems.push(...mixedTypeProblems(knownTypes, field));
    throwIfProblems(context, problems);

    const types = deferredTypes.map((entry) => entry.type);
    const allIds = pulumi.all(ids);
    // Whether any id is secret decides whether an error may print them.
    return pulumi
        .all([allIds, pulumi.all(types), pulumi.isSecret(allIds)])
        .apply(([resolvedIds, resolvedTypes, secret]) => {
            const all = [
                ...knownTypes,
                ...deferredTypes.map((entry, i) => ({
                    index: entry.index,
                    type: (resolvedTypes[i] ?? "normal") as SecurityGroupType,
                })),
            ];
            const mixed = mixedTypeProblems(all, field);
            if (mixed.length > 0) {
                throw new ValidationError(context, mixed);
            }
            const distinct = new Set(resolvedIds);
            if (distinct.size !== resolvedIds.length) {
                const twice = [problem(field, resolvedIds, "must not name one security group twice")];
                throw new ValidationError(
                    context,
                    secret ? redactSecretValue(twice, resolvedIds, resolvedIds.map(String)) : twice,
                );
            }
            return resolvedIds;
        });
}

function mixedTypeProblems(
    types: readonly { index: number; type: SecurityGroupType }[],
    field: string,
): Problem[] {
    const enterprise = types.filter((entry) => entry.type === "enterprise").map((entry) => entry.index);
    const normal = types.filter((entry) => entry.type !== "enterprise").map((entry) => entry.index);
    if (enterprise.length === 0 || normal.length === 0) {
        return [];
    }
    return [
        problem(
            field,
            `normal ${normal.map((i) => `${field}[${i}]`).join(", ")}; enterprise ${enterprise.map((i) => `${field}[${i}]`).join(", ")}`,
            "must not mix normal and enterprise security groups: one ENI cannot hold both",
        ),
    ];
}

function describeGroup(group: SecurityGroupLike): string {
    if (pulumi.Resource.isInstance(group)) {
        return pulumi.resourceName(group);
    }
    return typeof group === "string" ? group : describeValue(group);
}
