import * as alicloud from "@pulumi/alicloud";
import * as pulumi from "@pulumi/pulumi";
import { problem, Problem } from "../core";
import { completeGroupComponent, planMadeFor } from "./buildGroup";
import { DropBaseline, GroupPlan, InnerAccessPolicy, Planned, PlannedRule, planGroup } from "./plan";
import { ArgumentShape, GROUP_INPUTS, planWhenKnown, Portable } from "./portable";
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
    readonly innerAccessPolicy?: InnerAccessPolicy;
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
    readonly dropBaseline?: Portable<false | DropBaseline, DropBaseline>;
    /**
     * Blocks broader than /16 (IPv4) or /48 (IPv6) that intranet accepts may deliberately name; the policy
     * pack's `allowedCidrs` should list them too. Defaults to none.
     */
    readonly allowBroadCidrs?: Portable<readonly string[], string[]>;
    /**
     * Put the rules on this existing group instead of creating one. Then `tags`, `description`,
     * `securityGroupName`, `innerAccessPolicy` and `resourceGroupId` must be omitted; `vpcId` (or
     * `classicNetwork`) and `securityGroupType` still describe the group. Defaults to none: a group is created.
     */
    readonly existingSecurityGroupId?: pulumi.Input<string>;
}

const TYPE = "alicloud-secure-groups:index:SecureGroup";

const RULE_INPUTS = ["cidr", "ipv6Cidr", "prefixListId", "source.group"];

/** What may stay an Output in SecureGroup's arguments (see {@link ArgumentShape}). */
const SHAPE: ArgumentShape = {
    inputs: [
        ...GROUP_INPUTS,
        "existingSecurityGroupId",
        ...RULE_INPUTS.flatMap((field) => [`ingress.*.${field}`, `egress.*.${field}`]),
    ],
    sources: ["ingress.*.source", "egress.*.source"],
};

/**
 * The plan of a SecureGroup: its group, its keyed rules and the baseline, every problem at the argument it
 * concerns. Creates nothing.
 * @internal
 */
function planSecureGroup(name: string, args: SecureGroupArgs): Planned<GroupPlan> {
    const problems: Problem[] = [];
    const given: SecureGroupArgs = typeof args === "object" && args !== null ? args : {};
    if (given !== args) {
        problems.push(problem("args", args, "must be an object"));
    }
    const group = {
        vpc: given.vpcId !== undefined,
        enterprise: given.securityGroupType === "enterprise",
        type: given.securityGroupType ?? "normal",
    };
    const rules: PlannedRule[] = [];
    for (const direction of ["ingress", "egress"] as const) {
        const specs = given[direction];
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
    return planGroup(
        name,
        {
            ...given,
            dropBaseline: given.dropBaseline as false | DropBaseline | undefined,
            allowBroadCidrs: given.allowBroadCidrs as readonly string[] | undefined,
        },
        { context: `SecureGroup "${name}"`, rules, problems },
    );
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
export class SecureGroup extends pulumi.ComponentResource {
    /** The group this component created; undefined when it manages rules on an existing group. */
    public readonly securityGroup?: alicloud.ecs.SecurityGroup;
    /** The id of the group the rules belong to. */
    public readonly securityGroupId!: pulumi.Output<string>;
    /** `normal` or `enterprise`, known before deployment. */
    public readonly securityGroupType!: SecurityGroupType;
    /** Every rule resource, keyed by its logical name (`api-https`, `api-drop-baseline`). */
    public readonly rules!: Readonly<Record<string, alicloud.ecs.SecurityGroupRule>>;

    /**
     * @param name The component's name; every child's logical name starts with it.
     * @param args The group and its rules.
     * @param opts Resource options.
     */
    constructor(name: string, args: SecureGroupArgs, opts?: pulumi.ComponentResourceOptions) {
        const made = planMadeFor(args);
        const plan =
            made?.plan ??
            planWhenKnown(`SecureGroup "${name}"`, TYPE, args, SHAPE, (known) =>
                planSecureGroup(name, known),
            );
        super(TYPE, name, {}, opts);
        completeGroupComponent(
            this,
            name,
            plan,
            args?.securityGroupType === "enterprise" ? "enterprise" : "normal",
            (outputs) => this.registerOutputs(outputs),
            made?.siblings,
        );
    }
}
