using System.Text.Json;
using System.Text.RegularExpressions;
using AmiAudit.Collectors.RootFs;
using AmiAudit.Core.Model;
using AmiAudit.Core.Redaction;
using AmiAudit.Collectors.Json;

namespace AmiAudit.Collectors.Bootstrap;

/// <summary>
/// cloud-init's outcome (node-facts 5.4). result.json is written only after modules-final and wins when
/// present: done with an empty errors list, error otherwise. status.json alone: its "stage" names the stage
/// running now — null when none is, so with every stage present and finished (a "finished" time) and no
/// errors cloud-init is <b>done</b> (a node whose result.json was lost, or an image copied mid-way), with stage
/// errors it is <b>error</b>, and only with a stage running or unfinished is it <b>running</b>. Neither file: it
/// never ran in this root. /run/cloud-init (this boot) is read before /var/lib/cloud/data (persisted).
/// Also accepted in those places: the JSON of <c>cloud-init status --format json</c> and the text of
/// <c>cloud-init status --long</c> (someone saved it). Old status.json files (epoch-second timestamps, no
/// recoverable_errors) are accepted. Error strings are redacted: they quote commands, and commands carry tokens.
/// </summary>
public static partial class CloudInitOutcomeReader
{
    private const long Cap = 1024 * 1024;
    private const int MaxErrors = 100;
    private const int MaxErrorLength = 2000;
    private static readonly string[] Dirs = ["/run/cloud-init", "/var/lib/cloud/data"];
    private static readonly string[] Stages = ["init-local", "init", "modules-config", "modules-final"];

    public static CloudInitOutcome Read(RootFileSystem fs, string source)
    {
        var unreadable = new List<string>();
        foreach (var name in new[] { "result.json", "status.json" })
        {
            foreach (var dir in Dirs)
            {
                var path = dir + "/" + name;
                var text = fs.ReadText(path, Cap);
                if (text is null) continue;
                var outcome = FromText(text, path, name == "result.json", (code, message) => fs.Note(source, code, message, path));
                if (outcome is null) { unreadable.Add(path); continue; }
                return outcome;
            }
        }
        // A result or status file that exists but cannot be read must not pass a "finished without errors" gate.
        return unreadable.Count > 0
            ? new CloudInitOutcome { Status = "unknown", Source = unreadable[0] }
            : new CloudInitOutcome { Status = "not-run" };
    }

