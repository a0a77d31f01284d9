using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using AmiAudit.Core.Evaluation;
using AmiAudit.Core.Model;
using AmiAudit.Core.Policies.Loading;
using AmiAudit.Core.Policies.Operators;

namespace AmiAudit.Core.Policies;

/// <summary>Judges a snapshot against loaded policies. Pure: data in, <see cref="ScanResult"/> out.</summary>
public static class PolicyEvaluator
{
    public const string WaiverExpiredRuleId = "WAIVER-EXPIRED";
    private static readonly string[] DefaultSubjectFields = ["name", "path", "normalized", "id"];
    private static readonly string[] DefaultLocationFields = ["fragmentPath", "source", "path"];

    /// <summary>Field of a collection item that lists why the item could not be fully read (e.g.
    /// <see cref="UnitFact.LoadErrors"/>). Any item of any collection may carry it: a rule that would pass
    /// on such an item reports error instead, because its empty fields may only be empty for that reason.</summary>
    public const string LoadErrorsField = "loadErrors";

    public static ScanResult Evaluate(Snapshot snapshot, IReadOnlyList<Policy> policies, WaiverSet? waivers, EvaluationOptions options) =>
        Evaluate(SnapshotJson.ToLookupNode(snapshot), snapshot.Target, policies, waivers, options, snapshot.Diagnostics);

    /// <summary>Judges a snapshot already in its lookup form (<see cref="SnapshotJson.ToLookupNode"/>).</summary>
    internal static ScanResult Evaluate(JsonObject root, TargetInfo targetInfo, IReadOnlyList<Policy> policies, WaiverSet? waivers,
        EvaluationOptions options, IReadOnlyList<Diagnostic>? diagnostics = null)
    {
        var target = TargetName(targetInfo, options);
        var live = string.Equals(targetInfo.Kind, "live", StringComparison.Ordinal);
        var today = DateOnly.FromDateTime(options.Now.UtcDateTime);
        waivers ??= WaiverSet.Empty;

        var findings = new List<Finding>();
        foreach (var policy in policies)
            foreach (var rule in policy.Rules)
                findings.AddRange(Judge(rule, root, target, live));

        findings = [.. findings.Select(f => ApplyWaiver(f, waivers, today))];
        findings.AddRange(waivers.Expired(target, today).Select(w => ExpiredWaiver(w, target)));

        return new ScanResult
        {
            Target = targetInfo,
            TargetName = target,
            Policies = [.. policies.Select(p => new PolicySummary { Name = p.Name, Description = p.Description, File = p.File, Rules = p.Rules.Count })],
            Findings = [.. findings
                .OrderByDescending(f => f.Severity)
                .ThenBy(f => f.RuleId, StringComparer.Ordinal)
                .ThenBy(f => f.Subject, StringComparer.Ordinal)
                .ThenBy(f => f.Fingerprint, StringComparer.Ordinal)],
            Diagnostics = [.. diagnostics ?? []],
            FailOn = options.FailOn,
            OnError = options.OnError,
        };
    }

    /// <summary>First 16 hex chars of sha256("ruleId\ntarget\nsubject").</summary>
    public static string Fingerprint(string ruleId, string target, string subject) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{ruleId}\n{target}\n{subject}")))[..16];

    /// <summary>The items a rule's <c>for</c> names: a list's items, or an object as a one-item list when present.</summary>
    public static IReadOnlyList<JsonNode> Items(JsonNode root, string forPath) => FieldPath.Resolve(root, forPath) switch
    {
        JsonArray a => [.. a.OfType<JsonNode>()],
        JsonObject o => [o],
        _ => [],
    };

    internal static string TargetName(TargetInfo t, EvaluationOptions o) =>
        !string.IsNullOrEmpty(o.TargetName) ? o.TargetName : TargetNames.For(t);

