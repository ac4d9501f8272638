import { SecurityGroup } from "@pulumi/alicloud/ecs/securityGroup";
import { remediateResourceOfType, ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { DEFAULT_REMEDIATION_TAGS, DEFAULT_REQUIRED_TAG_KEYS } from "../core/policyDefaults";
import { isKnown, readGroup, readKey, UNKNOWN } from "../core/read";
import { describeValue } from "../core/problems";
import { configSchema, readSettings, stringListSetting, tagMapSetting } from "./lib/settings";
import { proxyTarget } from "./lib/props";

const settings = {
    requiredTagKeys: stringListSetting(
        "Tag keys every security group must carry.",
        DEFAULT_REQUIRED_TAG_KEYS,
    ),
    defaultTags: tagMapSetting(
        "Tags added to a security group at enforcement level remediate.",
        DEFAULT_REMEDIATION_TAGS,
    ),
};

/** Why a group's tags fall short, or undefined; unknown tags are "can't tell yet". */
function tagProblems(props: unknown, requiredTagKeys: readonly string[]): string[] | undefined {
    const tags = readGroup(props).tags;
    if (tags === UNKNOWN) {
        return undefined;
    }
    if (tags === undefined || Object.keys(tags).length === 0) {
        return ["has no tags"];
    }
    const problems: string[] = [];
    const empty = Object.entries(tags)
        .filter(([, value]) => isKnown(value) && value.trim() === "")
        .map(([key]) => key);
    if (empty.length > 0) {
        problems.push(
            `has empty values for tag${empty.length > 1 ? "s" : ""} ${empty.map((k) => describeValue(k)).join(", ")}`,
        );
    }
    const missing = requiredTagKeys.filter((key) => !Object.prototype.hasOwnProperty.call(tags, key));
    if (missing.length > 0) {
        problems.push(
            `lacks the required tag key${missing.length > 1 ? "s" : ""} ${missing.map((k) => describeValue(k)).join(", ")}`,
        );
    }
    return problems.length > 0 ? problems : undefined;
}

export const missingSecurityGroupTags: ResourceValidationPolicy = {
    name: "missing-security-group-tags",
    description:
        "Rejects security groups without tags, with an empty tag value or without a required tag key; at level remediate it adds the default tags.",
    enforcementLevel: "mandatory",
    displayName: "Security group tags",
    severity: "low",
    remediationSteps:
        "Tag the security group with a non-empty value for every key, including each key in requiredTagKeys (an owner tag tells whom the group belongs to). At level remediate the policy adds defaultTags itself.",
    configSchema: configSchema(settings),
    validateResource: validateResourceOfType(SecurityGroup, (_props, args, reportViolation) => {
        const config = readSettings(args, settings);
        const problems = tagProblems(proxyTarget(args.props), config.requiredTagKeys);
        if (problems) {
            // Only the keys a setting requires: defaultTags are what remediation adds, not a requirement.
            const keys = config.requiredTagKeys;
            reportViolation(
                `Security group ${args.name} ${problems.join(" and ")}; add non-empty tags${keys.length > 0 ? ` including ${keys.map((k) => describeValue(k)).join(", ")}` : " (an owner tag, for instance)"} so that its owner can be found.`,
            );
        }
    }),
    remediateResource: remediateResourceOfType(SecurityGroup, (_props, args) => {
        const config = readSettings(args, settings);
        if (!tagProblems(args.props, config.requiredTagKeys)) {
            return undefined;
        }
        const current = readKey(args.props, "tags");
        if (current === UNKNOWN) {
            return undefined;
        }
        // Existing tags win: remediation only fills keys that are missing or empty, never rewrites a value. It
        // writes through @pulumi/policy's secrets-preserving proxy, in place, so a secret map or a secret value
        // stays secret.
        const props = args.props as Record<string, unknown>;
        if (typeof current !== "object" || current === null || Array.isArray(current)) {
            props.tags = { ...config.defaultTags };
            return props;
        }
        const tags = current as Record<string, unknown>;
        for (const [key, value] of Object.entries(config.defaultTags)) {
            const old = readKey(tags, key);
            if (old === undefined || old === null || (typeof old === "string" && old.trim() === "")) {
                tags[key] = value;
            }
        }
        return props;
    }),
};
