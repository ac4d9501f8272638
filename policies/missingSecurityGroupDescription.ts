import { SecurityGroup } from "@pulumi/alicloud/ecs/securityGroup";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { readGroup } from "../core/read";
import { configSchema } from "./lib/settings";
import { proxyTarget } from "./lib/props";

export const missingSecurityGroupDescription: ResourceValidationPolicy = {
    name: "missing-security-group-description",
    description:
        "Flags security groups without a description, which leaves the console unable to say what a group is for.",
    enforcementLevel: "advisory",
    displayName: "Security group description",
    severity: "low",
    remediationSteps:
        "Set description on the security group to say what it is for and whom it admits; a name (securityGroupName) is not a description.",
    configSchema: configSchema({}),
    validateResource: validateResourceOfType(SecurityGroup, (_props, args, reportViolation) => {
        // The description alone says what a group is for: a group that has one passes, named or not (it used to
        // be flagged for a missing securityGroupName, which is not a description).
        if (readGroup(proxyTarget(args.props)).description === undefined) {
            reportViolation(
                `Security group ${args.name} has no description; set description to say what the group is for and whom it admits.`,
            );
        }
    }),
};
