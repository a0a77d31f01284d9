using System.Text.Json.Nodes;
using AmiAudit.Core.Evaluation;
using AmiAudit.Core.Model;
using AmiAudit.Core.Policies.Loading;
using AmiAudit.Core.Policies.Operators;

namespace AmiAudit.Core.Policies;

/// <summary>
/// Compiles policy YAML into <see cref="Policy"/> objects. Pure: the CLI reads the files. Every
/// problem of every file is collected in one pass (YAML syntax, schema, operators, regexes, vars,
/// fields, collections, duplicate ids) so a user fixes them all after one run.
/// </summary>
public static class PolicyLoader
{
    /// <param name="varOverrides">name → "value" or "v1,v2" (a list var splits on commas; a string var takes the whole text).</param>
    public static PolicyLoadResult Load(IEnumerable<PolicySource> sources, IReadOnlyDictionary<string, string>? varOverrides = null)
    {
        var policies = new List<Policy>();
        var errors = new List<PolicyError>();
        var ids = new Dictionary<string, (string File, int Line)>(StringComparer.Ordinal);
        var usedOverrides = new HashSet<string>(StringComparer.Ordinal);
        var overrides = varOverrides ?? new Dictionary<string, string>();

        foreach (var source in sources)
        {
            var (docs, syntax) = YamlDocumentReader.Read(source);
            if (syntax is not null)
            {
                errors.Add(syntax);
                continue;
            }
            foreach (var doc in docs)
            {
                var semantic = new List<PolicyError>();
                var ctx = new LoadContext(source.Path, doc, semantic);
                var policy = Compile(ctx, overrides, usedOverrides, ids);
                var schema = source.SchemaPreverified ? [] : SchemaValidation.Validate(PolicySchema.Validator, doc, source.Path);
                errors.AddRange(Merge(semantic, schema));
                if (policy is not null) policies.Add(policy);
            }
        }

        foreach (var name in overrides.Keys.Where(k => !usedOverrides.Contains(k)).Order(StringComparer.Ordinal))
            errors.Add(new PolicyError("(var overrides)", 1, 1, PolicyErrorCodes.UnknownVar, $"--var {name}: no loaded policy declares a var named '{name}'"));

        return new PolicyLoadResult
        {
            Policies = policies,
            Errors = [.. errors.OrderBy(e => e.File, StringComparer.Ordinal).ThenBy(e => e.Line).ThenBy(e => e.Column).ThenBy(e => e.Code, StringComparer.Ordinal)],
            NamedPaths = NamedBinaryPaths(policies),
        };
    }

    /// <summary>Semantic errors are more precise; a schema error about the same node says the same thing
    /// less well. Missing keys are about the enclosing node, never a duplicate, so they always stay.</summary>
    internal static IEnumerable<PolicyError> Merge(List<PolicyError> semantic, List<PolicyError> schema)
    {
        var taken = semantic.Where(e => e.Code != PolicyErrorCodes.MissingKey).Select(e => (e.Line, e.Column)).ToHashSet();
        return semantic.Concat(schema
            .Where(e => e.Code == PolicyErrorCodes.MissingKey || !taken.Contains((e.Line, e.Column)))
            .DistinctBy(e => (e.Line, e.Column, e.Message)));
    }

    private static Policy? Compile(LoadContext ctx, IReadOnlyDictionary<string, string> overrides, HashSet<string> usedOverrides,
        Dictionary<string, (string File, int Line)> ids)
    {
        if (ctx.Doc.Root is not JsonObject root) return null; // the schema reports "expected a mapping"
        if (JsonValues.AsString(root["kind"]) != PolicySchema.Kind) return null; // schema reports the kind

        var metadata = root["metadata"] as JsonObject;
        var name = JsonValues.AsString(metadata?["name"]) ?? "";

        if (root["vars"] is JsonObject vars)
        {
            foreach (var (key, value) in vars)
            {
                var list = value is JsonArray a ? a.Select(JsonValues.AsString).OfType<string>().ToList() : [JsonValues.AsString(value) ?? ""];
                if (value is JsonArray) ctx.ListVars.Add(key);
                if (overrides.TryGetValue(key, out var text))
                {
                    usedOverrides.Add(key);
                    list = value is JsonArray ? [.. text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)] : [text];
                }
                ctx.Vars[key] = list;
            }
        }

        var rules = new List<PolicyRule>();
        if (root["rules"] is JsonArray ruleNodes)
        {
            for (var i = 0; i < ruleNodes.Count; i++)
            {
                if (CompileRule(ruleNodes[i], YamlJsonDocument.Index("#/rules", i), name, ctx, ids) is { } rule) rules.Add(rule);
            }
        }