    /// <summary>One outcome document in any of the accepted shapes; null (and <paramref name="note"/> called) when it is none.</summary>
    public static CloudInitOutcome? FromText(string text, string path, bool isResult, Action<string, string>? note = null)
    {
        var trimmed = text.TrimStart('\uFEFF', ' ', '\t', '\r', '\n');
        if (!trimmed.StartsWith('{'))
        {
            var fromLong = StatusLong(text, path);
            if (fromLong is null) note?.Invoke("unparseable", "neither JSON nor `cloud-init status --long` output");
            return fromLong;
        }
        try
        {
            using var doc = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 64 });
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) { note?.Invoke("unparseable", "not a JSON object"); return null; }
            if (root.TryGetProperty("v1", out var v1) && v1.ValueKind == JsonValueKind.Object)
                return isResult || v1.TryGetProperty("errors", out var e) && e.ValueKind == JsonValueKind.Array && !HasStages(v1)
                    ? Result(v1, path)
                    : Status(v1, path);
            if (root.TryGetProperty("status", out var st) && st.ValueKind == JsonValueKind.String) return StatusFormatJson(root, JsonStrings.Get(st), path);
            note?.Invoke("unparseable", "no \"v1\" object");
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            note?.Invoke("unparseable", $"line {((e as JsonException)?.LineNumber ?? 0) + 1}, column {((e as JsonException)?.BytePositionInLine ?? 0) + 1}: {e.Message.Split(" LineNumber:")[0]}");
        }
        return null;
    }

    private static bool HasStages(JsonElement v1) => Stages.Any(s => v1.TryGetProperty(s, out var x) && x.ValueKind == JsonValueKind.Object);

    private static CloudInitOutcome Result(JsonElement v1, string path)
    {
        var errors = Errors(v1);
        return new CloudInitOutcome { Status = errors.Count == 0 ? "done" : "error", Datasource = Datasource(v1), Errors = errors, Source = path };
    }

    private static CloudInitOutcome Status(JsonElement v1, string path)
    {
        var errors = new List<string>();
        var allFinished = true;
        foreach (var stage in Stages)
        {
            if (!v1.TryGetProperty(stage, out var s) || s.ValueKind != JsonValueKind.Object) { allFinished = false; continue; }
            errors.AddRange(Errors(s));
            if (!s.TryGetProperty("finished", out var f) || f.ValueKind != JsonValueKind.Number) allFinished = false;
        }
        // Stages beyond the four known ones (newer cloud-init) count for errors too.
        foreach (var other in v1.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.Object && Array.IndexOf(Stages, p.Name) < 0).OrderBy(p => p.Name, StringComparer.Ordinal))
            errors.AddRange(Errors(other.Value));
        var running = v1.TryGetProperty("stage", out var stageNow) && stageNow.ValueKind == JsonValueKind.String && JsonStrings.Get(stageNow).Length > 0;
        var status = running || !allFinished ? "running" : errors.Count > 0 ? "error" : "done";
        return new CloudInitOutcome { Status = status, Datasource = Datasource(v1), Errors = [.. errors.Take(MaxErrors)], Source = path };
    }

    /// <summary><c>cloud-init status --format json</c>: {"status": "done|error|running|disabled|not started", "errors": [...], "datasource": "..."}.</summary>
    private static CloudInitOutcome StatusFormatJson(JsonElement root, string status, string path)
    {
        var errors = Errors(root);
        return new CloudInitOutcome
        {
            Status = Normalise(status, errors.Count),
            Datasource = root.TryGetProperty("datasource", out var d) && d.ValueKind == JsonValueKind.String ? Redactor.RedactText(JsonStrings.Get(d)) : null,
            Errors = errors,
            Source = path,
        };
    }

    [GeneratedRegex(@"^\s*status:\s*(?<s>[a-z ]+?)\s*$", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex LongStatus();

    [GeneratedRegex(@"^\s*errors:\s*(?:\[\s*\])?\s*$", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex LongErrorsHeader();

    [GeneratedRegex(@"^\s*detail:\s*$\s*^\s*(?<d>\S.*)$", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex LongDetail();

    /// <summary>
    /// <c>cloud-init status --long</c> text: "status: done|error|running|disabled", "extended_status: …",
    /// "boot_status_code: …", "detail:" followed by an indented line, "errors:" followed by "\t- …" items.
    /// </summary>
    public static CloudInitOutcome? StatusLong(string text, string path)
    {
        var m = LongStatus().Match(text);
        if (!m.Success) return null;
        var errors = new List<string>();
        var lines = text.Replace("\r", "", StringComparison.Ordinal).Split('\n');
        var inErrors = false;
        foreach (var line in lines)
        {
            if (LongErrorsHeader().IsMatch(line)) { inErrors = true; continue; }
            if (inErrors)
            {
                var t = line.TrimStart();
                if (t.StartsWith("- ", StringComparison.Ordinal)) { errors.Add(Clip(Redactor.RedactText(t[2..].Trim()))); continue; }
                if (t.Length > 0 && !char.IsWhiteSpace(line[0])) inErrors = false;
            }
        }
        var status = Normalise(m.Groups["s"].Value, errors.Count);
        if (status == "error" && errors.Count == 0 && LongDetail().Match(text) is { Success: true } d) errors.Add(Clip(Redactor.RedactText(d.Groups["d"].Value.Trim())));
        return new CloudInitOutcome { Status = status, Errors = [.. errors.Take(MaxErrors)], Source = path };
    }

    private static string Normalise(string status, int errors) => status.Trim() switch
    {
        "done" => errors > 0 ? "error" : "done",
        "error" or "degraded done" or "degraded" => "error",
        "running" or "not run" or "not started" => status.Trim() == "running" ? "running" : "not-run",
        "disabled" => "not-run",
        _ => "unknown",
    };

    private static string? Datasource(JsonElement v1) =>
        v1.TryGetProperty("datasource", out var d) && d.ValueKind == JsonValueKind.String ? Redactor.RedactText(JsonStrings.Get(d)) : null;

    private static List<string> Errors(JsonElement obj)
    {
        var list = new List<string>();
        if (!obj.TryGetProperty("errors", out var errors) || errors.ValueKind != JsonValueKind.Array) return list;
        foreach (var e in errors.EnumerateArray().Take(MaxErrors))
        {
            // Redact before cutting, so a cut can never leave half a secret that no rule recognises.
            list.Add(Clip(Redactor.RedactText(e.ValueKind == JsonValueKind.String ? JsonStrings.Get(e) : e.GetRawText())));
        }
        return list;
    }

    private static string Clip(string s) => s.Length > MaxErrorLength ? s[..MaxErrorLength] + "…" : s;
}
