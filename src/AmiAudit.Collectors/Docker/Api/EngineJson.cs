using System.Globalization;
using System.Text.Json;
using AmiAudit.Collectors.Json;

namespace AmiAudit.Collectors.Docker.Api;

/// <summary>
/// Engine API JSON → our records. Tolerant the way the field list in node-facts 6 requires:
/// missing fields stay null, State may be an object (inspect) or a string (old list answers),
/// events may carry only the legacy status/id/from fields.
/// </summary>
public static class EngineJson
{
    public static EngineVersion ParseVersion(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var o = doc.RootElement;
        return new EngineVersion(Str(o, "Version"), Str(o, "ApiVersion"), Str(o, "Os"), Str(o, "KernelVersion"));
    }

    public static IReadOnlyList<EngineContainerSummary> ParseContainerList(string json)
    {
        using var doc = JsonDocument.Parse(json);
        if (doc.RootElement.ValueKind != JsonValueKind.Array) throw new JsonException("containers/json: expected an array");
        var list = new List<EngineContainerSummary>();
        foreach (var c in doc.RootElement.EnumerateArray())
        {
            if (c.ValueKind != JsonValueKind.Object) continue;
            list.Add(new EngineContainerSummary
            {
                Id = Str(c, "Id") ?? "",
                Names = c.TryGetProperty("Names", out var n) && n.ValueKind == JsonValueKind.Array
                    ? [.. n.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => JsonStrings.Get(x).TrimStart('/'))]
                    : [],
                Image = Str(c, "Image"),
                Created = c.TryGetProperty("Created", out var cr) && cr.ValueKind == JsonValueKind.Number && cr.TryGetInt64(out var secs) ? secs : null,
                State = c.TryGetProperty("State", out var st) ? st.ValueKind == JsonValueKind.String ? JsonStrings.Get(st) : Str(st, "Status") : null,
                Status = Str(c, "Status"),
                Labels = Labels(c, "Labels"),
            });
        }
        return list;
    }

    public static EngineContainerDetails ParseContainerDetails(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var o = doc.RootElement;
        if (o.ValueKind != JsonValueKind.Object) throw new JsonException("containers/{id}/json: expected an object");
        var state = o.TryGetProperty("State", out var s) ? s : default;
        var host = o.TryGetProperty("HostConfig", out var h) ? h : default;
        var policy = host.ValueKind == JsonValueKind.Object && host.TryGetProperty("RestartPolicy", out var rp) ? rp : default;
        var config = o.TryGetProperty("Config", out var cf) ? cf : default;
        return new EngineContainerDetails
        {
            Id = Str(o, "Id") ?? "",
            Name = (Str(o, "Name") ?? "").TrimStart('/'),
            Image = Str(config, "Image") ?? Str(o, "Image"),
            Created = Time(Str(o, "Created")),
            State = state.ValueKind == JsonValueKind.String ? JsonStrings.Get(state) : Str(state, "Status"),
            ExitCode = Int(state, "ExitCode"),
            Pid = Int(state, "Pid"),
            StartedAt = Time(Str(state, "StartedAt")),
            FinishedAt = Time(Str(state, "FinishedAt")),
            RestartCount = Long(o, "RestartCount"),
            // An empty policy name is what the daemon stores for "no".
            RestartPolicy = Str(policy, "Name") is { Length: > 0 } p ? p : policy.ValueKind == JsonValueKind.Object ? "no" : null,
            MaximumRetryCount = Int(policy, "MaximumRetryCount"),
            Labels = Labels(config, "Labels"),
        };
    }

    /// <summary>One NDJSON line of /events; null for anything that is not an event object.</summary>
    public static EngineEvent? ParseEvent(string line)
    {
        using var doc = JsonDocument.Parse(line);
        var o = doc.RootElement;
        if (o.ValueKind != JsonValueKind.Object) return null;
        var actor = o.TryGetProperty("Actor", out var a) ? a : default;
        var attrs = Labels(actor, "Attributes");
        var type = Str(o, "Type") ?? "container"; // pre-1.22 daemons sent only status/id/from, for containers
        var action = Str(o, "Action") ?? Str(o, "status");
        if (action is null) return null;
        DateTimeOffset time;
        if (Long(o, "timeNano") is long ns and > 0) time = DateTimeOffset.UnixEpoch.AddTicks(ns / 100);
        else if (Long(o, "time") is long sec and > 0) time = DateTimeOffset.FromUnixTimeSeconds(sec);
        else return null;
        attrs.TryGetValue("name", out var name);
        return new EngineEvent(type, action, Str(actor, "ID") ?? Str(o, "id"), name, time, attrs);
    }

    private static string? Str(JsonElement o, string name) =>
        o.ValueKind == JsonValueKind.Object && o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? JsonStrings.Get(v) : null;

    private static long? Long(JsonElement o, string name) =>
        o.ValueKind == JsonValueKind.Object && o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var x) ? x : null;

    private static int? Int(JsonElement o, string name) =>
        o.ValueKind == JsonValueKind.Object && o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var x) ? x : null;

    private static SortedDictionary<string, string> Labels(JsonElement o, string name)
    {
        var d = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (o.ValueKind == JsonValueKind.Object && o.TryGetProperty(name, out var m) && m.ValueKind == JsonValueKind.Object)
            foreach (var p in m.EnumerateObject())
                if (p.Value.ValueKind == JsonValueKind.String) d[JsonStrings.Name(p)] = JsonStrings.Get(p.Value);
        return d;
    }

    /// <summary>RFC 3339 with up to 9 fractional digits; Go's zero time means "never".</summary>
    public static DateTimeOffset? Time(string? s)
    {
        if (string.IsNullOrEmpty(s) || s.StartsWith("0001-01-01", StringComparison.Ordinal)) return null;
        // .NET parses at most 7 fractional digits: cut nanoseconds to ticks.
        var dot = s.IndexOf('.', StringComparison.Ordinal);
        if (dot > 0)
        {
            var end = dot + 1;
            while (end < s.Length && char.IsAsciiDigit(s[end])) end++;
            if (end - dot - 1 > 7) s = s[..(dot + 8)] + s[end..];
        }
        return DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t) ? t : null;
    }
}
