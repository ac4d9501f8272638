import * as assert from "node:assert/strict";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { DiffDocument } from "../../engine/review/diff";
import { lineOf, ROOT, runCli } from "../cli/run";

const SHOP = path.join(ROOT, "tests", "fixtures", "review", "shop.ts");
const program = (change: string, comment: string) =>
    `import { shop } from "../shop";\n\n// ${comment}\nshop(${change});\n`;
/** Where shop.ts declares a rule through its helper: where findings on rules point. */
const RULE_LINE = lineOf(SHOP, "new alicloud.ecs.SecurityGroupRule(name");
const QUARANTINE_LINE = lineOf(SHOP, 'new alicloud.ecs.SecurityGroup("quarantine"');

describe("diff git:REF: the project as it was at a commit, checked out privately", function () {
    // Each command runs two programs and the pack twice, on a loaded machine.
    this.timeout(900_000);
    let repo: string;
    let project: string;
    let temp: string;
    const git = (...args: string[]) =>
        execFileSync("git", args, {
            cwd: repo,
            encoding: "utf8",
            env: {
                ...process.env,
                GIT_AUTHOR_NAME: "Shop Team",
                GIT_AUTHOR_EMAIL: "shop@example.com",
                GIT_COMMITTER_NAME: "Shop Team",
                GIT_COMMITTER_EMAIL: "shop@example.com",
            },
        });
    /** What the repository is: its index, refs, worktrees and working tree status. */
    const repositoryState = () => ({
        index: git("ls-files", "--stage"),
        refs: git("for-each-ref"),
        worktrees: git("worktree", "list", "--porcelain"),
        status: git("status", "--porcelain", "--ignored"),
    });
    /** The command with a TMPDIR of its own, so that what it leaves there is seen. */
    const review = (...args: string[]) => runCli(["diff", ...args], undefined, { env: { TMPDIR: temp } });

    before(() => {
        repo = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "alicloud-sg-review-repo-")));
        temp = fs.mkdtempSync(path.join(os.tmpdir(), "alicloud-sg-review-tmp-"));
        project = path.join(repo, "infra");
        git("init", "--quiet", "--initial-branch=main");
        // Installed packages are ignored, as in every repository; the checkout links them.
        fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(repo, "node_modules"), "dir");
        fs.writeFileSync(path.join(repo, ".gitignore"), "node_modules\n");
        fs.mkdirSync(project);
        // The program's module sits beside the project, as a team's shared code does.
        fs.copyFileSync(SHOP, path.join(repo, "shop.ts"));
        fs.writeFileSync(path.join(project, "Pulumi.yaml"), "name: shop\nruntime: nodejs\n");
        // As `pulumi new typescript` writes it.
        fs.writeFileSync(
            path.join(project, "tsconfig.json"),
            JSON.stringify(
                {
                    compilerOptions: {
                        strict: true,
                        outDir: "bin",
                        target: "es2020",
                        module: "commonjs",
                        moduleResolution: "node",
                        sourceMap: true,
                        experimentalDecorators: true,
                        pretty: true,
                        noFallthroughCasesInSwitch: true,
                        noImplicitReturns: true,
                        forceConsistentCasingInFileNames: true,
                    },
                    files: ["index.ts"],
                },
                null,
                4,
            ),
        );
        fs.writeFileSync(path.join(project, "index.ts"), program("", "The shop as deployed today."));
        git("add", ".");
        git("commit", "--quiet", "-m", "The shop network");
        fs.writeFileSync(
            path.join(project, "index.ts"),
            program("{ sshFromInternet: true }", "SSH for the on-call engineer."),
        );
        git("commit", "--quiet", "-am", "Let the on-call engineer in");
    });

    after(() => {
        fs.rmSync(repo, { recursive: true, force: true });
        fs.rmSync(temp, { recursive: true, force: true });
    });

    it("compares the project with its parent commit and leaves the repository and the temporary directory as they were", async () => {
        const before = repositoryState();
        const parent = git("rev-parse", "HEAD~1").trim();
        const run = await review("git:HEAD~1", project, "--format", "json");
        assert.equal(run.code, 1, run.stderr);
        const document = JSON.parse(run.stdout) as DiffDocument;
        assert.deepEqual(document.base, {
            source: "git:HEAD~1",
            kind: "program",
            project: "shop",
            stack: "dev",
            commit: parent,
        });
        assert.deepEqual(document.head, {
            source: project,
            kind: "program",
            project: "shop",
            stack: "dev",
            commit: null,
        });
        assert.deepEqual(
            document.edges.map((edge) => [
                edge.change,
                edge.from.id,
                edge.to.id,
                edge.opened,
                edge.riskyPorts,
            ]),
            [["widened", "internet", "web", [{ protocol: "tcp", ports: ["22/22"] }], [22]]],
        );
        assert.deepEqual(
            document.findings.new.map((v) => [v.policyName, v.resourceName]),
            [
                ["disallow-broad-intranet-cidr", "web-allow-ssh"],
                ["disallow-public-risky-ports", "web-allow-ssh"],
            ],
        );
        assert.deepEqual(repositoryState(), before);
        assert.deepEqual(
            fs.readdirSync(temp).filter((entry) => entry.startsWith("alicloud-sg")),
            [],
        );
    });

    it("reviews an uncommitted change against git:HEAD, and names the checkout's files outside the project as REF:path", async () => {
        const committed = fs.readFileSync(path.join(project, "index.ts"), "utf8");
        fs.writeFileSync(
            path.join(project, "index.ts"),
            program("{ quarantineApp: true }", "Quarantine app-1."),
        );
        try {
            const run = await review("git:HEAD", project, "--format", "json");
            assert.equal(run.code, 0, run.stderr);
            const document = JSON.parse(run.stdout) as DiffDocument;
            assert.deepEqual(
                document.edges.map((edge) => [edge.change, edge.from.id, edge.to.id]),
                // HEAD's edges in its graph's order, then those only BASE has.
                [
                    ["narrowed", "internet", "web"],
                    ["removed", "web", "app"],
                ],
            );
            // The SSH rule exists at HEAD only: its findings are resolved, and located in the commit's shop.ts;
            // so is the quarantine group's being unused, now that app-1 joins it.
            assert.deepEqual(
                document.findings.resolved.map((v) => [v.policyName, v.source]),
                [
                    ["disallow-broad-intranet-cidr", `HEAD:shop.ts:${RULE_LINE}`],
                    ["disallow-public-risky-ports", `HEAD:shop.ts:${RULE_LINE}`],
                    ["disallow-unused-security-group", `HEAD:shop.ts:${QUARANTINE_LINE}`],
                ],
            );
        } finally {
            fs.writeFileSync(path.join(project, "index.ts"), committed);
        }
    });

    it("refuses in one line a REF that names no commit, and a directory outside any repository (exit 2)", async () => {
        const outside = fs.mkdtempSync(path.join(temp, "plain-"));
        fs.writeFileSync(path.join(outside, "Pulumi.yaml"), "name: plain\nruntime: nodejs\n");
        const [noCommit, noRepository] = await Promise.all([
            review("git:no-such-branch", project),
            review("git:main", outside, "--format", "json"),
        ]);
        assert.equal(noCommit.code, 2);
        assert.equal(
            noCommit.stderr,
            `alicloud-sg: BASE git:no-such-branch: git:no-such-branch: no commit "no-such-branch" in the repository ${repo}\n`,
        );
        assert.equal(noRepository.code, 2);
        assert.match(
            noRepository.stderr,
            new RegExp(
                `^alicloud-sg: BASE git:main: git:main: ${outside.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} is not inside a git repository \\(fatal: not a git repository[^\\n]*\\)\\n$`,
            ),
        );
        // JSON still gets its error document, with the same message.
        assert.deepEqual(JSON.parse(noRepository.stdout), {
            error: { message: noRepository.stderr.slice("alicloud-sg: ".length, -1), source: null },
        });
    });
});
