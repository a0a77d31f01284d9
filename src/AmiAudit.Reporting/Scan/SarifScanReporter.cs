using System.Text;
using System.Text.Json.Nodes;
using AmiAudit.Core.Evaluation;
using AmiAudit.Core.Model;

namespace AmiAudit.Reporting.Scan;

/// <summary>
/// SARIF 2.1.0 for code-scanning UIs (GitHub, Azure DevOps, Defect Dojo). One run; rules for every
/// rule that was judged; results for failures, waived failures (as external suppressions) and rules that
/// could not judge their target (kind "open", plus an error notification with the reason).
/// Locations are files inside the image root, relative to the uriBaseId <c>IMAGEROOT</c>.
/// Only properties the 2.1.0 schema defines are written (it sets additionalProperties: false);
/// amiaudit extras live in property bags.
/// </summary>
internal sealed class SarifScanReporter : IScanReporter
{
    public const string SchemaUri = "https://json.schemastore.org/sarif-2.1.0.json";
    public const string RootBaseId = "IMAGEROOT";
    public const string FingerprintKey = "amiaudit/v1";

    public string Format => "sarif";
    public string FileExtension => ".sarif";

    public string Render(ScanResult result, ReportContext ctx)
    {
        result = ScanView.Redacted(result);
        var ordered = ScanView.Ordered(result.Findings);
        var rules = ordered
            .GroupBy(f => f.RuleId, StringComparer.Ordinal)
            .Select(g => g.First())
            .OrderBy(f => f.RuleId, StringComparer.Ordinal)
            .ToList();
        var ruleIndex = rules.Select((f, i) => (f.RuleId, i)).ToDictionary(x => x.RuleId, x => x.i, StringComparer.Ordinal);

        var run = new JsonObject
        {
            ["tool"] = new JsonObject
            {
                ["driver"] = new JsonObject
                {
                    ["name"] = "amiaudit",
                    ["version"] = ctx.ToolVersion,
                    ["rules"] = new JsonArray([.. rules.Select(Rule)]),
                },
            },
            ["invocations"] = new JsonArray(Invocation(result, ruleIndex)),
            ["results"] = new JsonArray([.. ordered
                .Where(f => f.Status is FindingStatus.Fail or FindingStatus.Waived or FindingStatus.Error)
                .Select(f => Result(f, ruleIndex[f.RuleId]))]),
            ["columnKind"] = "unicodeCodePoints",
            ["properties"] = new JsonObject
            {
                ["target"] = result.TargetName,
                ["generatedAt"] = ctx.GeneratedAt.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture),
                ["gate"] = Gate(result),
            },
        };
        if (RootUri(result.Target.Root) is { } rootUri)
            run["originalUriBaseIds"] = new JsonObject { [RootBaseId] = new JsonObject { ["uri"] = rootUri } };
        if (Automation(result) is { } automation)
            run["automationDetails"] = automation;

