import { Command, CommanderError, Option } from "commander";
import { audit, graphAuditSource } from "../engine/audit";
import * as path from "path";
import { GateError, errorMessage } from "../engine/errors";
import {
    GRAPH_FORMATS,
    graphProject,
    renderGraph,
    renderGraphError,
    type GraphFormat,
    type StackGraph,
} from "../engine/graph";
import { newProject } from "../engine/newProject";
import { checkOutFile, GateOutput } from "../engine/output";
import { secretConfigFromEnvironment } from "../engine/project";
import { DEFAULT_PACK_CALL_TIMEOUT_MS } from "../engine/policyPack";
import { registerReviewCommands } from "./review";
import {
    preview,
    renderErrorReport,
    renderReport,
    REPORT_FORMATS,
    toolVersion,
    type PreviewResult,
    type ReportFormat,
} from "../engine/preview";

/** DESIGN §3: 2 when the program, the pack, the config or the arguments are bad. */
export const EXIT_BAD_INPUT = 2;

const INVOKES_HELP =
    "YAML or JSON file pinning data source answers, keyed by token or module.function (default: unknown, as in a preview)";

function collect(value: string, previous: string[]): string[] {
    return [...previous, value];
}

interface PreviewFlags {
    policyPack: string[];
    policyPackConfig: string[];
    invokes?: string;
    stack?: string;
    config: string[];
    configFile?: string;
    format: ReportFormat;
    out?: string;
    packTimeout?: string;
}

interface NewFlags {
    name?: string;
    description?: string;
    stack?: string;
    config: string[];
}

interface GraphFlags {
    invokes?: string;
    stack?: string;
    config: string[];
    configFile?: string;
    format: GraphFormat;
    out?: string;
    stackExport?: string;
    aliyun?: string;
}

interface AuditFlags {
    stackExport?: string;
    aliyun?: string;
    policyPack: string[];
    policyPackConfig: string[];
    format: ReportFormat;
    out?: string;
    packTimeout?: string;
}

/** The environment variable that sets `--pack-timeout` when the flag is not given. */
const PACK_TIMEOUT_ENV = "ALICLOUD_SG_PACK_TIMEOUT";

/** `--pack-timeout` (or its environment variable) in milliseconds. */
function packTimeoutMs(flag: string | undefined): number {
    const given = flag ?? process.env[PACK_TIMEOUT_ENV];
    if (given === undefined || given === "") {
        return DEFAULT_PACK_CALL_TIMEOUT_MS;
    }
    const seconds = Number(given);
    if (!Number.isFinite(seconds) || seconds <= 0) {
        const name = flag !== undefined ? "--pack-timeout" : PACK_TIMEOUT_ENV;
        throw new GateError("arguments", `${name} must be a number of seconds above 0 (got "${given}")`);
    }
    return seconds * 1000;
}

/** The packs to run and their config, as `preview` and `audit` take them. */
function withPacks(command: Command): Command {
    return command
        .option(
            "--policy-pack <DIR>",
            "policy pack directory (repeatable; default: the bundled pack)",
            collect,
            [],
        )
        .option(
            "--policy-pack-config <FILE>",
            "policy config JSON, as for pulumi preview (repeatable)",
            collect,
            [],
        );
}

/** Where a report goes and how long a pack may take, as `preview` and `audit` take them. */
function withReport(command: Command): Command {
    return command
        .addOption(new Option("--format <FORMAT>", "report format").choices(REPORT_FORMATS).default("text"))
        .option("--out <FILE>", "write the report to FILE instead of stdout");
}

function withPackTimeout(command: Command): Command {
    return command.option(
        "--pack-timeout <SECONDS>",
        `how long a policy pack may take to answer one call (default ${DEFAULT_PACK_CALL_TIMEOUT_MS / 1000}; env ${PACK_TIMEOUT_ENV})`,
    );
}

/**
 * Runs `preview` or `audit` and writes its report as asked, saying what the gate could not know; resolves to the
 * exit status. Exit 2 still writes the requested report, so CI has something to upload and annotate; a text
 * report on a terminal would only repeat the message on stderr.
 */
