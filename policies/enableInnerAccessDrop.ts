import { StackValidationPolicy } from "@pulumi/policy";
import { accessByPeer } from "../core/effective";
import { evaluateGroup } from "../core/stack";
import { configSchema } from "./lib/settings";
import { stackModel } from "./lib/stack";

export const enableInnerAccessDrop: StackValidationPolicy = {
    name: "enable-inner-access-drop",
    description:
        "Flags normal security groups whose members can reach each other on every port, through innerAccessPolicy Accept (the default) or a self-referencing rule allowing everything.",
    enforcementLevel: "advisory",
    displayName: "Isolated group members",
    severity: "medium",
    remediationSteps:
        "Set innerAccessPolicy to Drop and allow members only the ports they need with a self-referencing rule (the components do both).",
    configSchema: configSchema({}),
    validateStack: (args, reportViolation) => {
        for (const group of stackModel(args).groups) {
            if (group.reading.enterprise !== false) {
                continue;
            }
            if (group.reading.innerAccept === true) {
                reportViolation(
                    `Security group ${group.name} lets its members reach each other on every port (innerAccessPolicy is Accept or unset); set innerAccessPolicy to "Drop" and allow members only the ports they need.`,
                    group.urn,
                );
                continue;
            }
            if (group.reading.innerAccept !== false) {
                continue;
            }
            const evaluation = evaluateGroup(group, { direction: "ingress", nicType: "intranet" });
            const self = accessByPeer(evaluation).find(
                (edge) =>
                    edge.peer.kind === "group" &&
                    edge.peer.groupId === group.urn &&
                    edge.peer.ownerId === undefined,
            );
            if (self && self.access.length === 1 && self.access[0].protocol === "all") {
                const rules = evaluation.stackRules
                    .filter(({ rule }) => rule?.peer.kind === "group" && rule.peer.groupId === group.urn)
                    .map((stackRule) => stackRule.name);
                reportViolation(
                    `Security group ${group.name} lets its members reach each other on every port through rule${rules.length > 1 ? "s" : ""} ${rules.join(", ")}; allow members only the ports they need.`,
                    group.urn,
                );
            }
        }
    },
};
