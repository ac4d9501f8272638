import * as pulumi from "@pulumi/pulumi";
import {
    DEFAULT_PUBLIC_PORTS,
    GroupContext,
    parseCidr,
    problem,
    Problem,
    redactSecretValue,
    throwIfProblems,
} from "../core";
import { DropBaselineOptions } from "../core/groupRules";
import { SecurityGroupComponent } from "./groupComponent";
import {
    baselineRules,
    checkPlan,
    GroupPlan,
    mergeTags,
    networkProblems,
    plannedRuleProblems,
    PlannedRule,
    RuleCheckSettings,
} from "./plan";
import { planRuleSpec, RuleSpec } from "./ruleSpec";
import { SecurityGroupType } from "./sources";

export interface SecureGroupArgs {
    /** The VPC of the group. Required unless `classicNetwork` is true. */
    readonly vpcId?: pulumi.Input<string>;
    /**
     * True builds a classic-network group, with no `vpcId`. Defaults to `false`: classic networks are legacy
     * (the policy pack's `missing-vpc` flags every classic group), so a group without `vpcId` fails unless
     * asked for deliberately. Must not be true together with `vpcId`.
     */
    readonly classicNetwork?: boolean;
    /**
     * `"normal"` or `"enterprise"`. Defaults to `"normal"`. Enterprise groups cannot name source groups and
     * always isolate their members.
     */
    readonly securityGroupType?: SecurityGroupType;
    /**
     * Whether members of the group reach each other regardless of rules. Defaults to `"Drop"` (isolated);
     * must be omitted for enterprise groups, which are always isolated.
     */
    readonly innerAccessPolicy?: "Accept" | "Drop";
    /** Tags of the group: at least one, no empty values. `managed-by` and `tier` are added. Required. */
    readonly tags?: Record<string, pulumi.Input<string>>;
    /** The `tier` tag. Defaults to `"custom"`; a `tier` key in `tags` wins. */
    readonly tier?: string;
    /** The group's name in Alibaba Cloud. Defaults to the component's name. */
    readonly securityGroupName?: pulumi.Input<string>;
    /** Defaults to a sentence naming the component. */
    readonly description?: pulumi.Input<string>;
    /** The resource group of the group. Defaults to the account's default resource group. */
    readonly resourceGroupId?: pulumi.Input<string>;
    /** Inbound rules keyed by a stable name (`{ https: { preset: "https", cidr: "0.0.0.0/0" } }`). Defaults to none. */
    readonly ingress?: Record<string, RuleSpec>;
    /** Outbound rules keyed by a stable name, unique across `ingress` and `egress`. Defaults to none. */
    readonly egress?: Record<string, RuleSpec>;
    /**
     * The drop rules below every allow: all protocols and ports from `0.0.0.0/0` (and `::/0` when IPv6 is
     * allowed), intranet — plus internet in a classic network —, priority 100. `false` turns it off.
     * Defaults to `{ priority: 100, egress: false }`.
     */
    readonly dropBaseline?: false | DropBaselineOptions;
    /**
     * Blocks broader than /16 (IPv4) or /48 (IPv6) that intranet accepts may deliberately name; the policy
     * pack's `allowedCidrs` should list them too. Defaults to none.
     */
    readonly allowBroadCidrs?: readonly string[];
    /**
     * Put the rules on this existing group instead of creating one. Then `tags`, `description`,
     * `securityGroupName`, `innerAccessPolicy` and `resourceGroupId` must be omitted; `vpcId` (or
     * `classicNetwork`) and `securityGroupType` still describe the group. Defaults to none: a group is created.
     */
    readonly existingSecurityGroupId?: pulumi.Input<string>;
}

const TYPE = "alicloud-secure-groups:index:SecureGroup";

/** What a subclass adds to a SecureGroup's own validation: extra rules, a tier, its own public ports. */
export interface GroupPlanExtras {
    readonly rules?: readonly PlannedRule[];
    readonly tier?: string;
    readonly description?: string;
    readonly publicPorts?: readonly number[];
    readonly problems?: readonly Problem[];
    readonly context?: string;
}

/**
 * Validates SecureGroup arguments (and a subclass's extra rules) into a plan, throwing a ValidationError
 * naming every bad argument. Creates nothing.
 */