    private static IEnumerable<Finding> Judge(PolicyRule rule, JsonObject root, string target, bool live)
    {
        Finding Make(string subject, FindingStatus status, string message) => new()
        {
            RuleId = rule.Id,
            Title = rule.Title,
            Severity = rule.Severity,
            Status = status,
            Policy = rule.Policy,
            PolicyFile = rule.File,
            Target = target,
            Subject = subject,
            Fingerprint = Fingerprint(rule.Id, target, subject),
            Message = message,
            Expected = Expected(rule),
            Rationale = rule.Rationale,
            Remediation = rule.Remediation,
        };

        if (rule.When is { } when)
        {
            var guard = when.Evaluate(root);
            if (guard.IsUnknown)
            {
                yield return Make("", FindingStatus.Error, $"cannot judge: the rule's guard could not be evaluated: {string.Join("; ", guard.Unknowns)}");
                yield break;
            }
            if (!guard.Holds)
            {
                yield return Make("", FindingStatus.Skipped, $"not judgeable: this snapshot does not satisfy the rule's guard ({when.Describe()})");
                yield break;
            }
        }
        if (!live && SnapshotShape.IsLiveOnly(typeof(Snapshot), rule.For))
        {
            yield return Make("", FindingStatus.Skipped, $"not judgeable offline: {rule.For} is only collected on a live node");
            yield break;
        }

        // Items the rule certainly judges, and items it cannot place: where could not be evaluated, or said
        // no only because a field it reads is empty on an item that could not be fully read.
        var matching = new List<JsonNode>();
        var uncertain = new List<(JsonNode Item, string Reason)>();
        foreach (var item in Items(root, rule.For))
        {
            if (rule.Where is null)
            {
                matching.Add(item);
                continue;
            }
            var selected = rule.Where.Evaluate(item);
            if (selected.Holds) matching.Add(item);
            else if (selected.IsUnknown) uncertain.Add((item, Reasons(selected.Unknowns, LoadErrors(item))));
            else if (LoadErrors(item) is { Count: > 0 } unread && rule.Where.Fields().Any(f => JsonValues.IsEmpty(FieldPath.Resolve(item, f))))
                uncertain.Add((item, Reasons([], unread)));
        }

        if (rule.Expect is { } expect)
        {
            foreach (var item in matching)
            {
                var subject = Subject(item, rule) ?? rule.For;
                var (location, line) = Location(item, rule);
                var evidence = Evidence(item, rule);
                var f = Make(subject, FindingStatus.Pass, "") with { Evidence = evidence, Location = location, Line = line };

                var unknown = live ? [] : rule.LiveOnlyExpectFields.Where(x => FieldPath.Resolve(item, x) is null).ToList();
                if (unknown.Count > 0)
                {
                    yield return f with { Status = FindingStatus.Skipped, Message = $"{subject}: not judgeable offline ({string.Join(", ", unknown)} only known on a live node)" };
                    continue;
                }
                var outcome = expect.Evaluate(item);
                var unread = LoadErrors(item);
                // A real failure fails even on an item that was not fully read; anything else on such an item
                // (a pass, or an operator that could not tell) is an error: it may pass only because of what was not read.
                if (outcome.Fails)
                    yield return f with { Status = FindingStatus.Fail, Message = $"{subject}: {string.Join("; ", outcome.Misses)}" };
                else if (outcome.IsUnknown || unread.Count > 0)
                    yield return f with { Status = FindingStatus.Error, Message = $"cannot judge {subject}: {Reasons(outcome.Unknowns, unread)}" };
                else
                    yield return f with { Message = $"{subject}: {Actuals(item, expect)}; as expected" };
            }
            foreach (var (item, reason) in uncertain)
            {
                var subject = Subject(item, rule) ?? rule.For;
                var (location, line) = Location(item, rule);
                yield return Make(subject, FindingStatus.Error, $"cannot tell whether {rule.Id} applies to {subject}: {reason}")
                    with { Evidence = Evidence(item, rule), Location = location, Line = line };
            }
            if (matching.Count == 0 && uncertain.Count == 0 && rule.Count is null)
                yield return Make("", FindingStatus.Pass, $"no item of {rule.For}{(rule.Where is null ? "" : " matches " + rule.Where.Describe())}; nothing to judge");
        }

        if (rule.Count is { } bound)
        {
            var subjects = matching.Select(i => Subject(i, rule) ?? rule.For).ToList();
            var evidence = new SortedDictionary<string, string>(StringComparer.Ordinal)
            {
                ["count"] = matching.Count.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["matching"] = JsonValues.Render(new JsonArray([.. subjects.Select(s => (JsonNode)JsonValue.Create(s))])),
            };
            var first = matching.Count > 0 ? Location(matching[0], rule) : (null, null);
            var what = rule.Where is null ? $"{rule.For} item(s)" : $"{rule.For} item(s) match {rule.Where.Describe()}";
            var counted = $"{matching.Count} {what}{(subjects.Count > 0 ? " (" + string.Join(", ", subjects) + ")" : "")}";

            // The true count is somewhere in [certain, certain + uncertain]; judge only if every count there agrees.
            var (low, high) = (matching.Count, matching.Count + uncertain.Count);
            var holdsAll = bound.Holds(low) && bound.Holds(high);
            var holdsNone = Math.Max(low, bound.Min ?? 0) > Math.Min(high, bound.Max ?? long.MaxValue);
            if (uncertain.Count > 0 && !holdsAll && !holdsNone)
            {
                var unsure = string.Join("; ", uncertain.Select(u => $"{Subject(u.Item, rule) ?? rule.For}: {u.Reason}"));
                evidence["uncertain"] = JsonValues.Render(new JsonArray([.. uncertain.Select(u => (JsonNode)JsonValue.Create(Subject(u.Item, rule) ?? rule.For))]));
                yield return Make("", FindingStatus.Error,
                        $"cannot judge: {counted}, and {uncertain.Count} more may ({unsure}); expected {bound.Describe()}")
                    with { Evidence = evidence };
            }
            else
            {
                var holds = uncertain.Count == 0 ? bound.Holds(low) : holdsAll;
                yield return Make("", holds ? FindingStatus.Pass : FindingStatus.Fail, $"{counted}; expected {bound.Describe()}")
                    with { Evidence = evidence, Location = holds ? null : first.Item1, Line = holds ? null : first.Item2 };
            }
        }
    }

