import { SecurityGroupRule } from "@pulumi/alicloud/ecs/securityGroupRule";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { PROVIDER_DEFAULT_POLICY, PROVIDER_DEFAULT_PRIORITY } from "../core/limits";
import { resourceRule } from "./lib/resourceRule";
import { configSchema } from "./lib/settings";

const DEFAULTS: Record<string, string> = {
    priority: `priority defaults to ${PROVIDER_DEFAULT_PRIORITY}, the highest`,
    policy: `policy defaults to ${PROVIDER_DEFAULT_POLICY}`,
    nicType: "nicType defaults by network and peer",
};

export const missingExplicitRuleSettings: ResourceValidationPolicy = {
    name: "missing-explicit-rule-settings",
    description:
        "Flags rules that leave priority, policy or nicType to the provider, whose defaults (priority 1, accept) are unsafe.",
    enforcementLevel: "advisory",
    displayName: "Explicit rule settings",
    severity: "medium",
    remediationSteps:
        "Set priority, policy and nicType on every rule; left out, the provider sends priority 1 and accept.",
    configSchema: configSchema({}),
    validateResource: validateResourceOfType(SecurityGroupRule, (_props, args, reportViolation) => {
        const read = resourceRule(args);
        if (!read) {
            return;
        }
        const missing = Object.keys(DEFAULTS).filter((field) => read.reading.raw[field] === undefined);
        if (missing.length > 0) {
            reportViolation(
                `Rule ${args.name} leaves ${missing.join(", ")} to the provider (${missing.map((field) => DEFAULTS[field]).join("; ")}); set ${missing.length > 1 ? "them" : "it"} explicitly.`,
            );
        }
    }),
};
