import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { FIXTURES, newRunMarker, processesMentioning, runCli, type CliResult } from "./run";
import { assertValidSarif } from "../engine/sarifSchema";

/**
 * DESIGN §7: nothing marked secret leaves the gate in plaintext. The fixture keeps an admin block, a partner's
 * group and account and a database password in secret config (given through the environment, never on the
 * command line) and marks an office block secret in code; a third-party pack quotes every value it judges in
 * its messages, its console output and the engine log. Every output of every format, stderr, and every file
 * left on disk is searched for every spelling of every value.
 */
const program = path.join(FIXTURES, "programs", "secrets");
const quotesPack = path.join(FIXTURES, "packs", "quotes");
const SECRET_CONFIG = [
    "adminCidr: 10.99.0.0/8",
    "partnerGroupId: sg-2ze0partner7gw",
    "partnerAccount: 1234567890123456",
    'dbPassword: "p@ss\\"w\\\\ord-é"',
].join("\n");
const PASSWORD = 'p@ss"w\\ord-é';

/** Every spelling of every secret an output could carry: as given, JSON-escaped, XML-escaped, as a network. */
const SPELLINGS = [
    "10.99.0.0/8",
    "10.99.0.0",
    "10.0.0.0/8",
    "sg-2ze0partner7gw",
    "1234567890123456",
    "198.18.0.0/15",
    "198.18.0.0",
    "198&#45;18",
    PASSWORD,
    JSON.stringify(PASSWORD).slice(1, -1),
    "p@ss&quot;w",
    "p@ss",
];

function assertNoSecret(label: string, text: string): void {
    for (const spelling of SPELLINGS) {
        assert.ok(!text.includes(spelling), `${label} contains ${spelling}:\n${text}`);
    }
}

interface SecretRun {
    readonly result: CliResult;
    readonly out?: string;
}