export function planSecureGroup(
    name: string,
    args: SecureGroupArgs,
    extras: GroupPlanExtras = {},
): GroupPlan {
    const context = extras.context ?? `SecureGroup "${name}"`;
    const problems: Problem[] = [...(extras.problems ?? [])];
    if (typeof args !== "object" || args === null) {
        throwIfProblems(context, [problem("args", args, "must be an object")]);
    }
    problems.push(...networkProblems(args.vpcId, args.classicNetwork));
    const securityGroupType = args.securityGroupType ?? "normal";
    if (securityGroupType !== "normal" && securityGroupType !== "enterprise") {
        problems.push(problem("securityGroupType", securityGroupType, `must be "normal" or "enterprise"`));
    }
    const enterprise = securityGroupType === "enterprise";
    if (args.innerAccessPolicy !== undefined) {
        if (args.innerAccessPolicy !== "Accept" && args.innerAccessPolicy !== "Drop") {
            problems.push(problem("innerAccessPolicy", args.innerAccessPolicy, `must be "Accept" or "Drop"`));
        } else if (enterprise) {
            problems.push(
                problem(
                    "innerAccessPolicy",
                    args.innerAccessPolicy,
                    "must be omitted for an enterprise group, which always isolates its members",
                ),
            );
        }
    }
    const existing = args.existingSecurityGroupId !== undefined;
    if (existing) {
        for (const field of [
            "tags",
            "description",
            "securityGroupName",
            "innerAccessPolicy",
            "resourceGroupId",
            "tier",
        ] as const) {
            if (args[field] !== undefined) {
                problems.push(
                    problem(
                        field,
                        args[field],
                        "must be omitted with existingSecurityGroupId: no group is created to carry it",
                    ),
                );
            }
        }
        if (typeof args.existingSecurityGroupId === "string" && args.existingSecurityGroupId.trim() === "") {
            problems.push(
                problem(
                    "existingSecurityGroupId",
                    args.existingSecurityGroupId,
                    "must be a security group id",
                ),
            );
        }
    }
    const group: GroupContext & { type: SecurityGroupType } = {
        vpc: args.vpcId !== undefined,
        enterprise,
        type: securityGroupType,
    };

    const rules: PlannedRule[] = [...(extras.rules ?? [])];
    for (const direction of ["ingress", "egress"] as const) {
        const specs = args[direction];
        if (specs === undefined) {
            continue;
        }
        if (typeof specs !== "object" || specs === null || Array.isArray(specs)) {
            problems.push(problem(direction, specs, "must be an object of rules keyed by a stable name"));
            continue;
        }
        for (const [key, spec] of Object.entries(specs)) {
            rules.push(...planRuleSpec(key, spec, direction, group, problems));
        }
    }

    const baselineOption = args.dropBaseline ?? {};
    const baseline = baselineRules(group, rules, baselineOption, "dropBaseline");
    const allowBroadCidrs = args.allowBroadCidrs ?? [];
    if (!Array.isArray(allowBroadCidrs) || allowBroadCidrs.some((cidr) => typeof cidr !== "string")) {
        problems.push(problem("allowBroadCidrs", allowBroadCidrs, "must be a list of CIDR blocks"));
    }
    const settings: RuleCheckSettings = {
        group,
        baselinePriority:
            baselineOption === false ? undefined : (baselineOption.priority ?? baseline[0]?.rule.priority),
        publicPorts: extras.publicPorts ?? DEFAULT_PUBLIC_PORTS,
        allowBroadCidrs: Array.isArray(allowBroadCidrs) ? allowBroadCidrs : [],
    };
    const tags = existing ? {} : mergeTags(args.tags, args.tier ?? extras.tier ?? "custom", "tags", problems);
    checkPlan(context, [...rules, ...baseline], settings, problems);

    return {
        securityGroupType,
        existingSecurityGroupId: args.existingSecurityGroupId,
        group: existing
            ? undefined
            : {
                  securityGroupName: args.securityGroupName ?? name,
                  description:
                      args.description ??
                      extras.description ??
                      `Security group ${name}, managed by alicloud-secure-groups: only explicitly allowed traffic`,
                  ...(args.vpcId !== undefined ? { vpcId: args.vpcId } : {}),
                  securityGroupType,
                  ...(enterprise ? {} : { innerAccessPolicy: args.innerAccessPolicy ?? "Drop" }),
                  tags,
                  ...(args.resourceGroupId !== undefined ? { resourceGroupId: args.resourceGroupId } : {}),
              },
        rules: [...rules, ...baseline],
        checkResolved: (planned, cidr, secret) => {
            const peer =
                planned.rule.peer.kind === "ipv6Cidr"
                    ? { kind: "ipv6Cidr" as const, cidr }
                    : { kind: "cidr" as const, cidr };
            const problems = plannedRuleProblems({ ...planned, rule: { ...planned.rule, peer } }, settings);
            const block = parseCidr(cidr);
            throwIfProblems(
                context,
                secret
                    ? redactSecretValue(problems, cidr, block ? [`${block.network}/${block.prefix}`] : [])
                    : problems,
            );
        },
    };
}

/**
 * A security group with explicit rules and a drop baseline: the building block of every other component.
 *
 * ```ts
 * const api = new SecureGroup("api", {
 *     vpcId: vpc.id,
 *     tags: { owner: "team-api" },
 *     ingress: { https: { preset: "https", source: web } },
 * });
 * ```
 */
export class SecureGroup extends SecurityGroupComponent {
    /**
     * @param name The component's name; every child's logical name starts with it.
     * @param args The group and its rules.
     * @param opts Resource options.
     */
    constructor(name: string, args: SecureGroupArgs, opts?: pulumi.ComponentResourceOptions) {
        super(TYPE, name, planSecureGroup(name, args), opts);
    }
}
