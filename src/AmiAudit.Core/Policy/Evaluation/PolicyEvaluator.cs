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

    public static ScanResult Evaluate(Snapshot snapshot, IReadOnlyList<Policy> policies, WaiverSet? waivers, EvaluationOptions options)
    {
        var root = SnapshotJson.ToLookupNode(snapshot);
        var target = TargetName(snapshot, options);
        var live = string.Equals(snapshot.Target.Kind, "live", StringComparison.Ordinal);
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
            Target = snapshot.Target,
            TargetName = target,
            Policies = [.. policies.Select(p => new PolicySummary { Name = p.Name, Description = p.Description, File = p.File, Rules = p.Rules.Count })],
            Findings = [.. findings
                .OrderByDescending(f => f.Severity)
                .ThenBy(f => f.RuleId, StringComparer.Ordinal)
                .ThenBy(f => f.Subject, StringComparer.Ordinal)
                .ThenBy(f => f.Fingerprint, StringComparer.Ordinal)],
            Diagnostics = [.. snapshot.Diagnostics],
            FailOn = options.FailOn,
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

    internal static string TargetName(Snapshot s, EvaluationOptions o) =>
        !string.IsNullOrEmpty(o.TargetName) ? o.TargetName : s.Target.Hostname ?? s.Target.ImageId ?? s.Target.Root ?? "target";

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

        if (rule.When is { } when && !when.Evaluate(root).Holds)
        {
            yield return Make("", FindingStatus.Skipped, $"not judgeable: this snapshot does not satisfy the rule's guard ({when.Describe()})");
            yield break;
        }
        if (!live && SnapshotShape.IsLiveOnly(typeof(Snapshot), rule.For))
        {
            yield return Make("", FindingStatus.Skipped, $"not judgeable offline: {rule.For} is only collected on a live node");
            yield break;
        }

        var matching = Items(root, rule.For).Where(i => rule.Where is null || rule.Where.Evaluate(i).Holds).ToList();

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
                yield return outcome.Holds
                    ? f with { Message = $"{subject}: {Actuals(item, expect)}; as expected" }
                    : f with { Status = FindingStatus.Fail, Message = $"{subject}: {string.Join("; ", outcome.Misses)}" };
            }
            if (matching.Count == 0 && rule.Count is null)
                yield return Make("", FindingStatus.Pass, $"no item of {rule.For}{(rule.Where is null ? "" : " matches " + rule.Where.Describe())}; nothing to judge");
        }

        if (rule.Count is { } bound)
        {
            var subjects = matching.Select(i => Subject(i, rule) ?? rule.For).ToList();
            var holds = bound.Holds(matching.Count);
            var evidence = new SortedDictionary<string, string>(StringComparer.Ordinal)
            {
                ["count"] = matching.Count.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["matching"] = JsonValues.Render(new JsonArray([.. subjects.Select(s => (JsonNode)JsonValue.Create(s))])),
            };
            var first = matching.Count > 0 ? Location(matching[0], rule) : (null, null);
            var what = rule.Where is null ? $"{rule.For} item(s)" : $"{rule.For} item(s) match {rule.Where.Describe()}";
            yield return Make("", holds ? FindingStatus.Pass : FindingStatus.Fail,
                    $"{matching.Count} {what}{(subjects.Count > 0 ? " (" + string.Join(", ", subjects) + ")" : "")}; expected {bound.Describe()}")
                with { Evidence = evidence, Location = holds ? null : first.Item1, Line = holds ? null : first.Item2 };
        }
    }

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
