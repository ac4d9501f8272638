import { Command, Option } from "commander";
import { GateError } from "../engine/errors";
import { checkOutFile, type GateOutput } from "../engine/output";
import { renderErrorReport } from "../engine/preview";
import { secretConfigFromEnvironment } from "../engine/project";
import { sourceLabel } from "../engine/report";
import {
    diff,
    DIFF_FORMATS,
    explain,
    EXPLAIN_PROTOCOLS,
    renderDiffJson,
    renderDiffMarkdown,
    renderDiffText,
    renderExplainJson,
    renderExplainText,
    type DiffFormat,
    type ExplainProtocol,
} from "../engine/review";
import { markdownText } from "../engine/review/markdownText";
import { orderedSides } from "./sides";

/** What the review commands share with the rest of the command. */
export interface ReviewContext {
    /** The whole command line, to read the order of the sides from. */
    readonly argv: readonly string[];
    readonly output: GateOutput;
    readonly packTimeoutMs: (flag: string | undefined) => number;
    readonly setExitCode: (code: number) => void;
}

function collect(value: string, previous: string[]): string[] {
    return [...previous, value];
}

interface SideFlags {
    stack?: string;
    config: string[];
    stackExport: string[];
    aliyun: string[];
}

interface DiffFlags extends SideFlags {
    format: DiffFormat;
    out?: string;
    policyPack: string[];
    policyPackConfig: string[];
    packTimeout?: string;
}

interface ExplainFlags extends SideFlags {
    to: string;
    port: string;
    protocol: ExplainProtocol;
    from?: string;
    format: "text" | "json";
}

/** The options every side takes: the program's stack and config, and the deployed sources as `audit` spells them. */
function sideOptions(command: Command): Command {
    return command
        .option("--stack <NAME>", "stack whose Pulumi.<stack>.yaml config each program sees (default: dev)")
        .option("--config <KEY=VALUE>", "stack config value for each program (repeatable)", collect, [])
        .option(
            "--stack-export <FILE>",
            "a side read from `pulumi stack export` output, in its place among the sides",
            collect,
            [],
        )
        .option(
            "--aliyun <DIR>",
            "a side read from aliyun CLI responses, in its place among the sides",
            collect,
            [],
        );
}

/** The tokens after the subcommand's name. */
function tokensAfter(argv: readonly string[], name: string): string[] {
    const at = argv.indexOf(name);
    return at < 0 ? [] : argv.slice(at + 1);
}

/** What a run that cannot compare writes in the requested format (exit 2), so CI still has something to post. */
function errorDocument(error: GateError, format: DiffFormat | "text" | "json", command: string): string {
    if (format === "markdown") {
        const at = error.source ? ` (${sourceLabel(error.source, process.cwd())})` : "";
        return `❌ **alicloud-sg ${command}** could not compare: ${markdownText(error.message)}${markdownText(at)}\n`;
    }
    return renderErrorReport(error, format, process.cwd());
}

export function registerReviewCommands(program: Command, context: ReviewContext): void {
    const diffCommand = sideOptions(
        program
            .command("diff")
            .description(
                "Compare what BASE and HEAD let in (effective access edge by edge, members, policy findings); exit 1 when HEAD opens something new to the open Internet or adds a mandatory finding",
            )
            .argument(
                "[BASE]",
                "a project directory or git:REF (or --stack-export FILE / --aliyun DIR in its place)",
            )
            .argument(
                "[HEAD]",
                "a project directory or git:REF (or --stack-export FILE / --aliyun DIR in its place)",
            ),
    )
        .addOption(new Option("--format <FORMAT>", "report format").choices(DIFF_FORMATS).default("text"))
        .option("--out <FILE>", "write the report to FILE instead of stdout")
        .option(
            "--policy-pack <DIR>",
            "policy pack directory run on both sides (repeatable; default: the bundled pack)",
            collect,
            [],
        )
        .option(
            "--policy-pack-config <FILE>",
            "policy config JSON, as for pulumi preview (repeatable)",
            collect,
            [],
        )
        .option("--pack-timeout <SECONDS>", "how long a policy pack may take to answer one call");
    diffCommand.action(async (_base: string | undefined, _head: string | undefined, flags: DiffFlags) => {
        if (flags.out) {
            checkOutFile(flags.out);
        }
        try {
            const sides = orderedSides(diffCommand, tokensAfter(context.argv, "diff"));
            const { document, limitations } = await diff({
                sides,
                stack: flags.stack,
                config: flags.config,
                secretConfig: secretConfigFromEnvironment(),
                output: context.output,
                policyPacks: flags.policyPack,
                policyPackConfigs: flags.policyPackConfig,
                packCallTimeoutMs: context.packTimeoutMs(flags.packTimeout),
            });
            const rendered =
                flags.format === "json"
                    ? renderDiffJson(document)
                    : flags.format === "markdown"
                      ? renderDiffMarkdown(document, limitations)
                      : renderDiffText(document, limitations);
            context.output.document(rendered, { out: flags.out });
            if (flags.format === "json") {
                limitations.forEach((note) => context.output.diagnostic(`note: ${note}\n`));
            }
            context.setExitCode(document.summary.exitCode);
        } catch (err) {
            if (err instanceof GateError && (flags.out || flags.format !== "text")) {
                context.output.document(errorDocument(err, flags.format, "diff"), { out: flags.out });
            }
            throw err;
        }
    });

    const explainCommand = sideOptions(
        program
            .command("explain")
            .description(
                "Explain why a peer can or cannot reach a node on a port: every matching rule of its pooled groups in evaluation order, and the one that decides",
            )
            .argument(
                "[TARGET]",
                "a project directory or git:REF (or --stack-export FILE / --aliyun DIR in its place)",
            ),
    )
        .requiredOption(
            "--to <NODE>",
            "the security group, instance or other member (logical name, URN or id)",
        )
        .requiredOption("--port <N>", "the destination port")
        .addOption(
            new Option("--protocol <PROTOCOL>", "the packet's protocol")
                .choices(EXPLAIN_PROTOCOLS)
                .default("tcp"),
        )
        .option(
            "--from <PEER>",
            "the source: an address or CIDR block, a security group (name, URN or id) or a prefix list id; every peer when absent",
        )
        .addOption(
            new Option("--format <FORMAT>", "output format").choices(["text", "json"]).default("text"),
        );
    explainCommand.action(async (_target: string | undefined, flags: ExplainFlags) => {
        try {
            const sides = orderedSides(explainCommand, tokensAfter(context.argv, "explain"));
            const { document, limitations } = await explain({
                sides,
                stack: flags.stack,
                config: flags.config,
                secretConfig: secretConfigFromEnvironment(),
                output: context.output,
                to: flags.to,
                port: flags.port,
                protocol: flags.protocol,
                from: flags.from,
            });
            context.output.document(
                flags.format === "json"
                    ? renderExplainJson(document)
                    : renderExplainText(document, limitations),
            );
            if (flags.format === "json") {
                limitations.forEach((note) => context.output.diagnostic(`note: ${note}\n`));
            }
        } catch (err) {
            if (err instanceof GateError && flags.format === "json") {
                context.output.document(errorDocument(err, "json", "explain"));
            }
            throw err;
        }
    });
}
