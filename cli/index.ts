import { Command, CommanderError, Option } from "commander";
import * as fs from "fs";
import { audit, graphAuditSource } from "../engine/audit";
import { GateError, errorMessage } from "../engine/errors";
import { GRAPH_FORMATS, graphProject, renderGraph, type GraphFormat } from "../engine/graph";
import {
    preview,
    renderReport,
    REPORT_FORMATS,
    toolVersion,
    type PreviewResult,
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
    format: ReportFormat;
    out?: string;
}

interface GraphFlags {
    stack?: string;
    config: string[];
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

function writeOutput(output: string, out: string | undefined): void {
    if (out) {
        fs.writeFileSync(out, output);
    } else {
        process.stdout.write(output);
    }
}

/** Writes a `preview` or `audit` report as asked, and says what the gate could not know; the exit status. */
function emitReport(result: PreviewResult, flags: { format: ReportFormat; out?: string }): number {
    const color =
        !flags.out && flags.format === "text" && process.stdout.isTTY === true && !process.env.NO_COLOR;
    writeOutput(renderReport(result.report, flags.format, color), flags.out);
    if (flags.format !== "text") {
        process.stderr.write(`note: ${result.report.origin.limitations}\n`);
    }
    return result.exitCode;
}

/** Parses `argv` (without node and script), runs the command and resolves to its exit status. */
export async function main(argv: readonly string[]): Promise<number> {
    let exitCode = 0;
    const program = new Command("alicloud-sg")
        .description("Offline Pulumi policy gate for Alibaba Cloud security groups")
        .version(toolVersion())
        .exitOverride()
        .showHelpAfterError();
    withPacks(
        program
            .command("preview")
            .description(
                "Run a Pulumi program under the SDK's mock runtime and its policy packs over the analyzer protocol",
            )
            .argument("[PROJECT_DIR]", "directory holding Pulumi.yaml", "."),
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
        .action(async (projectDir: string, flags: PreviewFlags) => {
            const result = await preview({
                projectDir,
                stack: flags.stack,
                config: flags.config,
                policyPacks: flags.policyPack,
                policyPackConfigs: flags.policyPackConfig,
            });
            exitCode = emitReport(result, flags);
        });
    program
        .command("graph")
        .description(
            "Draw who can reach whom: effective ingress between security groups, the Internet and peers",
        )
        .argument("[PROJECT_DIR]", "directory holding Pulumi.yaml (default: .)")
        .option("--stack <NAME>", "stack whose Pulumi.<stack>.yaml config the program sees (default: dev)")
        .option(
            "--config <KEY=VALUE>",
            "stack config value, overriding Pulumi.<stack>.yaml (repeatable)",
            collect,
            [],
        )
        .addOption(new Option("--format <FORMAT>", "graph format").choices(GRAPH_FORMATS).default("mermaid"))
        .option("--out <FILE>", "write the graph to FILE instead of stdout")
        .option("--stack-export <FILE>", "draw what a pulumi stack export holds instead of running a program")
        .option("--aliyun <DIR>", "draw an account from aliyun CLI responses instead of running a program")
        .action(async (projectDir: string | undefined, flags: GraphFlags) => {
            const deployed = flags.stackExport !== undefined || flags.aliyun !== undefined;
            if (
                deployed &&
                (projectDir !== undefined || flags.stack !== undefined || flags.config.length > 0)
            ) {
                throw new GateError(
                    "arguments",
                    "graph draws a program (PROJECT_DIR, --stack, --config) or what is deployed " +
                        "(--stack-export or --aliyun), not both",
                );
            }
            const stackGraph = deployed
                ? graphAuditSource({ stackExport: flags.stackExport, aliyun: flags.aliyun })
                : await graphProject({
                      projectDir: projectDir ?? ".",
                      stack: flags.stack,
                      config: flags.config,
                  });
            writeOutput(await renderGraph(stackGraph, flags.format), flags.out);
        });
    withPacks(
        program
            .command("audit")
            .description(
                "Run the policy packs over what is deployed: a pulumi stack export or an account's aliyun CLI responses",
            ),
    )
        .option("--stack-export <FILE>", "the output of pulumi stack export (versions 3 and 4)")
        .option("--aliyun <DIR>", "a directory of aliyun CLI responses (README: Audit what is deployed)")
        .addOption(new Option("--format <FORMAT>", "report format").choices(REPORT_FORMATS).default("text"))
        .option("--out <FILE>", "write the report to FILE instead of stdout")
        .action(async (flags: AuditFlags) => {
            const result = await audit({
                stackExport: flags.stackExport,
                aliyun: flags.aliyun,
                policyPacks: flags.policyPack,
                policyPackConfigs: flags.policyPackConfig,
            });
            exitCode = emitReport(result, flags);
        });
    try {
        await program.parseAsync([...argv], { from: "user" });
        return exitCode;
    } catch (err) {
        if (err instanceof CommanderError) {
            return err.exitCode === 0 ? 0 : EXIT_BAD_INPUT;
        }
        const message = err instanceof GateError ? err.message : `unexpected error: ${errorMessage(err)}`;
        process.stderr.write(`alicloud-sg: ${message}\n`);
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
