using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using AmiAudit.Collectors.Json;

namespace AmiAudit.Collectors.Live;

/// <summary>Restart / failure messages PID 1 logged for one unit within a window.</summary>
public sealed record JournalUnitCounts
{
    public string Unit { get; init; } = "";
    /// <summary>"Scheduled restart job" messages (MESSAGE_ID 5eb03494…).</summary>
    public long RestartsScheduled { get; init; }
    /// <summary>"Failed with result" messages (MESSAGE_ID d9b373ed…).</summary>
    public long Failures { get; init; }
    /// <summary>Smallest and largest N_RESTARTS seen: their difference + 1 cross-checks the count.</summary>
    public long? MinNRestarts { get; init; }
    public long? MaxNRestarts { get; init; }
    public DateTimeOffset? First { get; init; }
    public DateTimeOffset? Last { get; init; }
}

public sealed record JournalParseResult(IReadOnlyDictionary<string, JournalUnitCounts> Units, int LinesRead, int LinesSkipped);

/// <summary>
/// Counts restart and failure records in <c>journalctl -o json</c> output (one JSON object per
/// line, node-facts 4.2 / T-SD-08). Structured fields win: MESSAGE_ID + UNIT (+ N_RESTARTS). The
/// message text is the fallback for records without MESSAGE_ID (systemd &lt; 236 wrote
/// "Service hold-off time over, scheduling restart." / "Unit entered failed state."). Garbled or
/// oversized lines are skipped and counted, never fatal.
/// </summary>
public static partial class JournalRestartParser
{
    public const string RestartScheduledId = "5eb03494b6584870a536b337290809b3";
    public const string FailureResultId = "d9b373ed55a64feb8242e02dbe79a49c";
    /// <summary>A journal record PID 1 writes is well under this; longer lines are junk.</summary>
    public const int MaxLineLength = 1024 * 1024;

    [GeneratedRegex(@"^(?<unit>[^\s:]+): (?:Scheduled restart job|Service hold-off time over, scheduling restart)", RegexOptions.CultureInvariant)]
    private static partial Regex RestartText();

    [GeneratedRegex(@"^(?<unit>[^\s:]+): (?:Failed with result '|Unit entered failed state)", RegexOptions.CultureInvariant)]
    private static partial Regex FailureText();

    public static JournalParseResult Parse(string text, DateTimeOffset? since = null, DateTimeOffset? until = null)
    {
        using var reader = new StringReader(text);
        return Parse(reader, since, until);
    }

    public static JournalParseResult Parse(TextReader reader, DateTimeOffset? since = null, DateTimeOffset? until = null)
    {
        var units = new Dictionary<string, JournalUnitCounts>(StringComparer.Ordinal);
        int read = 0, skipped = 0;
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            if (line.Length == 0) continue;
            read++;
            if (line.Length > MaxLineLength || line[0] != '{') { skipped++; continue; }
            Record? rec;
            try { rec = ReadRecord(line); }
            catch (Exception e) when (e is JsonException or InvalidOperationException) { skipped++; continue; }
            if (rec is null) continue;
            if (rec.Time is DateTimeOffset t && (t < since || t > until)) continue;

            var kind = Classify(rec, out var unit);
            if (kind == Kind.None || unit is null) continue;
            units.TryGetValue(unit, out var c);
            c ??= new JournalUnitCounts { Unit = unit };
            c = kind == Kind.Restart
                ? c with
                {
                    RestartsScheduled = c.RestartsScheduled + 1,
                    MinNRestarts = Min(c.MinNRestarts, rec.NRestarts),
                    MaxNRestarts = Max(c.MaxNRestarts, rec.NRestarts),
                }
                : c with { Failures = c.Failures + 1 };
            if (rec.Time is DateTimeOffset ts)
                c = c with { First = c.First is null || ts < c.First ? ts : c.First, Last = c.Last is null || ts > c.Last ? ts : c.Last };
            units[unit] = c;
        }
        return new JournalParseResult(units, read, skipped);
    }

    private enum Kind { None, Restart, Failure }

    private static Kind Classify(Record r, out string? unit)
    {
        unit = r.Unit;
        if (r.MessageId == RestartScheduledId) return Kind.Restart;
        if (r.MessageId == FailureResultId) return Kind.Failure;
        if (r.MessageId is not null || r.Message is null) return Kind.None;
        var m = RestartText().Match(r.Message);
        if (m.Success) { unit ??= m.Groups["unit"].Value; return Kind.Restart; }
        m = FailureText().Match(r.Message);
        if (m.Success) { unit ??= m.Groups["unit"].Value; return Kind.Failure; }
        return Kind.None;
    }

    private sealed record Record(string? MessageId, string? Unit, string? Message, long? NRestarts, DateTimeOffset? Time);

    private static Record? ReadRecord(string line)
    {
        using var doc = JsonDocument.Parse(line);
        if (doc.RootElement.ValueKind != JsonValueKind.Object) return null;
        var o = doc.RootElement;
        var nr = Field(o, "N_RESTARTS");
        var rt = Field(o, "__REALTIME_TIMESTAMP");
        return new Record(
            Field(o, "MESSAGE_ID"),
            Field(o, "UNIT") ?? Field(o, "USER_UNIT"),
            Field(o, "MESSAGE"),
            long.TryParse(nr, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null,
            long.TryParse(rt, NumberStyles.None, CultureInfo.InvariantCulture, out var us) && us < 253402300799000000
                ? DateTimeOffset.UnixEpoch.AddTicks(us * 10) : null);
    }

    /// <summary>journalctl -o json writes a field as a string, as an array of byte values when it is
    /// not valid UTF-8 / has control characters, and as an array of those when a field repeats.</summary>
    private static string? Field(JsonElement o, string name)
    {
        if (!o.TryGetProperty(name, out var v)) return null;
        switch (v.ValueKind)
        {
            case JsonValueKind.String:
                return JsonStrings.Get(v);
            case JsonValueKind.Array:
                var first = v.EnumerateArray().FirstOrDefault();
                if (first.ValueKind == JsonValueKind.String) return JsonStrings.Get(first);
                if (first.ValueKind == JsonValueKind.Array) return Bytes(first);
                if (first.ValueKind == JsonValueKind.Number) return Bytes(v);
                return null;
            default:
                return null;
        }
    }

    private static string? Bytes(JsonElement array)
    {
        var bytes = new List<byte>();
        foreach (var b in array.EnumerateArray())
        {
            if (b.ValueKind != JsonValueKind.Number || !b.TryGetByte(out var x)) return null;
            bytes.Add(x);
        }
        return Encoding.UTF8.GetString([.. bytes]);
    }

    private static long? Min(long? a, long? b) => a is null ? b : b is null ? a : Math.Min(a.Value, b.Value);
    private static long? Max(long? a, long? b) => a is null ? b : b is null ? a : Math.Max(a.Value, b.Value);
}
