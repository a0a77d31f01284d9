using AmiAudit.Core.Policies;

namespace AmiAudit.Core.Tests.Policy;

public sealed class PolicyLoaderErrorTests
{
    // Positions below were read off these texts (1-based line:col of the offending token), not off the loader.
    private const string FileA = """
        apiVersion: amiaudit/v1
        kind: Policy
        metadata:
          name: broken-a
        rules:
          - id: DUP-001
            title: unknown operator and a bad regex
            severity: high
            for: systemd.units
            where: { name: { equalz: ecs.service } }
            expect: { unitFileState: { matches: "([a-z" } }
          - id: A-002
            title: unknown severity and collection, a non-numeric bound
            severity: urgent
            for: systemd.unitz
            expect: { unitFileState: { lt: five } }
          - id: A-003
            title: unknown field and an unknown var
            severity: low
            for: containers
            expect: { restartPolicyy: { equals: always }, image: { in: "${vars.nope}" } }
        """;

    private const string FileB = """
        apiVersion: amiaudit/v1
        kind: Policy
        metadata:
          name: broken-b
        rules:
          - id: DUP-001
            title: [not, a, string]
            severity: low
            for: containers
            expect: { restartPolicy: { notEquals: always } }
            colour: blue
        """;

    private const string FileC = """
        apiVersion: amiaudit/v1
        kind: Policy
        rules:
          - id: C-001
            title: "unterminated
        """;

    private static PolicyLoadResult LoadAll() => PolicyLoader.Load(
        [new PolicySource("a.yaml", FileA), new PolicySource("b.yaml", FileB), new PolicySource("c.yaml", FileC)], null);

    [Fact]
    public void Every_error_of_every_file_is_reported_in_one_run_with_line_and_column()
    {
        var errors = LoadAll().Errors;
        var located = errors.Select(e => $"{e.File}:{e.Line}:{e.Column}: {e.Code}").ToList();
        located.ShouldBe(
        [
            "a.yaml:10:22: unknown-operator",
            "a.yaml:11:41: bad-regex",
            "a.yaml:14:15: unknown-severity",
            "a.yaml:15:10: unknown-collection",
            "a.yaml:16:36: bad-argument",
            "a.yaml:21:15: unknown-field",
            "a.yaml:21:64: unknown-var",
            "b.yaml:6:9: duplicate-id",
            "b.yaml:7:12: schema",
            "b.yaml:11:5: schema",
            "c.yaml:5:12: yaml-syntax",
        ], string.Join("\n", errors));
    }

    [Fact]
    public void Messages_name_the_problem()
    {
        var errors = LoadAll().Errors;
        string At(string file, int line, int col) => errors.Single(e => e.File == file && e.Line == line && e.Column == col).Message;

        At("a.yaml", 10, 22).ShouldStartWith("unknown operator 'equalz' on 'name'");
        At("a.yaml", 11, 41).ShouldContain("invalid regular expression \"([a-z\"");
        At("a.yaml", 14, 15).ShouldBe("unknown severity 'urgent' (one of: info, low, medium, high, critical)");
        At("a.yaml", 15, 10).ShouldContain("no field 'unitz'");
        At("a.yaml", 16, 36).ShouldBe("lt: expects a number");
        At("a.yaml", 21, 15).ShouldContain("ContainerFact has no field 'restartPolicyy'");
        At("a.yaml", 21, 64).ShouldStartWith("unknown var 'nope'");
        At("b.yaml", 6, 9).ShouldBe("rule id 'DUP-001' is already defined at a.yaml:6");
        At("b.yaml", 7, 12).ShouldBe("rules[0].title: expected a string");
        At("b.yaml", 11, 5).ShouldStartWith("unknown key 'colour' (allowed: ");
        At("c.yaml", 5, 12).ShouldContain("quoted scalar");
    }

    [Fact]
    public void ToString_is_file_line_col_code_message()
    {
        new PolicyError("p.yaml", 3, 7, "bad-regex", "matches: invalid").ToString().ShouldBe("p.yaml:3:7: bad-regex: matches: invalid");
    }

    [Fact]
    public void Broken_rules_are_dropped_but_good_files_still_load()
    {
        var good = PolicyTestSupport.OneRule("""
                for: containers
                expect: { restartPolicy: { notEquals: always } }
            """);
        var result = PolicyLoader.Load([new PolicySource("good.yaml", good), new PolicySource("c.yaml", FileC)], null);
        result.Errors.Count.ShouldBe(1);
        result.Policies.Single().Rules.Single().Id.ShouldBe("T-001");
    }

    [Fact]
    public void Missing_required_keys_and_wrong_kind_are_schema_errors_at_the_enclosing_node()
    {
        const string text = """
            apiVersion: amiaudit/v2
            kind: Policy
            metadata:
              name: x
            rules:
              - id: R-1
                title: no severity, no for, no expect
            """;
        var errors = PolicyLoader.Load([new PolicySource("m.yaml", text)], null).Errors;
        var lines = errors.Select(e => $"{e.Line}:{e.Column}: {e.Code}: {e.Message}").ToList();
        lines.ShouldContain("1:13: schema: apiVersion: must be one of: amiaudit/v1");
        lines.ShouldContain("6:5: missing-key: missing required key 'severity'");
        lines.ShouldContain("6:5: missing-key: missing required key 'for'");
        lines.ShouldContain("6:5: missing-key: rule 'R-1' needs 'expect' (judge each item) or 'count' (bound the number of items), or both");
    }

    [Fact]
    public void A_var_override_for_an_undeclared_var_is_an_error()
    {
        var text = PolicyTestSupport.OneRule("""
                for: containers
                expect: { restartPolicy: { notEquals: always } }
            """);
        var result = PolicyLoader.Load([new PolicySource("v.yaml", text)], new Dictionary<string, string> { ["kubeletUrlAlowList"] = "x" });
        result.Errors.Single().Code.ShouldBe(PolicyErrorCodes.UnknownVar);
        result.Errors.Single().Message.ShouldContain("kubeletUrlAlowList");
    }

    [Fact]
    public void A_regex_from_a_var_is_compiled_at_load_and_located_at_the_reference()
    {
        var text = PolicyTestSupport.OneRule("""
                for: bootstrap.urls
                expect: { normalized: { matches: "${vars.allow}" } }
            """, vars: "vars:\n  allow: ['^https://ok/', '(unclosed']");
        var errors = PolicyLoader.Load([new PolicySource("r.yaml", text)], null).Errors;
        var e = errors.Single();
        e.Code.ShouldBe(PolicyErrorCodes.BadRegex);
        // line 12 of the rendered document: "    expect: { normalized: { matches: "${vars.allow}" } }"
        (e.Line, e.Column).ShouldBe((12, 38));
    }

    [Fact]
    public void Named_binary_paths_are_exposed_for_the_collector()
    {
        var result = PolicyTestSupport.LoadOk(PolicyTestSupport.OneRule("""
                for: binaries
                where: { path: { in: [/usr/bin/kubelet, /usr/local/bin/nodeadm] } }
                expect: { sha256: { in: [abc] } }
            """));
        result.NamedPaths.ShouldBe(["/usr/bin/kubelet", "/usr/local/bin/nodeadm"]);
    }
}
