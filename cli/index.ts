import { Command, CommanderError, Option } from "commander";
import { GateError, errorMessage } from "../engine/errors";
import { GRAPH_FORMATS, graphProject, renderGraph, type GraphFormat } from "../engine/graph";
import { checkOutFile, GateOutput } from "../engine/output";
import { secretConfigFromEnvironment } from "../engine/project";
import { DEFAULT_PACK_CALL_TIMEOUT_MS } from "../engine/policyPack";
import {
    MOCK_LIMITATIONS,
    preview,
    renderErrorReport,
    renderReport,
    REPORT_FORMATS,
    toolVersion,
    type ReportFormat,
} from "../engine/preview";

/** DESIGN §3: 2 when the program, the pack, the config or the arguments are bad. */
export const EXIT_BAD_INPUT = 2;

function collect(value: string, previous: string[]): string[] {
    return [...previous, value];
}

interface PreviewFlags {
    policyPack: string[];
    policyPackConfig: string[];
    stack?: string;
    config: string[];
    configFile?: string;
    format: ReportFormat;
    out?: string;
    packTimeout?: string;
}

interface GraphFlags {
    stack?: string;
    config: string[];
    configFile?: string;
    format: GraphFormat;
    out?: string;
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
    program
        .command("preview")
        .description(
            "Run a Pulumi program under the SDK's mock runtime and its policy packs over the analyzer protocol",
        )
        .argument("[PROJECT_DIR]", "directory holding Pulumi.yaml", ".")
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
        )
        .option("--stack <NAME>", "stack whose Pulumi.<stack>.yaml config the program sees (default: dev)")
        .option(
            "--config <KEY=VALUE>",
            "stack config value, overriding Pulumi.<stack>.yaml (repeatable)",
            collect,
            [],
        )
        .addOption(new Option("--format <FORMAT>", "report format").choices(REPORT_FORMATS).default("text"))
        .option("--out <FILE>", "write the report to FILE instead of stdout")
        .option(
            "--config-file <FILE>",
            "use the stack config in FILE rather than Pulumi.<stack>.yaml, as pulumi preview --config-file",
        )
        .option(
            "--pack-timeout <SECONDS>",
            `how long a policy pack may take to answer one call (default ${DEFAULT_PACK_CALL_TIMEOUT_MS / 1000}; env ${PACK_TIMEOUT_ENV})`,
        )
        .action(async (projectDir: string, flags: PreviewFlags) => {
            // Before the run, so that a run of minutes cannot end with its report lost.
            if (flags.out) {
                checkOutFile(flags.out);
            }
            try {
                const result = await preview({
                    projectDir,
                    stack: flags.stack,
                    config: flags.config,
                    configFile: flags.configFile,
                    secretConfig: secretConfigFromEnvironment(),
                    policyPacks: flags.policyPack,
                    policyPackConfigs: flags.policyPackConfig,
                    output,
                    packCallTimeoutMs: packTimeoutMs(flags.packTimeout),
                });
                const color =
                    !flags.out &&
                    flags.format === "text" &&
                    process.stdout.isTTY === true &&
                    !process.env.NO_COLOR;
                output.document(renderReport(result.report, flags.format, color), { out: flags.out, color });
                if (flags.format !== "text") {
                    output.diagnostic(`note: ${MOCK_LIMITATIONS}\n`);
                }
                exitCode = result.exitCode;
            } catch (err) {
                // Exit 2 still writes the requested report, so CI has something to upload and annotate; a text
                // report on a terminal would only repeat the message on stderr.
                if (err instanceof GateError && (flags.out || flags.format !== "text")) {
                    output.document(renderErrorReport(err, flags.format, projectDir), { out: flags.out });
                }
                throw err;
            }
        });
    program
        .command("graph")
        .description(
            "Draw who can reach whom: effective ingress between security groups, the Internet and peers",
        )
        .argument("[PROJECT_DIR]", "directory holding Pulumi.yaml", ".")
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
        .action(async (projectDir: string, flags: GraphFlags) => {
            if (flags.out) {
                checkOutFile(flags.out);
            }
            const stackGraph = await graphProject({
                projectDir,
                stack: flags.stack,
                config: flags.config,
                configFile: flags.configFile,
                secretConfig: secretConfigFromEnvironment(),
                output,
            });
            output.document(await renderGraph(stackGraph, flags.format), { out: flags.out });
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
