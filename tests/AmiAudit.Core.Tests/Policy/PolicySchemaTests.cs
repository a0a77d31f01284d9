using AmiAudit.Core.Policies;
using AmiAudit.Core.Policies.Operators;

namespace AmiAudit.Core.Tests.Policy;

public sealed class PolicySchemaTests
{
    [Fact]
    public void Committed_policies_schema_json_is_current()
    {
        var path = Path.Combine(PolicyTestSupport.RepoRoot, "policies.schema.json");
        var generated = PolicySchema.Generate();
        if (Environment.GetEnvironmentVariable("AMIAUDIT_UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(path, generated);
            return;
        }
        File.Exists(path).ShouldBeTrue("policies.schema.json is missing; run the tests with AMIAUDIT_UPDATE_GOLDEN=1");
        File.ReadAllText(path).ShouldBe(generated, "policies.schema.json is stale; regenerate with AMIAUDIT_UPDATE_GOLDEN=1");
    }

    [Fact]
    public void Schema_lists_every_registered_operator_and_severity()
    {
        var schema = System.Text.Json.Nodes.JsonNode.Parse(PolicySchema.Generate())!;
        var ops = schema["definitions"]!["operators"]!["properties"]!.AsObject().Select(p => p.Key).ToList();
        ops.ShouldBe(OperatorRegistry.Names.ToList());
        ops.ShouldBe(["contains", "containsAny", "count", "equals", "exists", "gt", "gte", "in", "isEmpty", "lt", "lte",
            "matches", "notEquals", "notIn", "notMatches", "startsWith"]);
        schema["definitions"]!["rule"]!["properties"]!["severity"]!["enum"]!.AsArray().Select(x => (string)x!)
            .ShouldBe(["info", "low", "medium", "high", "critical"]);
    }

    [Fact]
    public void Generation_is_deterministic()
    {
        PolicySchema.Generate().ShouldBe(PolicySchema.Generate());
        PolicySchema.Generate().ShouldEndWith("}\n");
    }
}

public sealed class PolicyDocsTests
{
    [Fact]
    public void Policy_language_doc_has_a_section_for_every_operator()
    {
        var doc = File.ReadAllText(Path.Combine(PolicyTestSupport.RepoRoot, "docs", "policy-language.md"));
        foreach (var name in OperatorRegistry.Names)
            doc.ShouldContain($"`{name}`", customMessage: $"docs/policy-language.md does not document operator '{name}'");
        foreach (var key in new[] { "id", "title", "severity", "rationale", "remediation", "for", "where", "expect", "count", "when", "subject", "location", "examples", "tags", "vars" })
            doc.ShouldContain($"| `{key}`", customMessage: $"docs/policy-language.md does not document key '{key}'");
    }
}