        var log = new JsonObject
        {
            ["$schema"] = SchemaUri,
            ["version"] = "2.1.0",
            ["runs"] = new JsonArray(run),
        };
        return SnapshotJson.Canonical(log);
    }

    /// <summary>GitHub code scanning reads "security-severity" (CVSS-like 0–10) to rank alerts.</summary>
    public static string SecuritySeverity(Severity s) => s switch
    {
        Severity.Critical => "9.5",
        Severity.High => "8.0",
        Severity.Medium => "5.5",
        Severity.Low => "3.0",
        _ => "0.0",
    };

    public static string Level(Severity s) => s switch
    {
        Severity.Critical or Severity.High => "error",
        Severity.Medium => "warning",
        _ => "note",
    };

    private static JsonObject Rule(Finding f)
    {
        var rule = new JsonObject
        {
            ["id"] = f.RuleId,
            ["shortDescription"] = Text(string.IsNullOrEmpty(f.Title) ? f.RuleId : f.Title),
            ["defaultConfiguration"] = new JsonObject { ["level"] = Level(f.Severity) },
            ["properties"] = new JsonObject
            {
                ["security-severity"] = SecuritySeverity(f.Severity),
                ["severity"] = f.Severity.ToName(),
                ["policy"] = f.Policy,
                ["tags"] = new JsonArray([.. Tags(f).Select(t => (JsonNode)t)]),
            },
        };
        if (!string.IsNullOrWhiteSpace(f.Rationale)) rule["fullDescription"] = Text(f.Rationale.Trim());
        if (!string.IsNullOrWhiteSpace(f.Remediation)) rule["help"] = Text(f.Remediation.Trim());
        return rule;
    }

    private static IEnumerable<string> Tags(Finding f) =>
        new[] { "security", "amiaudit", f.Policy, f.Severity.ToName() }
            .Where(t => !string.IsNullOrEmpty(t))
            .Distinct(StringComparer.Ordinal);

    private static JsonObject Result(Finding f, int ruleIndex)
    {
        var result = new JsonObject
        {
            ["ruleId"] = f.RuleId,
            ["ruleIndex"] = ruleIndex,
            ["level"] = Level(f.Severity),
            ["message"] = Text(MessageText(f)),
            ["partialFingerprints"] = new JsonObject { [FingerprintKey] = f.Fingerprint },
            ["properties"] = new JsonObject
            {
                ["target"] = f.Target,
                ["subject"] = f.Subject,
                ["severity"] = f.Severity.ToName(),
                ["expected"] = f.Expected,
                ["evidence"] = new JsonObject([.. f.Evidence.OrderBy(kv => kv.Key, StringComparer.Ordinal)
                    .Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value))]),
            },
        };
        if (RelativeUri(f.Location) is { } uri)
        {
            var physical = new JsonObject
            {
                ["artifactLocation"] = new JsonObject { ["uri"] = uri, ["uriBaseId"] = RootBaseId },
            };
            if (f.Line is > 0 and var line)
                physical["region"] = new JsonObject { ["startLine"] = line };
            result["locations"] = new JsonArray(new JsonObject { ["physicalLocation"] = physical });
        }
        if (f.Status == FindingStatus.Error)
        {
            // SARIF's "open": the tool could not determine whether the target satisfies the rule. A kind other
            // than "fail" (the default, left implicit) must carry level "none" (SARIF 2.1.0 §3.27.9).
            result["kind"] = "open";
            result["level"] = "none";
        }
        if (f.Status == FindingStatus.Waived)
        {
            result["suppressions"] = new JsonArray(new JsonObject
            {
                ["kind"] = "external",
                ["status"] = "accepted",
                ["justification"] = ScanView.WaiverText(f),
            });
        }
        return result;
    }

    /// <summary>The message names the subject, since SARIF viewers show it without the rule title.</summary>
    private static string MessageText(Finding f)
    {
        var message = string.IsNullOrWhiteSpace(f.Message) ? f.Title : f.Message;
        return string.IsNullOrEmpty(f.Subject) || message.Contains(f.Subject, StringComparison.Ordinal)
            ? message
            : $"{f.Subject}: {message}";
    }

    private static JsonObject Invocation(ScanResult result, IReadOnlyDictionary<string, int> ruleIndex)
    {
        var invocation = new JsonObject
        {
            // An Error finding means a rule could not be evaluated: the scan is incomplete.
            ["executionSuccessful"] = !result.Findings.Any(f => f.Status == FindingStatus.Error),
        };
        // Each rule that could not judge its target is also an error notification tied to the rule, so viewers
        // that hide "open" results (or only show notifications for a failed run) still show why.
        var notes = ScanView.Ordered(result.Findings.Where(f => f.Status == FindingStatus.Error))
            .Select(f => ErrorNotification(f, ruleIndex[f.RuleId]))
            .Concat(result.Diagnostics
                .OrderBy(d => d.Source, StringComparer.Ordinal)
                .ThenBy(d => d.Code, StringComparer.Ordinal)
                .ThenBy(d => d.Path, StringComparer.Ordinal)
                .ThenBy(d => d.Message, StringComparer.Ordinal)
                .Select(Notification))
            .ToArray();
        if (notes.Length > 0) invocation["toolExecutionNotifications"] = new JsonArray(notes);
        return invocation;
    }

    private static JsonNode ErrorNotification(Finding f, int ruleIndex)
    {
        var note = new JsonObject
        {
            ["message"] = Text(MessageText(f)),
            ["level"] = "error",
            ["descriptor"] = new JsonObject { ["id"] = "amiaudit/rule-error" },
            ["associatedRule"] = new JsonObject { ["id"] = f.RuleId, ["index"] = ruleIndex },
            ["properties"] = new JsonObject { ["target"] = f.Target, ["subject"] = f.Subject, ["fingerprint"] = f.Fingerprint },
        };
        if (RelativeUri(f.Location) is { } uri)
        {
            note["locations"] = new JsonArray(new JsonObject
            {
                ["physicalLocation"] = new JsonObject
                {
                    ["artifactLocation"] = new JsonObject { ["uri"] = uri, ["uriBaseId"] = RootBaseId },
                },
            });
        }
        return note;
    }

    private static JsonNode Notification(Diagnostic d)
    {
        var note = new JsonObject
        {
            ["message"] = Text(d.Message),
            ["level"] = d.Level switch { "error" => "error", "warning" or "unavailable" => "warning", _ => "note" },
            ["descriptor"] = new JsonObject { ["id"] = $"{d.Source}/{d.Code}" },
            ["properties"] = new JsonObject { ["source"] = d.Source, ["code"] = d.Code, ["diagnosticLevel"] = d.Level },
        };
        if (RelativeUri(d.Path) is { } uri)
        {
            note["locations"] = new JsonArray(new JsonObject
            {
                ["physicalLocation"] = new JsonObject
                {
                    ["artifactLocation"] = new JsonObject { ["uri"] = uri, ["uriBaseId"] = RootBaseId },
                },
            });
        }
        return note;
    }

    /// <summary>GitHub keys alert identity on automationDetails.id: one category per target.</summary>
    private static JsonObject? Automation(ScanResult result) =>
        string.IsNullOrEmpty(result.TargetName) ? null : new JsonObject { ["id"] = $"amiaudit/{result.TargetName}/" };

    private static JsonObject Gate(ScanResult result)
    {
        var gate = new JsonObject { ["failed"] = result.GateFailed, ["onError"] = result.OnError.ToName() };
        if (result.FailOn is { } failOn) gate["failOn"] = failOn.ToName();
        return gate;
    }

    private static JsonObject Text(string text) => new() { ["text"] = text };

    /// <summary>"/lib/systemd/system/ecs.service" → "lib/systemd/system/ecs.service" (percent-encoded).</summary>
    public static string? RelativeUri(string? location)
    {
        if (string.IsNullOrWhiteSpace(location)) return null;
        var trimmed = location.Trim().TrimStart('/');
        if (trimmed.Length == 0) return null;
        return string.Join('/', trimmed.Split('/').Select(EscapeSegment));
    }

    /// <summary>file:///mnt/image/ for an absolute root; relative roots cannot be made absolute
    /// without touching the file system, so they yield no mapping (viewers then ask for it).</summary>
    public static string? RootUri(string? root)
    {
        if (string.IsNullOrWhiteSpace(root) || !root.StartsWith('/')) return null;
        var segments = root.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries).Select(EscapeSegment);
        var path = string.Join('/', segments);
        return path.Length == 0 ? "file:///" : $"file:///{path}/";
    }

    /// <summary>RFC 3986 pchar minus ':' (a colon in a relative reference's first segment reads
    /// as a scheme); everything else percent-encoded as UTF-8.</summary>
    private static string EscapeSegment(string segment)
    {
        var sb = new StringBuilder(segment.Length);
        foreach (var b in Encoding.UTF8.GetBytes(segment))
        {
            var c = (char)b;
            if (b < 0x80 && (char.IsAsciiLetterOrDigit(c) || "-._~!$&'()*+,;=@".Contains(c)))
                sb.Append(c);
            else
                sb.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }
}
