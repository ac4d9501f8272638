import { StackValidationPolicy } from "@pulumi/policy";
import { configSchema } from "./lib/settings";
import { stackModel } from "./lib/stack";

export const disallowUnusedSecurityGroup: StackValidationPolicy = {
    name: "disallow-unused-security-group",
    description:
        "Flags security groups that no resource of the stack joins (instances, ENIs, launch templates, node pools, ECI, load balancers and every other type of the member catalog), no Redis, RDS, MongoDB or PolarDB whitelist names, and no rule names as its source.",
    enforcementLevel: "advisory",
    displayName: "Unused security group",
    severity: "low",
    remediationSteps:
        "Join the security group to the resources it is for (instances, ENIs, launch templates, node pools, load balancers, ...) or name it in the database whitelist it admits clients to, or delete it.",
    configSchema: configSchema({}),
    validateStack: (args, reportViolation) => {
        const model = stackModel(args);
        const users = [...model.members, ...model.whitelists];
        // A stack without any member resource is a network stack whose groups other stacks use: nothing to say.
        if (users.length === 0) {
            return;
        }
        // An unknown group list may name any group: can't tell which groups are unused yet.
        if (users.some((user) => user.attachments.some((attachment) => attachment.unknownCount > 0))) {
            return;
        }
        for (const group of model.groups) {
            const referenced = group.referencedBy.some(
                (rule) => rule.group.kind !== "stack" || rule.group.group !== group,
            );
            if (group.attachments.length === 0 && group.admittedBy.length === 0 && !referenced) {
                reportViolation(
                    `Security group ${group.name} is joined by nothing in this stack, admitted by no database whitelist and named by no other group's rule; attach it to the resources it is for, or delete it.`,
                    group.urn,
                );
            }
        }
    },
};
