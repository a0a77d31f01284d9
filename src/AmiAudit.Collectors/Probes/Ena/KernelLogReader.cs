using System.Globalization;
using System.Text;
using System.Text.Json;
using AmiAudit.Collectors.Live.Process;
using AmiAudit.Collectors.Probes.Io;
using AmiAudit.Collectors.Json;

namespace AmiAudit.Collectors.Probes.Ena;

/// <summary>Kernel-log lines from one source, plus what was skipped and where they came from.</summary>
public sealed record KernelLog(string Source, List<KernelLogLine> Lines, string? Error = null, long SkippedOverlong = 0, long BinaryLines = 0);

/// <summary>
/// Gets the kernel log: a saved file (dmesg text, `journalctl -k` text or `journalctl -k -o json`,
/// auto-detected) when given; else /dev/kmsg (non-blocking); else `journalctl -k -o json -b`.
/// Lines longer than the cap (a 10 MB line) are skipped whole; binary junk is neutralised.
/// </summary>
public static class KernelLogReader
{
    public const int MaxLine = 16 * 1024;

    public static KernelLog Read(HostPaths host, string? file, IProcessRunner runner)
    {
        if (file is not null) return FromFile(file);
        var kmsgPath = host.Resolve("dev/kmsg");
        string? kmsgError = null;
        if (File.Exists(kmsgPath))
        {
            var (records, error) = Kmsg.ReadAll(kmsgPath);
            if (error is null || records.Count > 0)
                return new KernelLog("/dev/kmsg", records.Where(r => r.Length <= MaxLine).Select(KernelLogPrefix.Strip).ToList(), error);
            kmsgError = error;
        }
        var journal = FromJournalctl(host, runner);
        return kmsgError is null ? journal : journal with { Error = journal.Error is null ? null : $"{kmsgError}; {journal.Error}" };
    }

    public static KernelLog FromFile(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            return FromStream(stream, $"file:{path}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new KernelLog($"file:{path}", [], BoundedReader.Describe(e, path));
        }
    }

    public static KernelLog FromStream(Stream stream, string source)
    {
        var stats = new LineStats();
        var lines = new List<KernelLogLine>();
        bool? json = null;
        bool? export = null;
        double? exportTime = null;
        foreach (var raw in BoundedReader.ReadLines(stream, MaxLine, stats))
        {
            var line = raw.Trim();
            if (line.Length == 0) continue;
            json ??= line[0] == '{';
            export ??= line.StartsWith("__CURSOR=", StringComparison.Ordinal) || line.StartsWith("__REALTIME_TIMESTAMP=", StringComparison.Ordinal);
            if (export == true)
            {
                // journalctl -o export: KEY=value lines, a blank line between records.
                if (line.StartsWith("__REALTIME_TIMESTAMP=", StringComparison.Ordinal)
                    && long.TryParse(line.AsSpan("__REALTIME_TIMESTAMP=".Length), NumberStyles.None, CultureInfo.InvariantCulture, out var us))
                    exportTime = us / 1e6;
                else if (line.StartsWith("MESSAGE=", StringComparison.Ordinal))
                    lines.Add(new KernelLogLine(line["MESSAGE=".Length..], exportTime, exportTime is null ? LogTimeKind.None : LogTimeKind.Wall));
                continue;
            }
            if (json == true)
            {
                if (ParseJournalJson(line) is { } j) lines.Add(j);
            }
            else if (line.StartsWith("-- ", StringComparison.Ordinal))
            {
                // journalctl banners ("-- Boot … --", "-- No entries --")
            }
            else if (line[0] == '{' && ParseJournalJson(line) is { } mixed) lines.Add(mixed); // a JSON record pasted into a text log
            else
            {
                // Records a paste ran together are split; a message a report wrapped is joined again below.
                foreach (var piece in LogLineSplitter.Split(line)) lines.Add(KernelLogPrefix.Strip(piece));
            }
        }
        return new KernelLog(source, json == true || export == true ? lines : WrappedLines.Join(lines), null, stats.SkippedOverlong, stats.Binary);
    }

    private static KernelLog FromJournalctl(HostPaths host, IProcessRunner runner)
    {
        var args = new List<string> { "-k", "-b", "-o", "json", "--no-pager", "-q" };
        if (!host.IsHostRootSlash) args.AddRange(["-D", host.Resolve("var/log/journal")]);
        var request = new ProcessRequest("journalctl", args) { Timeout = TimeSpan.FromSeconds(10) };
        var result = runner.Run(request);
        if (result.StartError is not null) return new KernelLog("none", [], $"no readable /dev/kmsg and {result.Describe(request)}");
        if (!result.Succeeded && result.Stdout.Length == 0) return new KernelLog("journalctl", [], result.Describe(request));
        return FromStream(new MemoryStream(Encoding.UTF8.GetBytes(result.Stdout)), "journalctl");
    }

    /// <summary>One `journalctl -o json` record; MESSAGE may be a string or a byte array (non-UTF-8).</summary>
    internal static KernelLogLine? ParseJournalJson(string line)
    {
        try
        {
            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("MESSAGE", out var msg)) return null;
            string text;
            if (msg.ValueKind == JsonValueKind.String) text = JsonStrings.Get(msg);
            else if (msg.ValueKind == JsonValueKind.Array)
            {
                var bytes = new List<byte>();
                foreach (var b in msg.EnumerateArray())
                    if (b.TryGetByte(out var v)) bytes.Add(v);
                text = Encoding.UTF8.GetString(bytes.ToArray());
            }
            else return null;
            double? seconds = null;
            if (root.TryGetProperty("__REALTIME_TIMESTAMP", out var rt) && rt.ValueKind == JsonValueKind.String
                && long.TryParse(JsonStrings.Get(rt), NumberStyles.None, CultureInfo.InvariantCulture, out var usec))
                seconds = usec / 1e6;
            var cleaned = new string(text.Select(c => c < ' ' && c != '\t' ? ' ' : c).ToArray()).TrimEnd();
            return new KernelLogLine(cleaned, seconds, seconds is null ? LogTimeKind.None : LogTimeKind.Wall);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return null;
        }
    }
}
