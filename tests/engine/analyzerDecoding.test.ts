import * as assert from "assert";
import fc from "fast-check";
import type * as analyzerPbTypes from "@pulumi/pulumi/proto/analyzer_pb";
import { decodeAnalyzeResponse } from "../../engine/analyzerDecoding";
import { loadSdk } from "../../engine/sdk";

interface Diagnostic {
    policyName: string;
    policyPackName: string;
    policyPackVersion: string;
    description: string;
    message: string;
    enforcementLevel: number;
    urn: string;
    severity: number;
}

const text = fc.string({ unit: "grapheme", maxLength: 40 });
const diagnostic: fc.Arbitrary<Diagnostic> = fc.record({
    policyName: text,
    policyPackName: text,
    policyPackVersion: text,
    description: text,
    message: fc.string({ unit: "binary", maxLength: 200 }),
    enforcementLevel: fc.integer({ min: 0, max: 4 }),
    urn: text,
    severity: fc.integer({ min: 0, max: 4 }),
});
const notApplicable = fc.record({ policyName: text, reason: text });

/** The response as a pack's `@pulumi/policy` builds it: the SDK's generated messages, `serializeBinary`. */
function referenceBytes(
    diagnostics: readonly Diagnostic[],
    entries: readonly { policyName: string; reason: string }[],
): Uint8Array {
    const { analyzerPb } = loadSdk();
    const response = new analyzerPb.AnalyzeResponse();
    for (const d of diagnostics) {
        const message = new analyzerPb.AnalyzeDiagnostic();
        message.setPolicyname(d.policyName);
        message.setPolicypackname(d.policyPackName);
        message.setPolicypackversion(d.policyPackVersion);
        message.setDescription(d.description);
        message.setMessage(d.message);
        message.setEnforcementlevel(d.enforcementLevel as analyzerPbTypes.EnforcementLevel);
        message.setUrn(d.urn);
        message.setSeverity(d.severity as analyzerPbTypes.PolicySeverity);
        response.addDiagnostics(message);
    }
    for (const entry of entries) {
        const message = new analyzerPb.PolicyNotApplicable();
        message.setPolicyName(entry.policyName);
        message.setReason(entry.reason);
        response.addNotApplicable(message);
    }
    return response.serializeBinary();
}

/** What the generated `deserializeBinary` reads from the same bytes, through its getters. */
function referenceDecoded(bytes: Uint8Array): unknown {
    const { analyzerPb } = loadSdk();
    const response = analyzerPb.AnalyzeResponse.deserializeBinary(bytes);
    return {
        diagnostics: response.getDiagnosticsList().map((d) => ({
            policyName: d.getPolicyname(),
            policyPackName: d.getPolicypackname(),
            policyPackVersion: d.getPolicypackversion(),
            description: d.getDescription(),
            message: d.getMessage(),
            enforcementLevel: d.getEnforcementlevel(),
            urn: d.getUrn(),
            severity: d.getSeverity(),
        })),
        notApplicable: response
            .getNotApplicableList()
            .map((entry) => ({ policyName: entry.getPolicyName(), reason: entry.getReason() })),
    };
}

describe("engine/analyzerDecoding: AnalyzeResponse read straight from its bytes", () => {
    it("reads every response as the SDK's generated message does", () => {
        fc.assert(
            fc.property(
                fc.array(diagnostic, { maxLength: 5 }),
                fc.array(notApplicable, { maxLength: 6 }),
                (diagnostics, entries) => {
                    const bytes = referenceBytes(diagnostics, entries);
                    const decoded = decodeAnalyzeResponse(bytes);
                    assert.deepStrictEqual(decoded, referenceDecoded(bytes));
                    assert.deepStrictEqual(decoded, {
                        diagnostics: diagnostics.map((d) => ({ ...d })),
                        notApplicable: entries.map((entry) => ({ ...entry })),
                    });
                },
            ),
            { numRuns: 500 },
        );
    });

    it("skips fields it does not know, at the top and inside a diagnostic, as the generated code does", () => {
        const { jspb } = loadSdk();
        const writer = new jspb.BinaryWriter();
        writer.writeString(1, "a field a newer engine might add at the top");
        writer.beginSubMessage(2);
        writer.writeString(1, "p");
        writer.writeString(6, "the retired field 6");
        writer.writeDouble(12, 1.5);
        writer.writeFixed32(13, 7);
        writer.writeEnum(7, 1);
        writer.endSubMessage(2);
        writer.writeInt64(40, 123456789012);
        writer.beginSubMessage(3);
        writer.writeString(1, "q");
        writer.writeString(2, "why");
        writer.writeBool(3, true);
        writer.endSubMessage(3);
        const bytes = writer.getResultBuffer();
        const decoded = decodeAnalyzeResponse(bytes);
        assert.deepStrictEqual(decoded, referenceDecoded(bytes));
        assert.deepStrictEqual(decoded, {
            diagnostics: [
                {
                    policyName: "p",
                    policyPackName: "",
                    policyPackVersion: "",
                    description: "",
                    message: "",
                    enforcementLevel: 1,
                    urn: "",
                    severity: 0,
                },
            ],
            notApplicable: [{ policyName: "q", reason: "why" }],
        });
    });

    it("reads an empty response as no diagnostics and nothing not applicable", () => {
        assert.deepStrictEqual(decodeAnalyzeResponse(new Uint8Array(0)), {
            diagnostics: [],
            notApplicable: [],
        });
    });
});