describe("alicloud-sg: secrets kept", function () {
    // Nine runs of the command; on a loaded 2-CPU machine one takes up to a minute.
    this.timeout(1_200_000);
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "alicloud-sg-secrets-"));
    const runs = new Map<string, SecretRun>();

    async function gate(label: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<SecretRun> {
        const marker = newRunMarker();
        const result = await runCli(args, undefined, {
            marker,
            env: { TMPDIR: tmp, ALICLOUD_SG_SECRET_CONFIG: SECRET_CONFIG, ...env },
        });
        assert.deepStrictEqual(processesMentioning("", marker), [], `${label} left processes`);
        const outIndex = args.indexOf("--out");
        const run = { result, out: outIndex >= 0 ? fs.readFileSync(args[outIndex + 1], "utf8") : undefined };
        runs.set(label, run);
        return run;
    }

    before(async () => {
        const packs = ["--policy-pack", quotesPack, "--policy-pack", "policies"];
        for (const format of ["text", "json", "markdown"]) {
            await gate(`preview ${format}`, ["preview", program, ...packs, "--format", format]);
        }
        await gate("preview --out sarif", [
            "preview",
            program,
            ...packs,
            "--format",
            "sarif",
            "--out",
            path.join(tmp, "report.sarif"),
        ]);
        // DOT is what the SVG is drawn from; both are checked through the SVG and the renderers' own tests.
        for (const format of ["mermaid", "svg", "json"]) {
            await gate(`graph ${format}`, ["graph", program, "--format", format]);
        }
        const failing = { FIXTURE_SECRETS_FAIL: "1" };
        await gate("failing program, json", ["preview", program, "--format", "json"], failing);
        await gate(
            "failing program, sarif --out",
            ["preview", program, "--format", "sarif", "--out", path.join(tmp, "failed.sarif")],
            failing,
        );
        await gate("failing pack", [
            "preview",
            program,
            "--policy-pack",
            path.join(FIXTURES, "packs", "throws"),
            "--format",
            "sarif",
        ]);
    });

    after(() => fs.rmSync(tmp, { recursive: true, force: true }));

    it("reports and graphs of every format, and stderr, name no secret: only [secret]", () => {
        assert.ok(runs.size >= 9, [...runs.keys()].join(", "));
        for (const [label, { result, out }] of runs) {
            assertNoSecret(`${label} stdout`, result.stdout);
            assertNoSecret(`${label} stderr`, result.stderr);
            if (out !== undefined) {
                assertNoSecret(`${label} --out`, out);
            }
        }
        // The values did reach every output, in place of which [secret] stands.
        for (const label of [
            "preview text",
            "preview json",
            "preview markdown",
            "graph mermaid",
            "graph json",
        ]) {
            assert.match((runs.get(label) as SecretRun).result.stdout, /\[secret\]/, label);
        }
        assert.match((runs.get("graph svg") as SecretRun).result.stdout, /\[secret\]/);
        assert.match((runs.get("preview --out sarif") as SecretRun).out as string, /\[secret\]/);
        assertValidSarif(JSON.parse((runs.get("preview --out sarif") as SecretRun).out as string));
    });

    it("keeps two secret blocks apart in the JSON graph: each its own node and edge, neither named", () => {
        const graph = JSON.parse((runs.get("graph json") as SecretRun).result.stdout) as {
            nodes: { id: string; label: string }[];
            edges: { from: string; to: string; protocol: string; ports: string[] }[];
        };
        assert.deepStrictEqual(
            graph.nodes.map((node) => [node.id, node.label]),
            [
                ["sg-app", "sg-app"],
                ["cidr:[secret 1]", "[secret]"],
                ["cidr:[secret 2]", "[secret]"],
                ["external:[secret 3]/[secret]", "[secret] (account [secret])"],
            ],
        );
        assert.deepStrictEqual(graph.edges, [
            { from: "cidr:[secret 1]", to: "sg-app", protocol: "tcp", ports: ["22/22"] },
            { from: "cidr:[secret 2]", to: "sg-app", protocol: "tcp", ports: ["3389/3389"] },
            { from: "external:[secret 3]/[secret]", to: "sg-app", protocol: "tcp", ports: ["443/443"] },
        ]);
    });

    it("still judges the stack: the violations are there, their secret values masked", () => {
        const text = (runs.get("preview text") as SecretRun).result;
        assert.strictEqual(text.code, 1, text.stderr);
        assert.ok(
            text.stdout.includes(
                "Rule allow-rdp-from-office allows tcp 3389 from [secret] at priority 1, so the open Internet " +
                    "reaches risky port 3389 on app-1; authorize a bastion security group or a narrow office CIDR instead.",
            ),
            text.stdout,
        );
        assert.ok(
            text.stdout.includes(
                "Rule allow-https-from-partner admits [secret] of account [secret] on 443/443.",
            ),
        );
        assert.ok(text.stdout.includes('Instance app-1 boots with user data "[secret]".'));
        assert.ok(text.stdout.includes("    sg-app (app-1)  tcp 3389/3389 from [secret] (risky: 3389)"));
        assert.ok(
            text.stderr.includes("connecting to the database with [secret] from [secret]"),
            text.stderr,
        );
        assert.ok(
            text.stderr.includes("fixture-quote-peers: allow-ssh-from-admin admits [secret]"),
            text.stderr,
        );
        const json = JSON.parse((runs.get("preview json") as SecretRun).result.stdout) as {
            resources: { name: string; inputs: Record<string, unknown> }[];
        };
        const rule = json.resources.find((r) => r.name === "allow-ssh-from-admin");
        assert.strictEqual(rule?.inputs.cidrIp, "[secret]");
    });

    it("a failing program or pack says what failed, without the secret, in the report and on stderr", () => {
        const failed = (runs.get("failing program, json") as SecretRun).result;
        assert.strictEqual(failed.code, 2);
        const document = JSON.parse(failed.stdout) as { error: { message: string; source: string | null } };
        assert.strictEqual(
            document.error.message.split(" (at ")[0],
            "program failed: the database refused the password [secret] for team-app",
        );
        assert.match(document.error.source ?? "", /^index\.ts:\d+$/);
        const sarif = JSON.parse((runs.get("failing program, sarif --out") as SecretRun).out as string) as {
            runs: { results: { message: { text: string } }[] }[];
        };
        assert.match(sarif.runs[0].results[0].message.text, /refused the password \[secret\] for team-app/);
        assertValidSarif(sarif);
        assert.strictEqual((runs.get("failing pack") as SecretRun).result.code, 2);
    });

    it("leaves no file behind in its temp directory on any of these paths", () => {
        const left = fs
            .readdirSync(tmp)
            .filter((entry) => !["report.sarif", "failed.sarif"].includes(entry))
            // ts-node's compile cache (the tests run the sources) is not the gate's.
            .filter((entry) => !entry.startsWith("v8-compile-cache"));
        assert.deepStrictEqual(left, []);
    });
});
