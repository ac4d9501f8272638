import { StackValidationPolicy } from "@pulumi/policy";
import { DIRECTIONS, NIC_TYPES } from "../core/rule";
import { evaluateGroup } from "../core/stack";
import { describeRule } from "./lib/describe";
import { configSchema } from "./lib/settings";
import { stackModel } from "./lib/stack";
import { cisControls } from "./lib/metadata";

export const disallowShadowedRule: StackValidationPolicy = {
    name: "disallow-shadowed-rule",
    description:
        "Flags accept rules that never take effect because drops of higher or equal priority in the same group cover everything they match.",
    enforcementLevel: "advisory",
    displayName: "Shadowed rule",
    severity: "low",
    framework: cisControls("3.5"),
    remediationSteps:
        "Delete the accept, or, if its traffic should be allowed, give it a stronger priority (a smaller number) than the drops that cover it.",
    configSchema: configSchema({}),
    validateStack: (args, reportViolation) => {
        for (const group of stackModel(args).groups) {
            for (const direction of DIRECTIONS) {
                for (const nicType of NIC_TYPES) {
                    const evaluation = evaluateGroup(group, { direction, nicType });
                    evaluation.outcomes.forEach((outcome, index) => {
                        const stackRule = evaluation.stackRules[index];
                        if (!outcome.shadowed || !stackRule.rule) {
                            return;
                        }
                        const drops = outcome.overriddenBy.map((other) => evaluation.stackRules[other]);
                        const strongest = Math.min(...drops.map((drop) => drop.rule?.priority ?? Infinity));
                        // An audited rule is named after its group already (`sgr-1 of db (sg-1)`): said once.
                        const ofGroup = ` of ${group.name}`;
                        const dropName = (name: string) =>
                            name.endsWith(ofGroup) ? name.slice(0, -ofGroup.length) : name;
                        reportViolation(
                            `${describeRule(stackRule, stackRule.rule)} but never takes effect: drop rule${drops.length > 1 ? "s" : ""} ${drops.map((drop) => dropName(drop.name)).join(", ")}${ofGroup} cover${drops.length > 1 ? "" : "s"} everything it matches; remove it, or give it a smaller priority number than ${strongest}.`,
                            stackRule.urn,
                        );
                    });
                }
            }
        }
    },
};
