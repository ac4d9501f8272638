import { StackValidationPolicy } from "@pulumi/policy";
import { MAX_GROUPS_PER_INSTANCE } from "../core/limits";
import {
    DEFAULT_SERVICE_GROUP_LIMITS,
    memberDisplayName,
    SERVICE_LIMIT_SOURCES,
    ServiceLimitKey,
} from "../core/members/catalog";
import { StackAttachment, StackMember } from "../core/stack";
import { configSchema, countMapSetting, countSetting, readSettings } from "./lib/settings";
import { stackModel } from "./lib/stack";

const settings = {
    maxGroupsPerInstance: countSetting(
        "Most distinct security groups one instance, ENI or template may join (5 by default quota; raise it after a quota increase).",
        MAX_GROUPS_PER_INSTANCE,
    ),
    serviceGroupLimits: countMapSetting(
        `Most security groups a resource of a service with its own documented limit may name: ${Object.entries(
            SERVICE_LIMIT_SOURCES,
        )
            .map(([key, source]) => `${key} (${source})`)
            .join("; ")}.`,
        DEFAULT_SERVICE_GROUP_LIMITS,
    ),
};

function groupNames(attachment: StackAttachment): string[] {
    return attachment.groups.map((ref) => (ref.kind === "stack" ? ref.group.name : ref.id));
}

export const disallowExcessSecurityGroups: StackValidationPolicy = {
    name: "disallow-excess-security-groups",
    description:
        "Rejects resources that join (or, for Redis, RDS, MongoDB and PolarDB whitelists, name) more security groups than Alibaba Cloud allows — five per network interface by default quota, a service's own limit where it has one — or that mix normal and enterprise groups on one network interface.",
    enforcementLevel: "mandatory",
    displayName: "Security groups per instance",
    severity: "medium",
    remediationSteps:
        "Join at most maxGroupsPerInstance security groups (5, Alibaba Cloud's default quota per network interface) to each network interface of an instance, ENI, launch template, node pool or other member, and no more than a service's own limit (serviceGroupLimits) to a load balancer, database whitelist or other service, merging groups that serve one tier; never mix normal and enterprise groups. Raise a limit only once Alibaba Cloud has raised it.",
    configSchema: configSchema(settings),
    validateStack: (args, reportViolation) => {
        const { maxGroupsPerInstance, serviceGroupLimits } = readSettings(args, settings);
        const model = stackModel(args);
        const judge = (member: StackMember) => {
            const display = memberDisplayName(member.type, member.name);
            const { limit, relation } = member.entry;
            for (const attachment of member.attachments) {
                const through = attachment.fields.join(", ");
                const names = groupNames(attachment).join(", ");
                const max = limit.kind === "eni" ? maxGroupsPerInstance : serviceGroupLimits[limit.service];
                // Entries still unknown can only add groups: a count already over the limit is certain.
                if (attachment.groups.length > max) {
                    const verb = relation === "whitelist" ? "admits the members of" : "joins";
                    reportViolation(
                        limit.kind === "eni"
                            ? `${display} ${verb} ${attachment.groups.length} security groups through ${through} (${names}), more than the ${max} allowed per network interface; merge groups, or raise maxGroupsPerInstance after a quota increase.`
                            : `${display} ${verb} ${attachment.groups.length} security groups through ${through} (${names}), more than the ${max} ${serviceLabel(limit.service)} allows; merge groups, or raise serviceGroupLimits.${limit.service} if Alibaba Cloud raised the limit.`,
                        member.urn,
                    );
                }
                if (!member.entry.oneGroupType) {
                    continue;
                }
                const kinds = new Set<boolean>();
                for (const ref of attachment.groups) {
                    if (ref.kind === "stack" && typeof ref.group.reading.enterprise === "boolean") {
                        kinds.add(ref.group.reading.enterprise);
                    }
                }
                if (kinds.size > 1) {
                    reportViolation(
                        `${display} (${through}) mixes normal and enterprise security groups (${names}); one network interface takes only one kind, so put it in groups of one kind.`,
                        member.urn,
                    );
                }
            }
        };
        model.members.forEach(judge);
        model.whitelists.forEach(judge);
    },
};

/** How the limit's owner reads in a sentence: `an ALB`, `a Redis (Tair) instance`. */
function serviceLabel(service: ServiceLimitKey): string {
    const labels: Record<ServiceLimitKey, string> = {
        alb: "an ALB instance",
        nlb: "an NLB instance",
        privatelink: "a PrivateLink endpoint",
        eci: "an elastic container instance",
        cassandra: "a Cassandra cluster",
        redis: "a Redis (Tair) instance",
        rds: "an RDS instance",
        mongodb: "a MongoDB instance",
        polardb: "a PolarDB cluster",
    };
    return labels[service];
}
