import { StackValidationPolicy } from "@pulumi/policy";
import { internetExposures, InternetExposure } from "../core/effective";
import { MIN_IPV4_PREFIX, MIN_IPV6_PREFIX } from "../core/limits";
import { RISKY_PORTS_POLICY } from "../core/policyDefaults";
import { riskyPresetPorts } from "../core/presets";
import { NIC_TYPES, NicType } from "../core/rule";
import {
    evaluateAttachment,
    evaluateGroup,
    StackAttachment,
    StackEvaluation,
    StackRule,
} from "../core/stack";
import { memberDisplayName } from "../core/members/catalog";
import { describeRule } from "./lib/describe";
import { configSchema, portListSetting, prefixSetting, readSettings } from "./lib/settings";
import { stackModel } from "./lib/stack";
import { cisControls } from "./lib/metadata";

const settings = {
    riskyPorts: portListSetting(
        "Ports that must never be reachable from the open Internet (SSH, RDP, databases, caches, Docker, search engines...).",
        riskyPresetPorts(),
    ),
    minIpv4Prefix: prefixSetting(
        "Public IPv4 blocks with fewer prefix bits than this count as the open Internet.",
        MIN_IPV4_PREFIX,
        32,
    ),
    minIpv6Prefix: prefixSetting(
        "Public IPv6 blocks with fewer prefix bits than this count as the open Internet.",
        MIN_IPV6_PREFIX,
        128,
    ),
};

interface Finding {
    readonly rule: StackRule;
    readonly ports: Set<number>;
    readonly contexts: Set<string>;
}

/** An exposure with its rules resolved, so that it can be shared by every member of the same pool. */
interface PoolExposure {
    readonly port: number;
    readonly rules: readonly StackRule[];
}

/** The groups an attachment pools, as a key: the same key means the same evaluation. */
function poolKey(attachment: StackAttachment): string {
    const refs = attachment.groups.map((ref) =>
        ref.kind === "stack" ? `urn ${ref.group.urn}` : `id ${ref.id}`,
    );
    return `${attachment.unknownCount} ${refs.sort().join(" ")}`;
}

export const disallowPublicRiskyPorts: StackValidationPolicy = {
    name: RISKY_PORTS_POLICY,
    description:
        "Rejects security groups that effectively let the open Internet reach a risky port (SSH, RDP, databases, caches, Docker and the like), judged after priority resolution with an instance's groups pooled.",
    enforcementLevel: "mandatory",
    displayName: "Risky ports open to the Internet",
    severity: "critical",
    framework: cisControls("3.2", "4.3", "4.4"),
    remediationSteps:
        "Remove the accept that lets the open Internet reach the port, or narrow its source to a bastion's security group (sourceSecurityGroupId) or an office address (/32). A drop of the port from 0.0.0.0/0 at a stronger priority (a smaller number) also closes it. Reach SSH and RDP through a bastion host.",
    configSchema: configSchema(settings),
    validateStack: (args, reportViolation) => {
        const config = readSettings(args, settings);
        const model = stackModel(args);
        const findings = new Map<string, Finding>();
        const exposuresOf = (evaluation: StackEvaluation): PoolExposure[] => {
            // An unknown rule might be a drop that closes the hole: can't tell yet.
            if (!evaluation.complete) {
                return [];
            }
            const exposures: InternetExposure[] = internetExposures(evaluation, config.riskyPorts, config);
            return exposures.map((exposure) => ({
                port: exposure.port,
                rules: exposure.rules.map((index) => evaluation.stackRules[index]),
            }));
        };
        const record = (exposures: readonly PoolExposure[], context: string) => {
            for (const exposure of exposures) {
                for (const rule of exposure.rules) {
                    const finding = findings.get(rule.urn) ?? {
                        rule,
                        ports: new Set<number>(),
                        contexts: new Set<string>(),
                    };
                    finding.ports.add(exposure.port);
                    finding.contexts.add(context);
                    findings.set(rule.urn, finding);
                }
            }
        };
        const nicTypes = (vpc: boolean): readonly NicType[] => (vpc ? ["intranet"] : NIC_TYPES);
        for (const group of model.groups) {
            // A group's members see the pooled rules of all their groups; a group nothing joins is judged alone.
            if (group.attachments.length > 0) {
                continue;
            }
            for (const nicType of nicTypes(group.reading.vpc)) {
                record(
                    exposuresOf(evaluateGroup(group, { direction: "ingress", nicType })),
                    `security group ${group.name}`,
                );
            }
        }
        // Members of one tier join the same groups: each distinct pool is evaluated once, not once per member.
        const pools = new Map<string, PoolExposure[]>();
        for (const member of model.members) {
            for (const attachment of member.attachments) {
                const vpc = attachment.groups.every((ref) => ref.kind !== "stack" || ref.group.reading.vpc);
                for (const nicType of nicTypes(vpc)) {
                    const key = `${nicType} ${poolKey(attachment)}`;
                    let exposures = pools.get(key);
                    if (!exposures) {
                        exposures = exposuresOf(
                            evaluateAttachment(attachment, { direction: "ingress", nicType }),
                        );
                        pools.set(key, exposures);
                    }
                    record(exposures, memberDisplayName(member.type, member.name));
                }
            }
        }
        for (const { rule, ports, contexts } of findings.values()) {
            if (!rule.rule) {
                continue;
            }
            const list = [...ports].sort((a, b) => a - b);
            // On a classic group's intranet, any address is every tenant of the shared classic network.
            const classicIntranet =
                rule.rule.nicType === "intranet" &&
                rule.group.kind === "stack" &&
                !rule.group.group.reading.vpc;
            const who = classicIntranet
                ? "every tenant on the shared classic-network intranet reaches"
                : "the open Internet reaches";
            const fix = classicIntranet
                ? "authorize a bastion security group instead (an address on the classic intranet proves nothing)"
                : "authorize a bastion security group or a narrow office CIDR instead";
            reportViolation(
                `${describeRule(rule, rule.rule)}, so ${who} risky port${list.length > 1 ? "s" : ""} ${list.join(", ")} on ${[...contexts].sort().join(", ")}; ${fix}.`,
                rule.urn,
            );
        }
    },
};
