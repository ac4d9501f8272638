import * as assert from "node:assert/strict";
import { describeUncertainty, judgeExposure, type ScopeExposure } from "../../core/exposure";
import { MAX_RULES_PER_GROUP } from "../../core/limits";
import { joinStack, type StackResourceInput } from "../../core/stack";
import { group, GROUP, INSTANCE, RULE, urn } from "./stackFixtures";
import { unknownCheckingProxy, unknownStringValue } from "./policyProxy";

/** Hand-written cases of what the exposure judgement names: closers of definite holes, causes of possible ones. */

/** A rule of a stack group (joined by dependency), or of a group by literal id (`groupId`). */
function rule(
    name: string,
    target: { group: string } | { groupId: string },
    props: Record<string, unknown>,
): StackResourceInput {
    return {
        urn: urn(RULE, name),
        type: RULE,
        name,
        props: unknownCheckingProxy({
            type: "ingress",
            ipProtocol: "tcp",
            portRange: "22/22",
            policy: "accept",
            priority: 1,
            nicType: "intranet",
            cidrIp: "0.0.0.0/0",
            securityGroupId: "groupId" in target ? target.groupId : unknownStringValue,
            ...props,
        }),
        propertyDependencies: "group" in target ? { securityGroupId: [urn(GROUP, target.group)] } : {},
    };
}

function instance(name: string, groups: string[], extra: string[] = []): StackResourceInput {
    return {
        urn: urn(INSTANCE, name),
        type: INSTANCE,
        name,
        props: unknownCheckingProxy({ securityGroups: [...groups.map(() => unknownStringValue), ...extra] }),
        propertyDependencies: { securityGroups: groups.map((g) => urn(GROUP, g)) },
    };
}

const judge = (resources: StackResourceInput[], riskyPorts = [22]) =>
    judgeExposure(joinStack(resources), { riskyPorts });

/** `rule port: closer | closer` for each definite exposure; `port: cause | cause` for each possible one. */
function summary(results: readonly ScopeExposure[]): { definite: string[]; possible: string[] } {
    return {
        definite: results.flatMap((result) =>
            result.definite.map(
                (e) =>
                    `${e.rule.name} ${e.protocol} ${e.port} ${e.family}: ${e.closers.map(describeUncertainty).join(" | ")}${e.rejectedDrops.length > 0 ? ` [refused: ${e.rejectedDrops.map((r) => r.name).join(", ")}]` : ""}`,
            ),
        ),
        possible: results.flatMap((result) =>
            result.possible.map((p) => `${p.port}: ${p.causes.map(describeUncertainty).join(" | ")}`),
        ),
    };
}

