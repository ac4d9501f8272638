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
