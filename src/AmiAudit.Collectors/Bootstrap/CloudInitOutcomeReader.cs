using System.Text.Json;
using AmiAudit.Collectors.RootFs;
using AmiAudit.Core.Model;
using AmiAudit.Core.Redaction;
using AmiAudit.Collectors.Json;

namespace AmiAudit.Collectors.Bootstrap;

/// <summary>
/// cloud-init's outcome (node-facts 5.4): result.json is written only after modules-final, so its
/// presence means "finished" — done with an empty errors list, error otherwise; status.json alone
/// means it started and has not finished (running); neither means it never ran in this root.
/// /run/cloud-init (this boot) is read before /var/lib/cloud/data (persisted). Old status.json files
/// with epoch-second timestamps and no recoverable_errors are accepted (only errors are read).
/// Error strings are redacted: they quote commands, and commands carry tokens.
/// </summary>
public static class CloudInitOutcomeReader
{
    private const long Cap = 1024 * 1024;
    private const int MaxErrors = 100;
    private const int MaxErrorLength = 2000;
    private static readonly string[] Dirs = ["/run/cloud-init", "/var/lib/cloud/data"];

    public static CloudInitOutcome Read(RootFileSystem fs, string source)
    {
        var unreadable = new List<string>();
        foreach (var dir in Dirs)
        {
            var path = dir + "/result.json";
            var text = fs.ReadText(path, Cap);
            if (text is null) continue;
            var v1 = V1(fs, source, path, text);
            if (v1 is null) { unreadable.Add(path); continue; }
            var errors = Errors(v1.Value);
            return new CloudInitOutcome { Status = errors.Count == 0 ? "done" : "error", Datasource = Datasource(v1.Value), Errors = errors, Source = path };
        }
        foreach (var dir in Dirs)
        {
            var path = dir + "/status.json";
            var text = fs.ReadText(path, Cap);
            if (text is null) continue;
            var v1 = V1(fs, source, path, text);
            if (v1 is null) { unreadable.Add(path); continue; }
            var errors = new List<string>();
            foreach (var stage in v1.Value.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.Object).OrderBy(p => JsonStrings.Name(p), StringComparer.Ordinal))
                errors.AddRange(Errors(stage.Value));
            return new CloudInitOutcome { Status = "running", Datasource = Datasource(v1.Value), Errors = [.. errors.Take(MaxErrors)], Source = path };
        }
        // A result or status file that exists but cannot be read must not pass a "finished without errors" gate.
        return unreadable.Count > 0
            ? new CloudInitOutcome { Status = "unknown", Source = unreadable[0] }
            : new CloudInitOutcome { Status = "not-run" };
    }

    private static JsonElement? V1(RootFileSystem fs, string source, string path, string text)
    {
        try
        {
            using var doc = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 64 });
            if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("v1", out var v1) && v1.ValueKind == JsonValueKind.Object)
                return v1.Clone();
            fs.Note(source, "unparseable", "no \"v1\" object", path);
        }
        catch (JsonException e)
        {
            fs.Note(source, "unparseable", $"line {(e.LineNumber ?? 0) + 1}, column {(e.BytePositionInLine ?? 0) + 1}: {e.Message.Split(" LineNumber:")[0]}", path);
        }
        return null;
    }

    private static string? Datasource(JsonElement v1) =>
        v1.TryGetProperty("datasource", out var d) && d.ValueKind == JsonValueKind.String ? Redactor.RedactText(JsonStrings.Get(d)) : null;

    private static List<string> Errors(JsonElement obj)
    {
        var list = new List<string>();
        if (!obj.TryGetProperty("errors", out var errors) || errors.ValueKind != JsonValueKind.Array) return list;
        foreach (var e in errors.EnumerateArray().Take(MaxErrors))
        {
            // Redact before cutting, so a cut can never leave half a secret that no rule recognises.
            var s = Redactor.RedactText(e.ValueKind == JsonValueKind.String ? JsonStrings.Get(e) : e.GetRawText());
            list.Add(s.Length > MaxErrorLength ? s[..MaxErrorLength] + "…" : s);
        }
        return list;
    }
}
