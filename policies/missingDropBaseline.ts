import { StackValidationPolicy } from "@pulumi/policy";
import { ruleCoveredBy } from "../core/effective";
import { BASELINE_PRIORITY } from "../core/limits";
import { isRejected } from "../core/validity";
import { configSchema } from "./lib/settings";
import { stackModel } from "./lib/stack";

export const missingDropBaseline: StackValidationPolicy = {
    name: "missing-drop-baseline",
    description:
        "Flags security groups with ingress accepts that no lower-priority drop covers, so that access rests on the implicit deny instead of an explicit drop baseline.",
    enforcementLevel: "advisory",
    displayName: "Drop baseline",
    severity: "medium",
    remediationSteps:
        "Add an ingress drop of all protocols from 0.0.0.0/0 (and ::/0 when the group admits IPv6) at a priority number larger than every accept's, such as 100, so that each accept opens exactly one hole. The components add one to every group, named after it with a -drop-baseline suffix.",
    configSchema: configSchema({}),
    validateStack: (args, reportViolation) => {
        for (const group of stackModel(args).groups) {
            // A rule the API refuses never exists: a refused drop covers nothing, a refused accept opens nothing.
            const rules = group.rules.flatMap((stackRule) =>
                stackRule.rule && !isRejected(stackRule) ? [{ stackRule, rule: stackRule.rule }] : [],
            );
            const uncovered = rules.filter(({ rule }) => {
                if (rule.direction !== "ingress" || rule.policy !== "accept") {
                    return false;
                }
                const drops = rules
                    .map((other) => other.rule)
                    .filter(
                        (other) =>
                            other.policy === "drop" &&
                            other.direction === "ingress" &&
                            other.nicType === rule.nicType &&
                            other.priority >= rule.priority,
                    );
                return !ruleCoveredBy(rule, drops);
            });
            if (uncovered.length > 0) {
                const families = new Set(
                    uncovered.map(({ rule }) => (rule.peer.kind === "ipv6Cidr" ? "::/0" : "0.0.0.0/0")),
                );
                reportViolation(
                    `Security group ${group.name} has ingress accepts (${uncovered.map(({ stackRule }) => stackRule.name).join(", ")}) with no lower-priority drop covering them; add a drop baseline rule (all protocols, ${[...families].join(" and ")}, priority ${BASELINE_PRIORITY}) so that each accept opens exactly one hole.`,
                    group.urn,
                );
            }
        }
    },
};
