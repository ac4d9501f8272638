import { StackValidationPolicy } from "@pulumi/policy";
import { renderProblem } from "../core/problems";
import { groupRejections, ruleRejections } from "../core/validity";
import { configSchema } from "./lib/settings";
import { stackModel } from "./lib/stack";

export const disallowInvalidRule: StackValidationPolicy = {
    name: "disallow-invalid-rule",
    description:
        "Rejects rules the Alibaba Cloud API would refuse: bad port ranges, priorities outside 1-100, no peer or two peers, internet NIC type with a source group or on a VPC group, enterprise group references, and groups over 20 group references or 200 rules.",
    enforcementLevel: "mandatory",
    displayName: "Rules the API refuses",
    severity: "medium",
    remediationSteps:
        "Change what the message names so that the Alibaba Cloud API accepts the rule: tcp/udp ports within 1/65535 with start <= end and -1/-1 for icmp, gre and all; a priority from 1 to 100; exactly one of cidrIp, ipv6CidrIp, sourceSecurityGroupId and prefixListId; nicType intranet in a VPC and with a source group; no group references in or to enterprise groups; at most 20 group references and 200 rules per group.",
    configSchema: configSchema({}),
    validateStack: (args, reportViolation) => {
        const model = stackModel(args);
        for (const stackRule of model.rules) {
            const problems = ruleRejections(stackRule);
            if (problems.length > 0) {
                reportViolation(
                    `Rule ${stackRule.name} would be rejected by the API: ${problems.map(renderProblem).join("; ")}. Fix ${problems.length > 1 ? "these fields" : "this field"}.`,
                    stackRule.urn,
                );
            }
        }
        for (const group of model.groups) {
            const problems = groupRejections(group);
            if (problems.length > 0) {
                reportViolation(
                    `Security group ${group.name} would be rejected by the API: ${problems.map(renderProblem).join("; ")}. Split its rules across groups.`,
                    group.urn,
                );
            }
        }
    },
};