describe("core/exposure: what a judgement names", () => {
    it("names only the unknown rules that could drop the exposed traffic at the accept's priority or stronger", () => {
        const results = judge([
            group("web"),
            rule("web-ssh", { group: "web" }, { priority: 10 }),
            // Could: a drop from a block not known yet, and a drop of unknown priority.
            rule(
                "web-drop-partner",
                { group: "web" },
                { policy: "drop", cidrIp: unknownStringValue, priority: 5 },
            ),
            rule("web-drop-late", { group: "web" }, { policy: "drop", priority: unknownStringValue }),
            // Could not: an egress rule, a drop of another port, a drop weaker than the accept, an accept.
            rule(
                "web-egress",
                { group: "web" },
                { type: "egress", policy: "drop", cidrIp: unknownStringValue },
            ),
            rule(
                "web-drop-http",
                { group: "web" },
                { policy: "drop", portRange: "80/80", cidrIp: unknownStringValue },
            ),
            rule(
                "web-drop-weak",
                { group: "web" },
                { policy: "drop", priority: 50, cidrIp: unknownStringValue },
            ),
            rule("web-office", { group: "web" }, { cidrIp: unknownStringValue, portRange: "443/443" }),
            instance("vm-web", ["web"]),
        ]);
        assert.deepEqual(summary(results), {
            definite: [
                "web-ssh tcp 22 ipv4: rule web-drop-partner, whose cidrIp is not known yet, | rule web-drop-late, whose priority is not known yet,",
            ],
            possible: [],
        });
    });

    it("names a prefix list's drop as what could close, its accept as what could open", () => {
        const results = judge(
            [
                group("web"),
                rule("web-ssh", { group: "web" }, { priority: 10 }),
                rule(
                    "web-drop-blocklist",
                    { group: "web" },
                    { policy: "drop", cidrIp: undefined, prefixListId: "pl-blocklist" },
                ),
                group("ops"),
                rule(
                    "ops-rdp-from-vendors",
                    { group: "ops" },
                    { portRange: "3389/3389", cidrIp: undefined, prefixListId: "pl-vendors" },
                ),
            ],
            [22, 3389],
        );
        assert.deepEqual(summary(results), {
            definite: [
                "web-ssh tcp 22 ipv4: rule web-drop-blocklist, whose prefix list pl-blocklist is not seen here,",
            ],
            possible: ["3389: rule ops-rdp-from-vendors, whose prefix list pl-vendors is not seen here,"],
        });
    });

    it("does not let the drops of a group over the API's rule limit close anything: some of its rules are refused", () => {
        const filler = Array.from({ length: MAX_RULES_PER_GROUP }, (_, i) =>
            rule(
                `big-http-${i}`,
                { group: "big" },
                { portRange: "80/80", cidrIp: `203.0.${Math.floor(i / 250)}.${i % 250}/32` },
            ),
        );
        const results = judge([
            group("big"),
            ...filler,
            rule("big-ssh", { group: "big" }, { priority: 10 }),
            rule("big-drop-ssh", { group: "big" }, { policy: "drop", priority: 1 }),
        ]);
        assert.deepEqual(summary(results), {
            definite: [
                "big-ssh tcp 22 ipv4: rule big-drop-ssh, which the API may refuse, as big holds more rules than it takes,",
            ],
            possible: [],
        });
    });

    it("judges a rule written to a group not known yet alone, and names that group as what could close it", () => {
        const results = judge([rule("mystery-ssh", { groupId: unknownStringValue }, {})]);
        assert.deepEqual(summary(results), {
            definite: ["mystery-ssh tcp 22 ipv4: that security group, not known yet,"],
            possible: [],
        });
    });

    it("judges an outside group's rules in both networks: an internet accept counts, an internet drop does not close", () => {
        const results = judge([
            rule("legacy-ssh", { groupId: "sg-legacy" }, { nicType: "internet", priority: 10 }),
            rule(
                "legacy-drop",
                { groupId: "sg-legacy" },
                { nicType: "internet", policy: "drop", priority: 1 },
            ),
        ]);
        // Classic: the internet drop closes the internet accept. VPC: both are refused. No network exposes it.
        assert.deepEqual(summary(results), { definite: [], possible: [] });
        const intranetAccept = judge([
            rule("legacy-ssh", { groupId: "sg-legacy" }, { priority: 10 }),
            rule(
                "legacy-drop",
                { groupId: "sg-legacy" },
                { nicType: "internet", policy: "drop", priority: 1 },
            ),
        ]);
        // An intranet accept is open in both networks; the internet drop closes it in neither.
        assert.deepEqual(summary(intranetAccept), {
            definite: [
                "legacy-ssh tcp 22 ipv4: security group sg-legacy, outside this stack, | rule legacy-drop, which the API refuses if its security group is in a VPC,",
            ],
            possible: [],
        });
    });

    it("refuses an internet rule written to an outside group that shares a VPC member's network", () => {
        const results = judge([
            group("web"),
            rule("shared-ssh", { groupId: "sg-shared" }, { nicType: "internet" }),
            instance("vm-web", ["web"], ["sg-shared"]),
        ]);
        // The rule never exists; only the outside group's unseen rules could open anything.
        assert.deepEqual(summary(results), {
            definite: [],
            possible: ["22: security group sg-shared, outside this stack,"],
        });
    });
});
