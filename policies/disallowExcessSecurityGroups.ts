import { StackValidationPolicy } from "@pulumi/policy";
import { MAX_GROUPS_PER_INSTANCE } from "../core/limits";
import { StackAttachment } from "../core/stack";
import { configSchema, countSetting, readSettings } from "./lib/settings";
import { stackModel } from "./lib/stack";

const settings = {
    maxGroupsPerInstance: countSetting(
        "Most distinct security groups one instance, ENI or template may join (5 by default quota; raise it after a quota increase).",
        MAX_GROUPS_PER_INSTANCE,
    ),
};

function groupNames(attachment: StackAttachment): string[] {
    return attachment.groups.map((ref) => (ref.kind === "stack" ? ref.group.name : ref.id));
}

export const disallowExcessSecurityGroups: StackValidationPolicy = {
    name: "disallow-excess-security-groups",
    description:
        "Rejects instances, ENIs, instance sets, launch templates and scaling configurations that join more security groups than the quota allows or mix normal and enterprise groups.",
    enforcementLevel: "mandatory",
    displayName: "Security groups per instance",
    severity: "medium",
    remediationSteps:
        "Join at most maxGroupsPerInstance security groups (5, Alibaba Cloud's default quota per ENI) to each instance, ENI, instance set, launch template or scaling configuration, merging groups that serve one tier, and never mix normal and enterprise groups. Raise maxGroupsPerInstance only once Alibaba Cloud has raised the quota.",
    configSchema: configSchema(settings),
    validateStack: (args, reportViolation) => {
        const { maxGroupsPerInstance } = readSettings(args, settings);
        for (const member of stackModel(args).members) {
            for (const attachment of member.attachments) {
                const where = `${member.name} (${attachment.fields.join(", ")})`;
                // Entries still unknown can only add groups: a count already over the limit is certain.
                if (attachment.groups.length > maxGroupsPerInstance) {
                    reportViolation(
                        `${member.name} joins ${attachment.groups.length} security groups through ${attachment.fields.join(", ")} (${groupNames(attachment).join(", ")}), more than the ${maxGroupsPerInstance} allowed per network interface; merge groups, or raise maxGroupsPerInstance after a quota increase.`,
                        member.urn,
                    );
                }
                const kinds = new Set<boolean>();
                for (const ref of attachment.groups) {
                    if (ref.kind === "stack" && typeof ref.group.reading.enterprise === "boolean") {
                        kinds.add(ref.group.reading.enterprise);
                    }
                }
                if (kinds.size > 1) {
                    reportViolation(
                        `${where} mixes normal and enterprise security groups (${groupNames(attachment).join(", ")}); one network interface takes only one kind, so put it in groups of one kind.`,
                        member.urn,
                    );
                }
            }
        }
    },
};