    /// <summary>Why an item could not be fully read (its <see cref="LoadErrorsField"/>), empty when it was.</summary>
    internal static IReadOnlyList<string> LoadErrors(JsonNode item) =>
        item is JsonObject o && o.TryGetPropertyValue(LoadErrorsField, out var v) && v is JsonArray { Count: > 0 } a
            ? [.. a.Select(x => JsonValues.ScalarText(x) ?? JsonValues.Render(x))]
            : [];

    private static string Reasons(IEnumerable<string> unknowns, IEnumerable<string> loadErrors) =>
        string.Join("; ", unknowns.Concat(loadErrors).Distinct(StringComparer.Ordinal));

    private static string Expected(PolicyRule rule)
    {
        var parts = new List<string>();
        if (rule.Expect is { } e) parts.Add(e.Describe());
        if (rule.Count is { } c) parts.Add($"{c.Describe()} matching item(s)");
        return string.Join("; ", parts);
    }

    private static string Actuals(JsonNode item, Condition expect) => string.Join(", ", expect.Fields().Distinct(StringComparer.Ordinal)
        .Select(f => FieldPath.Resolve(item, f) is { } v ? $"{f} is {JsonValues.Quoted(v)}" : $"{f} is absent"));

    private static SortedDictionary<string, string> Evidence(JsonNode item, PolicyRule rule)
    {
        var evidence = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var f in (rule.Where?.Fields() ?? []).Concat(rule.Expect?.Fields() ?? []))
            evidence[f] = JsonValues.Render(FieldPath.Resolve(item, f));
        if (LoadErrors(item).Count > 0) evidence[LoadErrorsField] = JsonValues.Render(item[LoadErrorsField]);
        return evidence;
    }

    private static string? Subject(JsonNode item, PolicyRule rule)
    {
        foreach (var field in rule.SubjectField is { } s ? [s] : DefaultSubjectFields)
            if (JsonValues.ScalarText(FieldPath.Resolve(item, field)) is { Length: > 0 } text) return text;
        return null;
    }

    private static (string? Location, int? Line) Location(JsonNode item, PolicyRule rule)
    {
        foreach (var field in rule.LocationField is { } l ? [l] : DefaultLocationFields)
        {
            if (JsonValues.AsString(FieldPath.Resolve(item, field)) is not { Length: > 0 } path) continue;
            // A URL fact carries the line of its script: worth a SARIF region.
            var line = field == "source" && JsonValues.AsNumber(FieldPath.Resolve(item, "line")) is { } n && n > 0 ? (int)n : (int?)null;
            return (path, line);
        }
        return (null, null);
    }

    private static Finding ApplyWaiver(Finding f, WaiverSet waivers, DateOnly today) =>
        f.Status == FindingStatus.Fail && waivers.Find(f.RuleId, f.Target, f.Subject, today) is { } w
            ? f with { Status = FindingStatus.Waived, WaiverReason = w.Reason, WaiverOwner = w.Owner }
            : f;

    private static Finding ExpiredWaiver(Waiver w, string target)
    {
        var subject = w.Subject is null ? w.Rule : $"{w.Rule}:{w.Subject}";
        var expires = w.Expires.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        return new Finding
        {
            RuleId = WaiverExpiredRuleId,
            Title = "Waivers are renewed or removed before they expire",
            Severity = Severity.High,
            Status = FindingStatus.Fail,
            Policy = "waivers",
            PolicyFile = w.File,
            Target = target,
            Subject = subject,
            Fingerprint = Fingerprint(WaiverExpiredRuleId, target, subject),
            Message = $"the waiver for {subject} owned by {w.Owner} expired on {expires}; it no longer waives anything",
            Expected = $"expires on or after today",
            Evidence = new SortedDictionary<string, string>(StringComparer.Ordinal)
            {
                ["expires"] = expires,
                ["owner"] = w.Owner,
                ["reason"] = w.Reason,
            },
            Location = w.File,
            Line = w.Line,
            Remediation = "Fix the waived finding, or renew the waiver with a new expiry date and a current reason.",
        };
    }
}