async function report(
    output: GateOutput,
    flags: { format: ReportFormat; out?: string },
    projectDir: string,
    run: () => Promise<PreviewResult>,
): Promise<number> {
    // Before the run, so that a run of minutes cannot end with its report lost.
    if (flags.out) {
        checkOutFile(flags.out);
    }
    try {
        const result = await run();
        const color =
            !flags.out && flags.format === "text" && process.stdout.isTTY === true && !process.env.NO_COLOR;
        output.document(renderReport(result.report, flags.format, color), { out: flags.out, color });
        if (flags.format !== "text") {
            output.diagnostic(`note: ${result.report.origin.limitations}\n`);
            for (const note of result.report.notes) {
                output.diagnostic(`note: ${note}\n`);
            }
        }
        return result.exitCode;
    } catch (err) {
        if (err instanceof GateError && (flags.out || flags.format !== "text")) {
            output.document(renderErrorReport(err, flags.format, projectDir), { out: flags.out });
        }
        throw err;
    }
}

/** Parses `argv` (without node and script), runs the command and resolves to its exit status. */
export async function main(argv: readonly string[]): Promise<number> {
    let exitCode = 0;
    // Every report, graph and diagnostic of this command goes out through here, scrubbed of the run's secrets.
    const output = new GateOutput();
    const program = new Command("alicloud-sg")
        .description("Offline Pulumi policy gate for Alibaba Cloud security groups")
        .version(toolVersion())
        .exitOverride()
        .showHelpAfterError();
    withPackTimeout(
        withReport(
            withPacks(
                program
                    .command("preview")
                    .description(
                        "Run a Pulumi program under the SDK's mock runtime and its policy packs over the analyzer protocol",
                    )
                    .argument("[PROJECT_DIR]", "directory holding Pulumi.yaml", "."),
            )
                .option("--invokes <FILE>", INVOKES_HELP)
                .option(
                    "--stack <NAME>",
                    "stack whose Pulumi.<stack>.yaml config the program sees (default: dev)",
                )
                .option(
                    "--config <KEY=VALUE>",
                    "stack config value, overriding Pulumi.<stack>.yaml (repeatable)",
                    collect,
                    [],
                ),
        ).option(
            "--config-file <FILE>",
            "use the stack config in FILE rather than Pulumi.<stack>.yaml, as pulumi preview --config-file",
        ),
    ).action(async (projectDir: string, flags: PreviewFlags) => {
        exitCode = await report(output, flags, projectDir, () =>
            preview({
                projectDir,
                stack: flags.stack,
                config: flags.config,
                configFile: flags.configFile,
                secretConfig: secretConfigFromEnvironment(),
                policyPacks: flags.policyPack,
                policyPackConfigs: flags.policyPackConfig,
                invokesFile: flags.invokes,
                output,
                packCallTimeoutMs: packTimeoutMs(flags.packTimeout),
            }),
        );
    });
    program
        .command("graph")
        .description(
            "Draw who can reach whom: effective ingress between security groups, the Internet and peers",
        )
        .argument("[PROJECT_DIR]", "directory holding Pulumi.yaml (default: .)")
        .option("--invokes <FILE>", INVOKES_HELP)
        .option("--stack <NAME>", "stack whose Pulumi.<stack>.yaml config the program sees (default: dev)")
        .option(
            "--config <KEY=VALUE>",
            "stack config value, overriding Pulumi.<stack>.yaml (repeatable)",
            collect,
            [],
        )
        .addOption(new Option("--format <FORMAT>", "graph format").choices(GRAPH_FORMATS).default("mermaid"))
        .option("--out <FILE>", "write the graph to FILE instead of stdout")
        .option(
            "--config-file <FILE>",
            "use the stack config in FILE rather than Pulumi.<stack>.yaml, as pulumi preview --config-file",
        )
        .option("--stack-export <FILE>", "draw what a pulumi stack export holds instead of running a program")
        .option("--aliyun <DIR>", "draw an account from aliyun CLI responses instead of running a program")
        .action(async (projectDir: string | undefined, flags: GraphFlags) => {
            if (flags.out) {
                checkOutFile(flags.out);
            }
            const deployed = flags.stackExport !== undefined || flags.aliyun !== undefined;
            const programGiven =
                projectDir !== undefined ||
                flags.stack !== undefined ||
                flags.config.length > 0 ||
                flags.configFile !== undefined ||
                flags.invokes !== undefined;
            if (deployed && programGiven) {
                throw new GateError(
                    "arguments",
                    "graph draws a program (PROJECT_DIR, --stack, --config) or what is deployed " +
                        "(--stack-export or --aliyun), not both",
                );
            }
            let stackGraph: StackGraph;
            try {
                stackGraph = deployed
                    ? graphAuditSource({ stackExport: flags.stackExport, aliyun: flags.aliyun, output })
                    : await graphProject({
                          projectDir: projectDir ?? ".",
                          stack: flags.stack,
                          config: flags.config,
                          configFile: flags.configFile,
                          secretConfig: secretConfigFromEnvironment(),
                          output,
                          invokesFile: flags.invokes,
                      });
            } catch (err) {
                // As a report does on exit 2: the refusal in the asked format, never a stale or missing file.
                if (err instanceof GateError && (flags.out || flags.format === "json")) {
                    const document = await renderGraphError(err, flags.format, projectDir ?? ".");
                    output.document(document, { out: flags.out });
                }
                throw err;
            }
            output.document(await renderGraph(stackGraph, flags.format, output.secrets), { out: flags.out });
        });
    withPackTimeout(
        withReport(
            withPacks(
                program
                    .command("audit")
                    .description(
                        "Run the policy packs over what is deployed: a pulumi stack export or an account's aliyun CLI responses",
                    )
                    .option("--stack-export <FILE>", "the output of pulumi stack export (versions 3 and 4)")
                    .option(
                        "--aliyun <DIR>",
                        "a directory of aliyun CLI responses (README: Audit what is deployed)",
                    ),
            ),
        ),
    ).action(async (flags: AuditFlags) => {
        exitCode = await report(output, flags, ".", () =>
            audit({
                stackExport: flags.stackExport,
                aliyun: flags.aliyun,
                policyPacks: flags.policyPack,
                policyPackConfigs: flags.policyPackConfig,
                output,
                packCallTimeoutMs: packTimeoutMs(flags.packTimeout),
            }),
        );
    });
    registerReviewCommands(program, {
        argv,
        output,
        packTimeoutMs,
        setExitCode: (code) => (exitCode = code),
    });
    program
        .command("new")
        .description(
            "Make a project from one of the package's templates, depending on this copy of alicloud-secure-groups",
        )
        .argument("<TEMPLATE>", "three-tier or tiers-from-config")
        .argument("[DIR]", "a new or empty directory", ".")
        .option("--name <NAME>", "project name (default: the directory's name)")
        .option("--description <TEXT>", "project description")
        .option("--stack <NAME>", "stack whose Pulumi.<stack>.yaml receives the config (default: dev)")
        .option(
            "--config <KEY=VALUE>",
            "answer to a template prompt, e.g. vpcId=vpc-... (repeatable)",
            collect,
            [],
        )
        .action((template: string, dir: string, flags: NewFlags) => {
            const made = newProject({ template, dir, ...flags });
            const where = path.relative(process.cwd(), made.dir) || ".";
            output.document(
                `Created ${made.name} from the ${template} template in ${where} ` +
                    `(alicloud-secure-groups: ${made.dependency}). Next:\n` +
                    `    cd ${where} && npm install && npx alicloud-sg preview\n`,
            );
        });
    try {
        await program.parseAsync([...argv], { from: "user" });
        return exitCode;
    } catch (err) {
        if (err instanceof CommanderError) {
            return err.exitCode === 0 ? 0 : EXIT_BAD_INPUT;
        }
        const message = err instanceof GateError ? err.message : `unexpected error: ${errorMessage(err)}`;
        output.diagnostic(`alicloud-sg: ${message}\n`);
        return EXIT_BAD_INPUT;
    }
}

if (require.main === module) {
    main(process.argv.slice(2)).then(
        (code) => {
            process.exitCode = code;
        },
        (err) => {
            process.stderr.write(`alicloud-sg: ${errorMessage(err)}\n`);
            process.exitCode = EXIT_BAD_INPUT;
        },
    );
}
