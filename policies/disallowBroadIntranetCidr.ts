import { StackValidationPolicy } from "@pulumi/policy";
import { DEFAULT_PUBLIC_PORTS, MIN_IPV4_PREFIX, MIN_IPV6_PREFIX } from "../core/limits";
import { DEFAULT_ALLOWED_CIDRS } from "../core/policyDefaults";
import { isAnyAddress } from "../core/cidr";
import { riskyPresetPorts } from "../core/presets";
import { broadIntranetAccessReason, peerCidr, publicPortsDeclaration, SecurityRule } from "../core/rule";
import { describeRule, describeTraffic } from "./lib/describe";
import { cidrListSetting, configSchema, portListSetting, prefixSetting, readSettings } from "./lib/settings";
import { stackModel } from "./lib/stack";
import { cisControls } from "./lib/metadata";

const settings = {
    publicPorts: portListSetting(
        "tcp/udp ports that may face 0.0.0.0/0 or ::/0 (the Internet service case).",
        DEFAULT_PUBLIC_PORTS,
    ),
    minIpv4Prefix: prefixSetting(
        "IPv4 blocks with fewer prefix bits than this are broad.",
        MIN_IPV4_PREFIX,
        32,
    ),
    minIpv6Prefix: prefixSetting(
        "IPv6 blocks with fewer prefix bits than this are broad.",
        MIN_IPV6_PREFIX,
        128,
    ),
    allowedCidrs: cidrListSetting("CIDR blocks exempt from this policy.", DEFAULT_ALLOWED_CIDRS),
};

const POLICY_NAME = "disallow-broad-intranet-cidr";

type Config = ReturnType<typeof readSettings<typeof settings>>;

/** What to do about it, in words that work: each fix named is one the pack then accepts. */
function advice(rule: SecurityRule<string>, classicIntranet: boolean, config: Config): string {
    const narrow = `a source security group or a block of /${config.minIpv4Prefix} (IPv4) or /${config.minIpv6Prefix} (IPv6) or longer`;
    const cidr = peerCidr(rule.peer);
    if (!cidr || !isAnyAddress(cidr)) {
        return `Narrow the CIDR to /${config.minIpv4Prefix} (IPv4) or /${config.minIpv6Prefix} (IPv6) or longer, authorize a source security group instead, or, if the block is deliberate, list it in this policy's allowedCidrs.`;
    }
    if (classicIntranet) {
        return "Authorize a source security group instead, or move the group into a VPC.";
    }
    const declaration = publicPortsDeclaration(rule, config.publicPorts, riskyPresetPorts());
    if ("refused" in declaration) {
        return `It cannot be declared a public service (${declaration.refused}): authorize ${narrow} instead.`;
    }
    const snippet = `{"${POLICY_NAME}": {"publicPorts": [${declaration.ports.join(", ")}]}}`;
    return `If ${describeTraffic(rule.protocol, rule.ports)} is a service meant for the whole Internet, declare it in the pack's publicPorts, in the file given to --policy-pack-config: ${snippet}; otherwise authorize ${narrow}.`;
}

export const disallowBroadIntranetCidr: StackValidationPolicy = {
    name: POLICY_NAME,
    description:
        "Rejects ingress accepts whose CIDR is 0.0.0.0/0, ::/0 or broader than the minimum prefix (such as 10.0.0.0/8), judged alike on VPC rules, classic-network internet rules and the shared classic intranet, except any-address rules on public ports only (publicPorts).",
    enforcementLevel: "mandatory",
    displayName: "Broad intranet CIDR",
    severity: "high",
    framework: cisControls("3.5"),
    remediationSteps:
        "Narrow the CIDR to the block that holds the peers (/16 or longer for IPv4, /48 or longer for IPv6), or authorize the peers' security group with sourceSecurityGroupId. An Internet-facing service may open its publicPorts to 0.0.0.0/0; list a broad block that is intended in allowedCidrs.",
    configSchema: configSchema(settings),
    validateStack: (args, reportViolation) => {
        const config = readSettings(args, settings);
        for (const stackRule of stackModel(args).rules) {
            const rule = stackRule.rule;
            if (!rule) {
                continue;
            }
            const group =
                stackRule.group.kind === "stack" ? { vpc: stackRule.group.group.reading.vpc } : undefined;
            const reason = broadIntranetAccessReason(rule, config, group);
            if (reason) {
                const classicIntranet = group?.vpc === false && rule.nicType === "intranet";
                reportViolation(
                    `${describeRule(stackRule, rule)}: it ${reason}. ${advice(rule, classicIntranet, config)}`,
                    stackRule.urn,
                );
            }
        }
    },
};
