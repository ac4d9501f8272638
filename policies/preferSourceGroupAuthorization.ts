import { StackValidationPolicy } from "@pulumi/policy";
import { isPrivateCidr } from "../core/cidr";
import { peerCidr } from "../core/rule";
import { describeRule } from "./lib/describe";
import { configSchema } from "./lib/settings";
import { stackModel } from "./lib/stack";

export const preferSourceGroupAuthorization: StackValidationPolicy = {
    name: "prefer-source-group-authorization",
    description:
        "Flags VPC intranet accepts that authorize private address blocks instead of the peers' security group, which keeps working when addresses change.",
    enforcementLevel: "advisory",
    displayName: "Source-group authorization",
    severity: "low",
    remediationSteps:
        "Authorize the peers' security group with sourceSecurityGroupId instead of their private address block.",
    configSchema: configSchema({}),
    validateStack: (args, reportViolation) => {
        for (const group of stackModel(args).groups) {
            if (!group.reading.vpc) {
                continue;
            }
            for (const stackRule of group.rules) {
                const rule = stackRule.rule;
                const cidr = rule ? peerCidr(rule.peer) : undefined;
                // Public blocks are Internet peers, which no security group can stand for.
                if (
                    rule &&
                    cidr &&
                    rule.direction === "ingress" &&
                    rule.policy === "accept" &&
                    isPrivateCidr(cidr)
                ) {
                    reportViolation(
                        `${describeRule(stackRule, rule)}; ${cidr.text} is a private block: authorize the peers' security group (sourceSecurityGroupId) instead of their addresses.`,
                        stackRule.urn,
                    );
                }
            }
        }
    },
};
