import { GateError } from "../errors";
import type { GateOutput } from "../output";
import { diffSides, type DiffDocument } from "./diff";
import { explainSide, portOf, type ExplainDocument, type ExplainRequest } from "./explain";
import { loadSide, projectDirOf, type LoadedSide, type SideSpec } from "./sides";

export {
    DIFF_FORMATS,
    renderDiffJson,
    renderDiffMarkdown,
    renderDiffText,
    type DiffFormat,
} from "./renderDiff";
export { EXPLAIN_PROTOCOLS, renderExplainJson, renderExplainText, type ExplainProtocol } from "./explain";
export type { DiffDocument, ExplainDocument };

interface ReviewOptions {
    readonly stack?: string;
    readonly config?: readonly string[];
    readonly secretConfig?: Readonly<Record<string, unknown>>;
    readonly output?: GateOutput;
}

export interface DiffOptions extends ReviewOptions {
    readonly sides: readonly SideSpec[];
    readonly policyPacks?: readonly string[];
    readonly policyPackConfigs?: readonly string[];
    readonly packCallTimeoutMs?: number;
}

export interface Reviewed<T> {
    readonly document: T;
    /** What the sides could not know, once each. */
    readonly limitations: readonly string[];
}

function limitationsOf(sides: readonly LoadedSide[]): string[] {
    return [...new Set(sides.map((side) => side.limitations))];
}

/**
 * `alicloud-sg diff BASE HEAD`: both sides loaded at once, each run with the policy packs as `preview` runs them,
 * then compared. A failure names its side; when both fail, BASE's is reported.
 */
export async function diff(options: DiffOptions): Promise<Reviewed<DiffDocument>> {
    if (options.sides.length !== 2) {
        throw new GateError(
            "arguments",
            `diff compares two sides, BASE and HEAD (a project directory, git:REF, --stack-export FILE or --aliyun DIR each); got ${options.sides.length}`,
        );
    }
    const [baseSpec, headSpec] = options.sides;
    const packs = {
        policyPacks: options.policyPacks,
        policyPackConfigs: options.policyPackConfigs,
        packCallTimeoutMs: options.packCallTimeoutMs,
    };
    const common = {
        stack: options.stack,
        config: options.config,
        secretConfig: options.secretConfig,
        output: options.output,
        packs,
    };
    // git:REF alone checks out the other side's project directory.
    const loaded = await Promise.allSettled([
        loadSide("BASE", baseSpec, { ...common, gitProjectDir: projectDirOf(headSpec) }),
        loadSide("HEAD", headSpec, { ...common, gitProjectDir: projectDirOf(baseSpec) }),
    ]);
    const failed = loaded.find((result) => result.status === "rejected");
    if (failed) {
        throw failed.reason;
    }
    const [base, head] = loaded.map((result) => (result as PromiseFulfilledResult<LoadedSide>).value);
    return { document: diffSides(base, head), limitations: limitationsOf([base, head]) };
}

export interface ExplainOptions extends ReviewOptions, ExplainRequest {
    readonly sides: readonly SideSpec[];
}

/** `alicloud-sg explain TARGET --to NODE --port N`: the target loaded (no policy pack needed), then explained. */
export async function explain(options: ExplainOptions): Promise<Reviewed<ExplainDocument>> {
    if (options.sides.length !== 1) {
        throw new GateError(
            "arguments",
            `explain reads one TARGET (a project directory, git:REF, --stack-export FILE or --aliyun DIR); got ${options.sides.length}`,
        );
    }
    // A bad port is said at once, not after the program has run.
    portOf(options.port, options.protocol);
    const side = await loadSide("TARGET", options.sides[0], {
        stack: options.stack,
        config: options.config,
        secretConfig: options.secretConfig,
        output: options.output,
    });
    try {
        return { document: explainSide(side, options), limitations: limitationsOf([side]) };
    } catch (err) {
        if (err instanceof GateError) {
            throw new GateError(err.kind, `TARGET ${side.label}: ${err.message}`, err.source);
        }
        throw err;
    }
}
