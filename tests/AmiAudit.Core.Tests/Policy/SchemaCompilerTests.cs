using AmiAudit.Core.Policies;
using AmiAudit.Core.Policies.Loading;

namespace AmiAudit.Core.Tests.Policy;

/// <summary>The loader builds NJsonSchema objects directly (fast start-up); this proves they validate
/// exactly like NJsonSchema's own parse of the same generated text.</summary>
public sealed class SchemaCompilerTests
{
    private const string Bad = """
        apiVersion: amiaudit/v2
        kind: Polizy
        extra: 1
        metadata:
          name: ""
        vars:
          a: [1, [2]]
        rules:
          - id: 9bad
            title: [x]
            severity: urgent
            for: systemd.units
            where: { name: { in: 3, equalz: 1 }, all: [] }
            expect: { n: { count: { min: -1, least: 2 } }, not: [] }
            count: { max: "x" }
            examples: { pass: [1], maybe: [] }
            tags: [1]
          - {}
        """;

    [Fact]
    public async Task Compiled_schema_reports_the_same_errors_as_NJsonSchema_parsing_the_text()
    {
        var text = PolicySchema.Generate();
        var reference = await NJsonSchema.JsonSchema.FromJsonAsync(text);
        var compiled = SchemaCompiler.Compile(text);
        var (docs, syntax) = YamlDocumentReader.Read(new PolicySource("bad.yaml", Bad));
        syntax.ShouldBeNull();

        var expected = SchemaValidation.Validate(reference, docs[0], "bad.yaml").Select(e => e.ToString()).Order(StringComparer.Ordinal).ToList();
        var actual = SchemaValidation.Validate(compiled, docs[0], "bad.yaml").Select(e => e.ToString()).Order(StringComparer.Ordinal).ToList();
        expected.Count.ShouldBeGreaterThan(15);
        actual.ShouldBe(expected);
    }

    [Fact]
    public async Task Waiver_schema_compiles_the_same_way()
    {
        var text = WaiverSchema.Generate();
        var reference = await NJsonSchema.JsonSchema.FromJsonAsync(text);
        var compiled = SchemaCompiler.Compile(text);
        var (docs, _) = YamlDocumentReader.Read(new PolicySource("w.yaml", "apiVersion: x\nkind: Waivers\nwaivers:\n  - { rule: '', expires: 2025-1-1, x: 1 }\n"));
        SchemaValidation.Validate(compiled, docs[0], "w.yaml").Select(e => e.ToString())
            .ShouldBe(SchemaValidation.Validate(reference, docs[0], "w.yaml").Select(e => e.ToString()));
    }
}
