import { StackValidationPolicy } from "@pulumi/policy";
import {
    atMost,
    DefiniteExposure,
    describeUncertainty,
    ExposureScope,
    judgeExposure,
    Uncertainty,
} from "../core/exposure";
import { MIN_IPV4_PREFIX, MIN_IPV6_PREFIX } from "../core/limits";
import { RISKY_PORTS_POLICY } from "../core/policyDefaults";
import { riskyPresetPorts } from "../core/presets";
import { StackRule } from "../core/stack";
import { memberDisplayName } from "../core/members/catalog";
import { reportAdvisory } from "./lib/advisory";
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

/** Where a scope's access lands, as messages name it: members by name, a group alone as a security group. */
function scopeLabels(scope: ExposureScope): string[] {
    switch (scope.kind) {
        case "members":
            return [
                ...new Set(
                    scope.attachments.map((attachment) =>
                        memberDisplayName(attachment.member.type, attachment.member.name),
                    ),
                ),
            ];
        case "group":
            return [`security group ${scope.group.name}`];
        case "outside":
            return [`security group ${scope.group.id}`];
        case "unknown-group":
            return ["the security group it is written to"];
    }
}

function list(items: readonly string[], conjunction: string): string {
    return items.length <= 1
        ? (items[0] ?? "")
        : `${items.slice(0, -1).join(", ")} ${conjunction} ${items[items.length - 1]}`;
}

const plural = (count: number, word: string) => (count === 1 ? word : `${word}s`);

/** `tcp 22` or `tcp 22, 3389 and udp 53`. */
function describeTraffic(exposures: readonly DefiniteExposure[]): string {
    return list(
        (["tcp", "udp"] as const).flatMap((protocol) => {
            const ports = [...new Set(exposures.filter((e) => e.protocol === protocol).map((e) => e.port))];
            return ports.length > 0 ? [`${protocol} ${ports.sort((a, b) => a - b).join(", ")}`] : [];
        }),
        "and",
    );
}

interface DefiniteFinding {
    readonly rule: StackRule;
    /** Per place the access lands: the exposures found there. */
    readonly places: Map<string, DefiniteExposure[]>;
}

interface PossibleFinding {
    readonly urn: string;
    /** Renders the message for the ports found and the places they land. */
    readonly message: (ports: string, count: number, places: string) => string;
    readonly ports: Set<number>;
    readonly places: Set<string>;
}

/** The unseen groups a member joins, as a phrase: `security group sg-1, outside this stack`. */
function describeUnseen(causes: readonly Uncertainty[]): string {
    const ids = causes.flatMap((cause) => (cause.kind === "outside-group" ? [cause.id] : []));
    const unknown = causes.reduce(
        (count, cause) => count + (cause.kind === "unknown-groups" ? cause.count : 0),
        0,
    );
    const parts = [
        ...(ids.length > 0
            ? [`${plural(ids.length, "security group")} ${list(atMost(ids), "and")}, outside this stack`]
            : []),
        ...(unknown > 0
            ? [unknown === 1 ? "a security group not known yet" : `${unknown} security groups not known yet`]
            : []),
    ];
    return list(parts, "and");
}

const closeAdvice = (count: number) =>
    count === 1
        ? "drop that port from 0.0.0.0/0 and ::/0 at priority 1 to prove it closed"
        : "drop those ports from 0.0.0.0/0 and ::/0 at priority 1 to prove them closed";

/** The clause saying where a rule opens risky ports, and what unseen or unknown could still close them there. */
function placesClause(finding: DefiniteFinding): string {
    const byCaveat = new Map<string, string[]>();
    for (const [place, exposures] of [...finding.places.entries()].sort(([a], [b]) => a.localeCompare(b))) {
        const closers: string[] = [];
        for (const exposure of exposures) {
            for (const closer of exposure.closers) {
                const text = describeUncertainty(closer);
                if (!closers.includes(text)) {
                    closers.push(text);
                }
            }
        }
        const priority = finding.rule.rule?.priority;
        const caveat =
            closers.length === 0
                ? ""
                : ` unless ${atMost(closers).join(" or ")} drops ${describeTraffic(exposures)} at priority ${priority} or stronger`;
        byCaveat.set(caveat, [...(byCaveat.get(caveat) ?? []), place]);
    }
    const clauses = [...byCaveat.entries()]
        .sort(([a], [b]) => (a === "" ? -1 : b === "" ? 1 : 0))
        .map(([caveat, places]) => `on ${places.join(", ")}${caveat}`);
    return clauses.join(", and ");
}

