import * as alicloud from "@pulumi/alicloud";
import * as pulumi from "@pulumi/pulumi";
import { toRuleInputs } from "../core";
import { GroupPlan, PlannedRule, SELF_GROUP } from "./plan";
import { SecurityGroupProvider, SecurityGroupType } from "./sources";

/**
 * What every component of this library shares: it turns a validated {@link GroupPlan} into one security
 * group and its rules, and can be passed wherever a source group is expected. Subclasses validate their
 * arguments into a plan *before* calling this constructor, so bad input registers nothing at all.
 */
export abstract class SecurityGroupComponent
    extends pulumi.ComponentResource
    implements SecurityGroupProvider
{
    /** The group this component created; undefined when it manages rules on an existing group. */
    public readonly securityGroup?: alicloud.ecs.SecurityGroup;
    /** The id of the group the rules belong to. */
    public readonly securityGroupId: pulumi.Output<string>;
    /** `normal` or `enterprise`, known before deployment. */
    public readonly securityGroupType: SecurityGroupType;
    /** Every rule resource, keyed by its stable name (the logical name without the `<name>-` prefix). */
    public readonly rules: Readonly<Record<string, alicloud.ecs.SecurityGroupRule>>;

    protected constructor(
        type: string,
        name: string,
        plan: GroupPlan,
        opts?: pulumi.ComponentResourceOptions,
    ) {
        super(type, name, {}, opts);
        this.securityGroupType = plan.securityGroupType;
        if (plan.group) {
            this.securityGroup = new alicloud.ecs.SecurityGroup(name, { ...plan.group }, { parent: this });
            this.securityGroupId = this.securityGroup.id;
        } else {
            this.securityGroupId = pulumi.output(plan.existingSecurityGroupId as pulumi.Input<string>);
        }
        const rules: Record<string, alicloud.ecs.SecurityGroupRule> = {};
        for (const planned of plan.rules) {
            rules[planned.suffix] = new alicloud.ecs.SecurityGroupRule(
                `${name}-${planned.suffix}`,
                this.ruleArgs(planned, plan),
                { parent: this },
            );
        }
        this.rules = rules;
        this.registerOutputs({
            securityGroupId: this.securityGroupId,
            securityGroupType: this.securityGroupType,
        });
    }

    private ruleArgs(planned: PlannedRule, plan: GroupPlan): alicloud.ecs.SecurityGroupRuleArgs {
        const { peer } = planned.rule;
        const rule =
            peer.kind === "group" && peer.groupId === SELF_GROUP
                ? { ...planned.rule, peer: { ...peer, groupId: this.securityGroupId } }
                : planned.rule;
        const inputs = toRuleInputs(
            rule as Parameters<typeof toRuleInputs<pulumi.Input<string>>>[0],
            this.securityGroupId,
        );
        const deferred = planned.deferredCidr;
        if (deferred) {
            // Whether the value is secret decides whether an error may print it.
            const checked = pulumi.all([deferred, pulumi.isSecret(deferred)]).apply(([cidr, secret]) => {
                plan.checkResolved(planned, cidr, secret);
                return cidr;
            });
            if (peer.kind === "ipv6Cidr") {
                return { ...inputs, ipv6CidrIp: checked };
            }
            return { ...inputs, cidrIp: checked };
        }
        return inputs;
    }
}
