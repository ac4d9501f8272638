import { StackValidationPolicy } from "@pulumi/policy";
import { configSchema } from "./lib/settings";
import { stackModel } from "./lib/stack";

export const disallowUnusedSecurityGroup: StackValidationPolicy = {
    name: "disallow-unused-security-group",
    description:
        "Flags security groups that no instance, ENI, instance set, launch template or scaling configuration of the stack joins and no rule names as its source.",
    enforcementLevel: "advisory",
    displayName: "Unused security group",
    severity: "low",
    remediationSteps:
        "Join the security group to the instances, ENIs, launch templates or scaling configurations it is for, or delete it.",
    configSchema: configSchema({}),
    validateStack: (args, reportViolation) => {
        const model = stackModel(args);
        // A stack without any member resource is a network stack whose groups other stacks use: nothing to say.
        if (model.members.length === 0) {
            return;
        }
        // An unknown group list may name any group: can't tell which groups are unused yet.
        if (
            model.members.some((member) =>
                member.attachments.some((attachment) => attachment.unknownCount > 0),
            )
        ) {
            return;
        }
        for (const group of model.groups) {
            const referenced = group.referencedBy.some(
                (rule) => rule.group.kind !== "stack" || rule.group.group !== group,
            );
            if (group.attachments.length === 0 && !referenced) {
                reportViolation(
                    `Security group ${group.name} is joined by nothing in this stack and named by no other group's rule; attach it to the instances it is for, or delete it.`,
                    group.urn,
                );
            }
        }
    },
};
