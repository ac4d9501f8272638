import * as assert from "node:assert/strict";
import * as path from "path";
import { alicloudSg } from "../examples/gate";
import { diff, explain, renderExplainText } from "../../engine/review";
import { removeTemps, shopExport, SSH, writeTemp } from "../audit/exports";

const VPC_ACCOUNT = path.resolve(__dirname, "..", "fixtures", "aliyun", "vpc-account");

/** The deployed shop before someone opened SSH: the same export without the `web-ssh` rule. */
function shopWithoutSsh(): Record<string, unknown> {
    const exported = shopExport() as { deployment: { resources: { urn: string }[] } };
    exported.deployment.resources = exported.deployment.resources.filter((resource) => resource.urn !== SSH);
    return exported;
}

describe("diff and explain on what is deployed (stack exports and aliyun responses, read by audit's loaders)", function () {
    // Each side goes through the bundled pack over gRPC; generous on a loaded machine.
    this.timeout(600_000);
    after(removeTemps);

    it("two stack exports: the SSH rule added since BASE widens the Internet's edge to web and is two new mandatory findings, matched by URN", async () => {
        const base = writeTemp("shop-before.json", shopWithoutSsh());
        const head = writeTemp("shop-now.json", shopExport());
        const { document, limitations } = await diff({
            sides: [
                { kind: "stack-export", file: base },
                { kind: "stack-export", file: head },
            ],
        });
        assert.equal(document.matchedBy, "URN");
        assert.deepEqual(
            [document.base.kind, document.base.project, document.base.stack],
            ["stack-export", "shop", "prod"],
        );
        assert.deepEqual(document.edges, [
            {
                change: "widened",
                from: { id: "internet", label: "Internet", kind: "internet" },
                to: { id: "web", label: "web", kind: "group" },
                openInternet: true,
                base: [{ protocol: "tcp", ports: ["443/443"] }],
                head: [{ protocol: "tcp", ports: ["22/22", "443/443"] }],
                opened: [{ protocol: "tcp", ports: ["22/22"] }],
                closed: [],
                riskyPorts: [22],
                incomplete: false,
                renamedFrom: null,
                opensToInternet: true,
            },
        ]);
        assert.deepEqual(document.members, [
            {
                member: { id: "web-1", label: "web-1", type: "alicloud:ecs/instance:Instance" },
                change: "changed",
                joined: [],
                left: [],
                openedToInternet: [{ protocol: "tcp", port: 22 }],
            },
        ]);
        assert.deepEqual(
            document.findings.new.map((v) => [v.enforcementLevel, v.policyName, v.resourceName, v.urn]),
            [
                ["mandatory", "disallow-broad-intranet-cidr", "web-ssh", SSH],
                ["mandatory", "disallow-public-risky-ports", "web-ssh", SSH],
            ],
        );
        assert.deepEqual(document.findings.resolved, []);
        assert.equal(document.summary.exitCode, 1);
        // What an export cannot know is said once for both sides, not a preview's mock note.
        assert.equal(limitations.length, 1);
        assert.match(limitations[0], /^Audit of a stack export as `pulumi policy analyze --file` runs it: /);
    });

    it("an account's responses against themselves: matched by id, nothing changed, exit 0", async () => {
        const { document } = await diff({
            sides: [
                { kind: "aliyun", dir: VPC_ACCOUNT },
                { kind: "aliyun", dir: VPC_ACCOUNT },
            ],
        });
        assert.equal(document.matchedBy, "id");
        assert.deepEqual(document.edges, []);
        assert.deepEqual(document.members, []);
        assert.deepEqual(document.findings, { new: [], resolved: [] });
        assert.deepEqual(document.summary, {
            opensToInternet: false,
            newMandatory: 0,
            resolvedMandatory: 0,
            newAdvisory: 0,
            resolvedAdvisory: 0,
            edges: { added: 0, removed: 0, widened: 0, narrowed: 0, changed: 0 },
            exitCode: 0,
        });
    });

    it("explain on an account: the office SSH accept decides for web's members, the priority-100 drop for the rest", async () => {
        const { document, limitations } = await explain({
            sides: [{ kind: "aliyun", dir: VPC_ACCOUNT }],
            to: "sg-bp1web00000000000001",
            port: "22",
            protocol: "tcp",
        });
        const lines = renderExplainText(document, limitations).split("\n");
        const memberAt = lines.indexOf(
            "web-1 (i-bp1web00000000000001), web-scaling (asc-bp1web00000000000001) (security group: web (sg-bp1web00000000000001)), tcp 22, intranet NIC:",
        );
        assert.ok(memberAt > 0, lines.join("\n"));
        assert.deepEqual(lines.slice(memberAt + 1, memberAt + 4), [
            "  from 203.0.113.10/32: ALLOWED",
            "    1. priority 1 accept sgr-bp1webssh000000003 of web (sg-bp1web00000000000001) (security group web (sg-bp1web00000000000001), from 203.0.113.10/32)  <- decides",
            "    2. priority 100 drop sgr-bp1webdrop00000005 of web (sg-bp1web00000000000001) (security group web (sg-bp1web00000000000001), from 0.0.0.0/0)  (not reached)",
        ]);
        // The launch template also pools groups outside what was read: a verdict there says what could change it.
        assert.ok(
            lines.includes(
                "    unless sg-bp1legacy0000000001, a security group outside this stack that is pooled in too, has a rule that drops it: its rules are not seen",
            ),
            lines.join("\n"),
        );
    });

    it("the command: diff --stack-export BASE --stack-export HEAD exits 1 on the opened SSH, with the sides in the order given", async () => {
        const base = writeTemp("shop-before.json", shopWithoutSsh());
        const head = writeTemp("shop-now.json", shopExport());
        const run = await alicloudSg([
            "diff",
            "--stack-export",
            base,
            "--stack-export",
            head,
            "--format",
            "json",
        ]);
        assert.equal(run.code, 1, run.stderr);
        const document = JSON.parse(run.stdout) as { base: { source: string }; head: { source: string } };
        assert.deepEqual(
            [document.base.source, document.head.source],
            [`--stack-export ${base}`, `--stack-export ${head}`],
        );
    });
});
