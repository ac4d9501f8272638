import { SecurityGroup } from "@pulumi/alicloud/ecs/securityGroup";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { readGroup } from "../core/read";
import { configSchema } from "./lib/settings";
import { proxyTarget } from "./lib/props";

export const missingSecurityGroupDescription: ResourceValidationPolicy = {
    name: "missing-security-group-description",
    description:
        "Flags security groups without a description or a name (securityGroupName), which leaves the console unable to say what a group is for.",
    enforcementLevel: "advisory",
    displayName: "Security group description",
    severity: "low",
    remediationSteps: "Set description (or securityGroupName) on the security group to say what it is for.",
    configSchema: configSchema({}),
    validateResource: validateResourceOfType(SecurityGroup, (_props, args, reportViolation) => {
        const group = readGroup(proxyTarget(args.props));
        const missing = [
            ...(group.description === undefined ? ["description"] : []),
            ...(group.name === undefined ? ["securityGroupName"] : []),
        ];
        if (missing.length > 0) {
            reportViolation(
                `Security group ${args.name} has no ${missing.join(" and no ")}; set ${missing.join(" and ")} to say what it is for.`,
            );
        }
    }),
};