        return new Policy
        {
            Name = name,
            Description = JsonValues.AsString(metadata?["description"]),
            File = ctx.File,
            Vars = ctx.Vars.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal),
            Rules = rules,
        };
    }

    private static PolicyRule? CompileRule(JsonNode? node, string path, string policyName, LoadContext ctx,
        Dictionary<string, (string File, int Line)> ids)
    {
        if (node is not JsonObject r) return null;
        var ok = true;
        string P(string key) => YamlJsonDocument.Child(path, key);

        var id = JsonValues.AsString(r["id"]);
        if (id is not null)
        {
            var line = ctx.Where(P("id")).Line;
            if (ids.TryGetValue(id, out var first))
            {
                ctx.Error(P("id"), PolicyErrorCodes.DuplicateId, $"rule id '{id}' is already defined at {first.File}:{first.Line}");
                ok = false;
            }
            else ids[id] = (ctx.File, line);
        }
        else ok = false;

        var severityText = JsonValues.AsString(r["severity"]);
        if (!SeverityNames.TryParse(severityText, out var severity) || severityText != severityText?.Trim().ToLowerInvariant())
        {
            if (r.ContainsKey("severity"))
                ctx.Error(P("severity"), PolicyErrorCodes.UnknownSeverity, $"unknown severity '{JsonValues.Render(r["severity"]).Trim('"')}' (one of: {string.Join(", ", SeverityNames.All)})");
            ok = false;
        }

        var forPath = JsonValues.AsString(r["for"]);
        // Unknown until `for` resolves; field names are only checked against a known item type.
        Type? itemType = null;
        if (forPath is null) ok = false;
        else if (SnapshotShape.TryCollection(forPath, out var resolved, out _, out var forError)) itemType = resolved;
        else
        {
            ctx.Error(P("for"), PolicyErrorCodes.UnknownCollection, $"for: no collection {forError}");
            ok = false;
        }

        // The schema reports an unknown engine name; compile with the default meanwhile.
        var regexEngine = PolicyRegex.ParseEngine(JsonValues.AsString(r["regexEngine"])) ?? RegexEngine.NonBacktracking;
        ctx.OperatorSettings = new OperatorSettings { RegexEngine = regexEngine };
        var where = Optional(r, "where", P, itemType, ctx, ref ok);
        var expect = Optional(r, "expect", P, itemType, ctx, ref ok);
        var when = Optional(r, "when", P, typeof(Snapshot), ctx, ref ok);
        ctx.OperatorSettings = OperatorSettings.Default;

        foreach (var key in new[] { "subject", "location" })
        {
            if (JsonValues.AsString(r[key]) is { } field && itemType is not null && SnapshotShape.CheckField(itemType, field) is { } problem)
            {
                ctx.Error(P(key), PolicyErrorCodes.UnknownField, problem);
                ok = false;
            }
        }

        CountBound? count = null;
        if (r["count"] is JsonObject c)
        {
            var op = new CountOperator();
            if (op.Validate(c).Count == 0)
                count = new CountBound(JsonValues.AsNumber(c["min"]) is { } mn ? (long)mn : null, JsonValues.AsNumber(c["max"]) is { } mx ? (long)mx : null);
            else
            {
                ctx.Error(P("count"), PolicyErrorCodes.BadArgument, "count: expects {min: N, max: N} with whole numbers ≥ 0 and min ≤ max");
                ok = false;
            }
        }

        if (!r.ContainsKey("expect") && !r.ContainsKey("count"))
        {
            ctx.Error(path, PolicyErrorCodes.MissingKey, $"rule '{id}' needs 'expect' (judge each item) or 'count' (bound the number of items), or both");
            ok = false;
        }

        if (!ok) return null;

        var examples = r["examples"] as JsonObject;
        return new PolicyRule
        {
            Id = id!,
            Title = JsonValues.AsString(r["title"]) ?? "",
            Severity = severity,
            Rationale = JsonValues.AsString(r["rationale"]),
            Remediation = JsonValues.AsString(r["remediation"]),
            For = forPath!,
            Where = where,
            Expect = expect,
            When = when,
            SubjectField = JsonValues.AsString(r["subject"]),
            LocationField = JsonValues.AsString(r["location"]),
            Count = count,
            RegexEngine = regexEngine,
            PassExamples = Items(examples?["pass"]),
            FailExamples = Items(examples?["fail"]),
            Tags = r["tags"] is JsonArray tags ? [.. tags.Select(JsonValues.AsString).OfType<string>()] : [],
            LiveOnlyExpectFields = expect is null ? [] :
                [.. expect.Fields().Distinct(StringComparer.Ordinal).Where(f => SnapshotShape.IsLiveOnly(itemType!, f)).Order(StringComparer.Ordinal)],
            Policy = policyName,
            File = ctx.File,
            Line = ctx.Where(path).Line,
        };
    }

    private static Condition? Optional(JsonObject r, string key, Func<string, string> p, Type? scope, LoadContext ctx, ref bool ok)
    {
        if (!r.ContainsKey(key)) return null;
        var before = ctx.ErrorCount;
        var c = ConditionCompiler.Compile(r[key], p(key), scope, ctx);
        if (c is null || ctx.ErrorCount != before) ok = false;
        return c;
    }

    private static IReadOnlyList<JsonNode?> Items(JsonNode? node) => node is JsonArray a ? [.. a.Select(x => x?.DeepClone())] : [];

    /// <summary>Paths a <c>for: binaries</c> rule selects with <c>path: {equals|in}</c> — the collector must hash them.</summary>
    private static IReadOnlyList<string> NamedBinaryPaths(IEnumerable<Policy> policies)
    {
        var paths = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var rule in policies.SelectMany(p => p.Rules).Where(r => r.For == "binaries"))
        {
            foreach (var f in Leaves(rule.Where).Concat(Leaves(rule.Expect)).Where(f => f.Field == "path"))
            {
                foreach (var op in f.Operators.OfType<RuleOperatorBase>().Where(o => o is EqualsOperator or InOperator))
                {
                    IEnumerable<JsonNode?> values = op.BoundArgument as JsonArray ?? (IEnumerable<JsonNode?>)[op.BoundArgument];
                    foreach (var v in values)
                        if (JsonValues.AsString(v) is { } s && s.StartsWith('/')) paths.Add(s);
                }
            }
        }
        return [.. paths];
    }

    private static IEnumerable<FieldCondition> Leaves(Condition? c) => c switch
    {
        FieldCondition f => [f],
        AllCondition a => a.Items.SelectMany(Leaves),
        AnyCondition a => a.Items.SelectMany(Leaves),
        NotCondition => [], // a negated path is one the rule does NOT want
        _ => [],
    };
}
