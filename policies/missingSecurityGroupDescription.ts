import { ResourceValidationPolicy } from "@pulumi/policy";
import { readGroup, SECURITY_GROUP_TYPE } from "../core/read";
import { configSchema } from "./lib/settings";

export const missingSecurityGroupDescription: ResourceValidationPolicy = {
    name: "missing-security-group-description",
    description:
        "Flags security groups without a description or a name (securityGroupName), which leaves the console unable to say what a group is for.",
    enforcementLevel: "advisory",
    configSchema: configSchema({}),
    validateResource: (args, reportViolation) => {
        if (args.type !== SECURITY_GROUP_TYPE) {
            return;
        }
        const group = readGroup(args.props);
        const missing = [
            ...(group.description === undefined ? ["description"] : []),
            ...(group.name === undefined ? ["securityGroupName"] : []),
        ];
        if (missing.length > 0) {
            reportViolation(
                `Security group ${args.name} has no ${missing.join(" and no ")}; set ${missing.join(" and ")} to say what it is for.`,
            );
        }
    },
};
