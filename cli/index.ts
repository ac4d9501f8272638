import { Command, CommanderError, Option } from "commander";
import * as fs from "fs";
import * as path from "path";
import { GateError, errorMessage } from "../engine/errors";
import { GRAPH_FORMATS, graphProject, renderGraph, type GraphFormat } from "../engine/graph";
import { newProject } from "../engine/newProject";
import {
    MOCK_LIMITATIONS,
    preview,
    renderReport,
    REPORT_FORMATS,
    toolVersion,
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
    format: ReportFormat;
    out?: string;
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
    format: GraphFormat;
    out?: string;
}

/** Parses `argv` (without node and script), runs the command and resolves to its exit status. */
export async function main(argv: readonly string[]): Promise<number> {
    let exitCode = 0;
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
        .option("--invokes <FILE>", INVOKES_HELP)
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
                invokesFile: flags.invokes,
            });
            const color =
                !flags.out &&
                flags.format === "text" &&
                process.stdout.isTTY === true &&
                !process.env.NO_COLOR;
            const output = renderReport(result.report, flags.format, color);
            if (flags.out) {
                fs.writeFileSync(flags.out, output);
            } else {
                process.stdout.write(output);
            }
            if (flags.format !== "text") {
                process.stderr.write(`note: ${MOCK_LIMITATIONS}\n`);
            }
            exitCode = result.exitCode;
        });
    program
        .command("graph")
        .description(
            "Draw who can reach whom: effective ingress between security groups, the Internet and peers",
        )
        .argument("[PROJECT_DIR]", "directory holding Pulumi.yaml", ".")
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
        .action(async (projectDir: string, flags: GraphFlags) => {
            const stackGraph = await graphProject({
                projectDir,
                stack: flags.stack,
                config: flags.config,
                invokesFile: flags.invokes,
            });
            const output = await renderGraph(stackGraph, flags.format);
            if (flags.out) {
                fs.writeFileSync(flags.out, output);
            } else {
                process.stdout.write(output);
            }
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
            process.stdout.write(
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
