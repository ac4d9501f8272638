import { SecurityGroupRule } from "@pulumi/alicloud/ecs/securityGroupRule";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { DEFAULT_TRUSTED_ACCOUNTS } from "../core/policyDefaults";
import { isKnown } from "../core/read";
import { resourceRule } from "./lib/resourceRule";
import { configSchema, readSettings, stringListSetting } from "./lib/settings";

const settings = {
    trustedAccounts: stringListSetting(
        "Alibaba Cloud account ids whose security groups may be named as sources.",
        DEFAULT_TRUSTED_ACCOUNTS,
    ),
};

export const disallowUntrustedCrossAccountSource: ResourceValidationPolicy = {
    name: "disallow-untrusted-cross-account-source",
    description:
        "Flags rules that authorize a security group of another account (sourceGroupOwnerId or the deprecated sourceGroupOwnerAccount) not listed in trustedAccounts.",
    enforcementLevel: "advisory",
    displayName: "Untrusted cross-account source",
    severity: "high",
    remediationSteps:
        "Confirm that the other account's security group should reach this group: if so, list the account in trustedAccounts; otherwise remove the rule.",
    configSchema: configSchema(settings),
    validateResource: validateResourceOfType(SecurityGroupRule, (_props, args, reportViolation) => {
        const read = resourceRule(args);
        const owner = read?.reading.sourceGroupOwner;
        if (!read || !isKnown(owner) || read.reading.peer?.field !== "sourceSecurityGroupId") {
            return;
        }
        const { trustedAccounts } = readSettings(args, settings);
        if (!trustedAccounts.includes(owner)) {
            const group = isKnown(read.reading.peer.value) ? read.reading.peer.value : "a security group";
            reportViolation(
                `Rule ${args.name} authorizes ${group} of account ${owner}, which is not in trustedAccounts; add the account to trustedAccounts if it is trusted, or remove the rule.`,
            );
        }
    }),
};
