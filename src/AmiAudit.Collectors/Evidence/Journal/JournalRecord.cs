using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace AmiAudit.Collectors.Evidence.Journal;

/// <summary>The fields of one journal record the evidence reads.</summary>
public sealed record JournalRecord
{
    public DateTimeOffset? Time { get; init; }
    public string? Message { get; init; }
    public string? MessageId { get; init; }
    public string? Unit { get; init; }
    public string? UserUnit { get; init; }
    public string? SyslogIdentifier { get; init; }
    public int? Pid { get; init; }
    public string? Transport { get; init; }
    public string? SystemdUnit { get; init; }
    public long? NRestarts { get; init; }
    public string? ExitCode { get; init; }
    public string? ExitStatus { get; init; }
    public string? UnitResult { get; init; }
    public string? JobResult { get; init; }

    /// <summary>The fields asked of journalctl (--output-fields): everything above, nothing the evidence does not read.</summary>
    public const string OutputFields = "MESSAGE,MESSAGE_ID,UNIT,USER_UNIT,SYSLOG_IDENTIFIER,_PID,_TRANSPORT,_SYSTEMD_UNIT,N_RESTARTS,EXIT_CODE,EXIT_STATUS,UNIT_RESULT,JOB_RESULT";

    internal static JournalRecord FromFields(Func<string, string?> field)
    {
        var rt = field("__REALTIME_TIMESTAMP");
        return new JournalRecord
        {
            Time = long.TryParse(rt, NumberStyles.None, CultureInfo.InvariantCulture, out var us) && us is > 0 and < 253402300799000000
                ? DateTimeOffset.UnixEpoch.AddTicks(us * 10) : null,
            Message = Clean(field("MESSAGE")),
            MessageId = field("MESSAGE_ID"),
            Unit = field("UNIT"),
            UserUnit = field("USER_UNIT"),
            SyslogIdentifier = field("SYSLOG_IDENTIFIER"),
            Pid = int.TryParse(field("_PID"), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : null,
            Transport = field("_TRANSPORT"),
            SystemdUnit = field("_SYSTEMD_UNIT"),
            NRestarts = long.TryParse(field("N_RESTARTS"), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null,
            ExitCode = field("EXIT_CODE"),
            ExitStatus = field("EXIT_STATUS"),
            UnitResult = field("UNIT_RESULT"),
            JobResult = field("JOB_RESULT"),
        };
    }

    /// <summary>Control characters (ANSI colour, the ENA completion line's embedded newline) become spaces.</summary>
    private static string? Clean(string? s)
    {
        if (s is null || s.AsSpan().IndexOfAnyInRange('\0', '\u001f') < 0) return s;
        var sb = new StringBuilder(s.Length);
        foreach (var c in s) sb.Append(c < ' ' && c != '\t' ? ' ' : c);
        return sb.ToString().TrimEnd();
    }
}

/// <summary>
/// Reads journal records as journalctl writes them: <c>-o json</c> (one object per line; a field is a string,
/// an array of byte values when it is not valid UTF-8, or an array of those when it repeats) and <c>-o export</c>
/// (KEY=value lines, records separated by a blank line, binary fields as KEY\n + 64-bit little-endian length +
/// bytes + \n). Garbled records are skipped and counted, never fatal.
/// </summary>
public static class JournalRecordReader
{
    public const int MaxRecordBytes = 1 << 20;

    public sealed class Stats
    {
        public long Records { get; set; }
        public long Skipped { get; set; }
    }

    /// <summary>Auto-detects JSON lines, export format, or the text journalctl prints by default (`journalctl -u X` saved
    /// to a file: syslog-format lines, placed in a year by <paramref name="reference"/>) from the first bytes.</summary>
    public static IEnumerable<JournalRecord> Read(Stream stream, Stats stats, DateTimeOffset? reference = null)
    {
        var buffered = stream is BufferedStream or MemoryStream ? stream : new BufferedStream(stream, 1 << 16);
        int first;
        while ((first = buffered.ReadByte()) is '\n' or '\r' or ' ') { }
        if (first < 0) yield break;
        var head = new PrefixBytes([(byte)first], buffered);
        IEnumerable<JournalRecord> records;
        if (first == '{') records = Json(head, stats);
        else if (first is (>= 'A' and <= 'Z') or '_')
        {
            // "__CURSOR=…" / "MESSAGE=…" is export format; "Mar 03 12:00:01 host …" is text. Decide on the first line.
            var line = new List<byte> { (byte)first };
            int b;
            while ((b = buffered.ReadByte()) >= 0 && b != '\n' && line.Count < 4096) line.Add((byte)b);
            var text = Encoding.UTF8.GetString([.. line]);
            var rest = new PrefixBytes([.. line, (byte)'\n'], buffered);
            var eq = text.IndexOf('=');
            records = eq > 0 && text[..eq].All(c => c is (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_') ? Export(rest, stats) : Text(rest, stats, reference);
        }
        else records = Text(head, stats, reference);
        foreach (var r in records) yield return r;
    }

    /// <summary>journalctl's default (short, short-iso, short-precise …) output: the record header is read back from each line.</summary>
    public static IEnumerable<JournalRecord> Text(Stream stream, Stats stats, DateTimeOffset? reference)
    {
        var clock = new Probes.Ena.LogClock(TimeZoneInfo.Utc, reference ?? DateTimeOffset.UtcNow);
        foreach (var raw in Probes.Io.BoundedReader.ReadLines(stream, MaxRecordBytes))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith("-- ", StringComparison.Ordinal)) continue; // "-- Boot … --", "-- No entries --"
            foreach (var piece in Probes.Ena.LogLineSplitter.Split(line))
            {
                var l = Probes.Ena.KernelLogPrefix.Strip(piece);
                if (l.Ident is null && l.Seconds is null) { stats.Skipped++; continue; }
                var message = l.Message;
                string? ident = l.Ident;
                var pid = l.Pid;
                // dmesg-style lines carry no identifier: the kernel's, unless systemd's "systemd[1]: " is inside.
                if (ident is null && Units.SystemdMessageParser.IsSystemd(null, null, ref message, out var user))
                {
                    ident = "systemd";
                    pid = user ? 2 : 1;
                }
                stats.Records++;
                yield return new JournalRecord
                {
                    Time = clock.Resolve(l),
                    Message = message,
                    SyslogIdentifier = ident ?? "kernel",
                    Pid = pid,
                    Transport = ident is null or "kernel" ? "kernel" : "syslog",
                };
            }
        }
    }

    public static IEnumerable<JournalRecord> Json(Stream stream, Stats stats)
    {
        foreach (var line in Probes.Io.BoundedReader.ReadLines(stream, MaxRecordBytes))
        {
            var trimmed = line.Trim();
            if (trimmed.Length == 0) continue;
            var rec = ParseJson(trimmed);
            if (rec is null) { stats.Skipped++; continue; }
            stats.Records++;
            yield return rec;
        }
    }

    /// <summary>JSON lines already in memory (journalctl's captured stdout), without another copy of the text.</summary>
    public static IEnumerable<JournalRecord> JsonLines(string text, Stats stats)
    {
        var start = 0;
        while (start < text.Length)
        {
            var nl = text.IndexOf('\n', start);
            var end = nl < 0 ? text.Length : nl;
            var line = text.AsSpan(start, end - start).Trim();
            start = end + 1;
            if (line.IsEmpty) continue;
            var rec = line.Length > MaxRecordBytes ? null : ParseJson(line.ToString());
            if (rec is null) { stats.Skipped++; continue; }
            stats.Records++;
            yield return rec;
        }
    }

    public static JournalRecord? ParseJson(string line)
    {
        if (line.Length == 0 || line[0] != '{') return null;
        try
        {
            using var doc = JsonDocument.Parse(line);
            if (doc.RootElement.ValueKind != JsonValueKind.Object) return null;
            var o = doc.RootElement;
            return JournalRecord.FromFields(name => Field(o, name));
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return null;
        }
    }

    private static string? Field(JsonElement o, string name)
    {
        if (!o.TryGetProperty(name, out var v)) return null;
        switch (v.ValueKind)
        {
            case JsonValueKind.String: return AmiAudit.Collectors.Json.JsonStrings.Get(v);
            case JsonValueKind.Number: return v.GetRawText();
            case JsonValueKind.Array:
                var first = v.EnumerateArray().FirstOrDefault();
                if (first.ValueKind == JsonValueKind.String) return AmiAudit.Collectors.Json.JsonStrings.Get(first);
                if (first.ValueKind == JsonValueKind.Array) return Bytes(first);
                if (first.ValueKind == JsonValueKind.Number) return Bytes(v);
                return null;
            default: return null;
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

    public static IEnumerable<JournalRecord> Export(Stream stream, Stats stats)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        var line = new List<byte>(256);
        var broken = false;
        var len = new byte[8];
        while (true)
        {
            line.Clear();
            int b;
            while ((b = stream.ReadByte()) >= 0 && b != '\n')
            {
                if (line.Count < MaxRecordBytes) line.Add((byte)b);
                else broken = true;
            }
            var end = b < 0;
            if (line.Count == 0)
            {
                if (fields.Count > 0)
                {
                    if (broken) stats.Skipped++;
                    else { stats.Records++; yield return JournalRecord.FromFields(fields.GetValueOrDefault); }
                    fields.Clear();
                    broken = false;
                }
                if (end) yield break;
                continue;
            }
            var span = line.ToArray().AsSpan();
            var eq = span.IndexOf((byte)'=');
            if (eq > 0)
            {
                fields[Encoding.ASCII.GetString(span[..eq])] = Encoding.UTF8.GetString(span[(eq + 1)..]);
            }
            else
            {
                // Binary field: name line, then a 64-bit LE length, the bytes and a newline.
                if (stream.ReadAtLeast(len, 8, throwOnEndOfStream: false) != 8) { stats.Skipped++; yield break; }
                var size = BinaryPrimitives.ReadUInt64LittleEndian(len);
                if (size > MaxRecordBytes) { stats.Skipped++; yield break; }
                var data = new byte[size];
                if (stream.ReadAtLeast(data, (int)size, throwOnEndOfStream: false) != (int)size) { stats.Skipped++; yield break; }
                stream.ReadByte(); // trailing newline
                fields[Encoding.ASCII.GetString(span)] = Encoding.UTF8.GetString(data);
            }
            if (end)
            {
                if (fields.Count > 0 && !broken) { stats.Records++; yield return JournalRecord.FromFields(fields.GetValueOrDefault); }
                yield break;
            }
        }
    }

    /// <summary>A stream with some bytes pushed back in front (one sniffed byte, or a line read ahead).</summary>
    private sealed class PrefixBytes(byte[] head, Stream inner) : Stream
    {
        private int _at;
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_at < head.Length)
            {
                var n = Math.Min(count, head.Length - _at);
                Array.Copy(head, _at, buffer, offset, n);
                _at += n;
                return n;
            }
            return inner.Read(buffer, offset, count);
        }
        public override int ReadByte() => _at < head.Length ? head[_at++] : inner.ReadByte();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
