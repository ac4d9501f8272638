import { StackValidationPolicy } from "@pulumi/policy";
import { describeRule } from "./lib/describe";
import { configSchema } from "./lib/settings";
import { stackModel } from "./lib/stack";

export const disallowClassicIntranetCidr: StackValidationPolicy = {
    name: "disallow-classic-intranet-cidr",
    description:
        "Rejects classic-network security groups that authorize intranet access by CIDR: the classic intranet is shared with other tenants, so only a source security group identifies peers.",
    enforcementLevel: "mandatory",
    displayName: "Classic-network intranet CIDR",
    severity: "high",
    remediationSteps:
        "Authorize intranet peers of a classic-network group by their security group (sourceSecurityGroupId) instead of a CIDR, or move the group and its instances to a VPC.",
    configSchema: configSchema({}),
    validateStack: (args, reportViolation) => {
        for (const group of stackModel(args).groups) {
            if (group.reading.vpc) {
                continue;
            }
            for (const stackRule of group.rules) {
                const rule = stackRule.rule;
                if (
                    rule &&
                    rule.direction === "ingress" &&
                    rule.policy === "accept" &&
                    rule.nicType === "intranet" &&
                    (rule.peer.kind === "cidr" || rule.peer.kind === "ipv6Cidr")
                ) {
                    reportViolation(
                        `${describeRule(stackRule, rule)} on the intranet of classic-network security group ${group.name}, which every tenant of the classic network shares, so an address there does not identify your instances; authorize a source security group instead, or move the group into a VPC.`,
                        stackRule.urn,
                    );
                }
            }
        }
    },
};