function rejectedClause(finding: DefiniteFinding): string {
    const names = [
        ...new Set(
            [...finding.places.values()].flatMap((exposures) =>
                exposures.flatMap((exposure) => exposure.rejectedDrops.map((drop) => drop.name)),
            ),
        ),
    ].sort();
    if (names.length === 0) {
        return "";
    }
    return names.length === 1
        ? `; drop rule ${names[0]} closes nothing, as the API would reject it`
        : `; drop rules ${list(names, "and")} close nothing, as the API would reject them`;
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
        const judged = judgeExposure(stackModel(args), config);
        const definite = new Map<string, DefiniteFinding>();
        const possible = new Map<string, PossibleFinding>();
        for (const { scope, definite: exposures, possible: ports } of judged) {
            const labels = scopeLabels(scope);
            for (const exposure of exposures) {
                const finding = definite.get(exposure.rule.urn) ?? { rule: exposure.rule, places: new Map() };
                for (const label of labels) {
                    finding.places.set(label, [...(finding.places.get(label) ?? []), exposure]);
                }
                definite.set(exposure.rule.urn, finding);
            }
            for (const { port, causes } of ports) {
                const unseen = causes.filter(
                    (cause) => cause.kind === "outside-group" || cause.kind === "unknown-groups",
                );
                for (const cause of causes) {
                    if (cause.kind !== "rule") {
                        continue;
                    }
                    const key = `${cause.rule.urn} ${cause.reason}`;
                    const subject = describeUncertainty(cause);
                    const finding = possible.get(key) ?? {
                        urn: cause.rule.urn,
                        message: (text: string, count: number, places: string) =>
                            `Can't tell yet whether ${subject} lets the open Internet reach risky ${plural(count, "port")} ${text} on ${places}. Make sure it does not, or ${closeAdvice(count)}.`,
                        ports: new Set<number>(),
                        places: new Set<string>(),
                    };
                    finding.ports.add(port);
                    labels.forEach((label) => finding.places.add(label));
                    possible.set(key, finding);
                }
                if (unseen.length > 0 && scope.kind === "members") {
                    const groups = describeUnseen(unseen);
                    for (const attachment of scope.attachments) {
                        const member = attachment.member;
                        const key = `${member.urn} ${groups}`;
                        const finding = possible.get(key) ?? {
                            urn: member.urn,
                            message: (text: string, count: number, places: string) =>
                                `Can't tell yet whether the open Internet reaches risky ${plural(count, "port")} ${text} on ${places}: it joins ${groups}, whose rules are not seen here. In one of its groups in this stack, ${closeAdvice(count)}.`,
                            ports: new Set<number>(),
                            places: new Set<string>([memberDisplayName(member.type, member.name)]),
                        };
                        finding.ports.add(port);
                        possible.set(key, finding);
                    }
                }
            }
        }
        for (const finding of definite.values()) {
            const rule = finding.rule.rule;
            if (!rule) {
                continue;
            }
            const ports = [...new Set([...finding.places.values()].flat().map((e) => e.port))].sort(
                (a, b) => a - b,
            );
            // On a classic group's intranet, any address is every tenant of the shared classic network.
            const classicIntranet =
                rule.nicType === "intranet" &&
                finding.rule.group.kind === "stack" &&
                !finding.rule.group.group.reading.vpc;
            const who = classicIntranet
                ? "every tenant on the shared classic-network intranet reaches"
                : "the open Internet reaches";
            const fix = classicIntranet
                ? "authorize a bastion security group instead (an address on the classic intranet proves nothing)"
                : "authorize a bastion security group or a narrow office CIDR instead";
            reportViolation(
                `${describeRule(finding.rule, rule)}, so ${who} risky ${plural(ports.length, "port")} ${ports.join(", ")} ${placesClause(finding)}${rejectedClause(finding)}; ${fix}.`,
                finding.rule.urn,
            );
        }
        for (const finding of possible.values()) {
            const ports = [...finding.ports].sort((a, b) => a - b);
            const message = finding.message(
                ports.join(", "),
                ports.length,
                [...finding.places].sort().join(", "),
            );
            reportAdvisory(reportViolation, disallowPublicRiskyPorts, message, finding.urn);
        }
    },
};
