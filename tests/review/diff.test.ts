import * as assert from "node:assert/strict";
import * as path from "path";
import { diffSides, type DiffDocument } from "../../engine/review/diff";
import { loadSide, type LoadedSide } from "../../engine/review/sides";
import { lineOf } from "../cli/run";

const REVIEW = path.resolve(__dirname, "..", "fixtures", "review");
const SHOP = path.join(REVIEW, "shop.ts");
const VARIANTS = ["base", "ssh-from-internet", "stronger-drop", "quarantine", "renamed"] as const;

const INTERNET = { id: "internet", label: "Internet", kind: "internet" } as const;
const group = (name: string) => ({ id: name, label: name, kind: "group" }) as const;
const tcp = (...ports: number[]) => [{ protocol: "tcp", ports: ports.map((port) => `${port}/${port}`) }];
const noChange = { added: 0, removed: 0, widened: 0, narrowed: 0, changed: 0 };

/** Findings by what a reviewer reads: level, policy, resource, the whole message and where. */
function findings(list: DiffDocument["findings"]["new"]) {
    return list.map((v) => ({
        level: v.enforcementLevel,
        policy: v.policyName,
        resource: v.resourceName,
        message: v.message,
        source: v.source,
    }));
}

/** Where shop.ts declares a rule through its `rule` helper: the location every finding on a rule points at. */
const RULE_SOURCE = `${SHOP}:${lineOf(SHOP, "new alicloud.ecs.SecurityGroupRule(name")}`;
const GROUP_SOURCE = (name: string) => `${SHOP}:${lineOf(SHOP, `new alicloud.ecs.SecurityGroup(${name}`)}`;

describe("diff: what a change opens or closes (real programs run with the bundled pack)", function () {
    // Five programs, each run under mocks and through the pack over gRPC, two at a time on a loaded machine.
    this.timeout(900_000);
    const sides = new Map<string, LoadedSide>();

    before(async () => {
        const queue = [...VARIANTS];
        const worker = async () => {
            for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
                const role = next === "base" ? "BASE" : "HEAD";
                sides.set(
                    next,
                    await loadSide(role, { kind: "project", dir: path.join(REVIEW, next) }, { packs: {} }),
                );
            }
        };
        await Promise.all([worker(), worker()]);
    });

    const diffOf = (head: (typeof VARIANTS)[number]) =>
        diffSides(sides.get("base") as LoadedSide, sides.get(head) as LoadedSide);

    it("an SSH accept from the Internet: the edge widens, web-1 becomes reachable on 22, two new mandatory findings, exit 1", () => {
        const document = diffOf("ssh-from-internet");
        assert.equal(document.matchedBy, "logical name");
        assert.deepEqual(document.edges, [
            {
                change: "widened",
                from: INTERNET,
                to: group("web"),
                openInternet: true,
                base: tcp(80, 443),
                head: tcp(22, 80, 443),
                opened: tcp(22),
                closed: [],
                riskyPorts: [22],
                incomplete: false,
                renamedFrom: null,
                opensToInternet: true,
            },
        ]);
        assert.deepEqual(document.groups, { added: [], removed: [], renamed: [] });
        assert.deepEqual(document.members, [
            {
                member: { id: "web-1", label: "web-1", type: "alicloud:ecs/instance:Instance" },
                change: "changed",
                joined: [],
                left: [],
                openedToInternet: [{ protocol: "tcp", port: 22 }],
            },
        ]);
        assert.deepEqual(findings(document.findings.new), [
            {
                level: "mandatory",
                policy: "disallow-broad-intranet-cidr",
                resource: "web-allow-ssh",
                message:
                    "Rejects ingress accepts whose CIDR is 0.0.0.0/0, ::/0 or broader than the minimum prefix (such as 10.0.0.0/8), judged alike on VPC rules, classic-network internet rules and the shared classic intranet, except any-address rules on public ports only (publicPorts).\n" +
                    'Rule web-allow-ssh allows tcp 22 from 0.0.0.0/0 at priority 1: it opens tcp 22 to every address, the Internet included ("0.0.0.0/0"). It cannot be declared a public service (port 22 must never face the open Internet): authorize a source security group or a block of /16 (IPv4) or /48 (IPv6) or longer instead.',
                source: RULE_SOURCE,
            },
            {
                level: "mandatory",
                policy: "disallow-public-risky-ports",
                resource: "web-allow-ssh",
                message:
                    "Rejects security groups that effectively let the open Internet reach a risky port (SSH, RDP, databases, caches, Docker and the like), judged after priority resolution with an instance's groups pooled.\n" +
                    "Rule web-allow-ssh allows tcp 22 from 0.0.0.0/0 at priority 1, so the open Internet reaches risky port 22 on web-1; authorize a bastion security group or a narrow office CIDR instead.",
                source: RULE_SOURCE,
            },
        ]);
        assert.deepEqual(document.findings.resolved, []);
        assert.deepEqual(document.unknowns, { base: [], head: [] });
        assert.deepEqual(document.summary, {
            opensToInternet: true,
            newMandatory: 2,
            resolvedMandatory: 0,
            newAdvisory: 0,
            resolvedAdvisory: 0,
            edges: { ...noChange, widened: 1 },
            exitCode: 1,
        });
    });

    it("a drop at a stronger priority: HTTPS from the Internet closes, the accept it covers is flagged as shadowed, exit 0", () => {
        const document = diffOf("stronger-drop");
        assert.deepEqual(document.edges, [
            {
                change: "narrowed",
                from: INTERNET,
                to: group("web"),
                openInternet: true,
                base: tcp(80, 443),
                head: tcp(80),
                opened: [],
                closed: tcp(443),
                riskyPorts: [],
                incomplete: false,
                renamedFrom: null,
                opensToInternet: false,
            },
        ]);
        assert.deepEqual(document.members, []);
        assert.deepEqual(findings(document.findings.new), [
            {
                level: "advisory",
                policy: "disallow-shadowed-rule",
                resource: "web-allow-https",
                message:
                    "Flags accept rules that never take effect because drops of higher or equal priority in the same group cover everything they match.\n" +
                    "Rule web-allow-https allows tcp 443 from 0.0.0.0/0 at priority 10 but never takes effect: drop rule web-drop-https of web covers everything it matches; remove it, or give it a smaller priority number than 5.",
                source: RULE_SOURCE,
            },
        ]);
        assert.deepEqual(document.findings.resolved, []);
        assert.equal(document.summary.opensToInternet, false);
        assert.equal(document.summary.exitCode, 0);
        assert.deepEqual(document.summary.edges, { ...noChange, narrowed: 1 });
    });

    it("a member joining a second group whose drop closes an accept: web → app is removed, app-1 joins quarantine", () => {
        const document = diffOf("quarantine");
        assert.deepEqual(document.edges, [
            {
                change: "removed",
                from: group("web"),
                to: group("app"),
                openInternet: false,
                base: tcp(8080),
                head: [],
                opened: [],
                closed: tcp(8080),
                riskyPorts: [],
                incomplete: false,
                renamedFrom: null,
                opensToInternet: false,
            },
        ]);
        assert.deepEqual(document.members, [
            {
                member: { id: "app-1", label: "app-1", type: "alicloud:ecs/instance:Instance" },
                change: "changed",
                joined: [group("quarantine")],
                left: [],
                openedToInternet: [],
            },
        ]);
        // quarantine is now used: the advisory finding on it is resolved.
        assert.deepEqual(findings(document.findings.resolved), [
            {
                level: "advisory",
                policy: "disallow-unused-security-group",
                resource: "quarantine",
                message:
                    "Flags security groups that no resource of the stack joins (instances, ENIs, launch templates, node pools, ECI, load balancers and every other type of the member catalog), no Redis, RDS, MongoDB or PolarDB whitelist names, and no rule names as its source.\n" +
                    "Security group quarantine is joined by nothing in this stack, admitted by no database whitelist and named by no other group's rule; attach it to the resources it is for, or delete it.",
                source: GROUP_SOURCE('"quarantine"'),
            },
        ]);
        assert.deepEqual(document.findings.new, []);
        assert.equal(document.summary.exitCode, 0);
    });

    it("a renamed group reads as removed plus added and says so; the rename alone opens nothing new", () => {
        const document = diffOf("renamed");
        const carried = {
            openInternet: true,
            riskyPorts: [],
            incomplete: false,
        };
        assert.deepEqual(document.edges, [
            {
                ...carried,
                change: "added",
                from: INTERNET,
                to: group("frontend"),
                base: [],
                head: tcp(80, 443),
                opened: tcp(80, 443),
                closed: [],
                renamedFrom: group("web"),
                opensToInternet: false,
            },
            {
                change: "added",
                from: group("frontend"),
                to: group("app"),
                openInternet: false,
                base: [],
                head: tcp(8080),
                opened: tcp(8080),
                closed: [],
                riskyPorts: [],
                incomplete: false,
                renamedFrom: null,
                opensToInternet: false,
            },
            {
                ...carried,
                change: "removed",
                from: INTERNET,
                to: group("web"),
                base: tcp(80, 443),
                head: [],
                opened: [],
                closed: tcp(80, 443),
                renamedFrom: null,
                opensToInternet: false,
            },
            {
                change: "removed",
                from: group("web"),
                to: group("app"),
                openInternet: false,
                base: tcp(8080),
                head: [],
                opened: [],
                closed: tcp(8080),
                riskyPorts: [],
                incomplete: false,
                renamedFrom: null,
                opensToInternet: false,
            },
        ]);
        assert.deepEqual(document.groups, {
            added: [group("frontend")],
            removed: [group("web")],
            renamed: [{ from: group("web"), to: group("frontend") }],
        });
        // web-1 joins the renamed group: no member change to report.
        assert.deepEqual(document.members, []);
        assert.deepEqual(document.findings, { new: [], resolved: [] });
        assert.equal(document.summary.opensToInternet, false);
        assert.equal(document.summary.exitCode, 0);
    });

    it("the same program on both sides: nothing changes, exit 0", () => {
        const base = sides.get("base") as LoadedSide;
        const document = diffSides(base, base);
        assert.deepEqual(document.edges, []);
        assert.deepEqual(document.members, []);
        assert.deepEqual(document.findings, { new: [], resolved: [] });
        assert.deepEqual(document.summary, {
            opensToInternet: false,
            newMandatory: 0,
            resolvedMandatory: 0,
            newAdvisory: 0,
            resolvedAdvisory: 0,
            edges: noChange,
            exitCode: 0,
        });
    });

    it("the other way round, the SSH change is what closing looks like: narrowed, two mandatory findings resolved, exit 0", () => {
        const document = diffSides(
            sides.get("ssh-from-internet") as LoadedSide,
            sides.get("base") as LoadedSide,
        );
        assert.deepEqual(
            document.edges.map((edge) => [
                edge.change,
                edge.from.id,
                edge.to.id,
                edge.closed,
                edge.opensToInternet,
            ]),
            [["narrowed", "internet", "web", tcp(22), false]],
        );
        assert.deepEqual(
            document.findings.resolved.map((v) => v.policyName),
            ["disallow-broad-intranet-cidr", "disallow-public-risky-ports"],
        );
        assert.deepEqual(document.summary.exitCode, 0);
        assert.equal(document.summary.resolvedMandatory, 2);
    });
});
