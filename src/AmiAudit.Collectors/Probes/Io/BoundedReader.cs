using System.Text;

namespace AmiAudit.Collectors.Probes.Io;

/// <summary>
/// Capped reads of host files. /proc files report size 0, so everything is read to EOF with a byte
/// cap; logs are read line-wise with a maximum line length so a 10 MB line (or binary junk without
/// newlines) costs a bounded buffer, not memory proportional to the line.
/// </summary>
public static class BoundedReader
{
    public const int DefaultMaxBytes = 4 * 1024 * 1024;
    public const int DefaultMaxLine = 64 * 1024;

    /// <summary>Reads a whole (small) file; failures become an explanation, never an exception.</summary>
    public static ReadOutcome ReadText(string path, string displayName, int maxBytes = DefaultMaxBytes)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.None);
            var buffer = new byte[Math.Min(maxBytes, 64 * 1024)];
            using var ms = new MemoryStream();
            int n;
            while ((n = stream.Read(buffer, 0, buffer.Length)) > 0)
            {
                var take = (int)Math.Min(n, maxBytes - ms.Length);
                ms.Write(buffer, 0, take);
                if (ms.Length >= maxBytes) break;
            }
            return new ReadOutcome(Encoding.UTF8.GetString(ms.GetBuffer(), 0, (int)ms.Length), null);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            return ReadOutcome.Fail(Describe(e, displayName));
        }
    }

    /// <summary>Human wording for a failed read: "permission denied reading proc/cgroups".</summary>
    public static string Describe(Exception e, string displayName) => e switch
    {
        UnauthorizedAccessException => $"permission denied reading {displayName}",
        FileNotFoundException or DirectoryNotFoundException => $"{displayName} not found",
        _ => $"cannot read {displayName}: {e.Message}",
    };

    /// <summary>
    /// Splits a stream into lines of at most <paramref name="maxLine"/> bytes; longer lines are skipped
    /// whole (counted in <paramref name="stats"/>). Invalid UTF-8 becomes U+FFFD, NULs are kept out.
    /// </summary>
    public static IEnumerable<string> ReadLines(Stream stream, int maxLine = DefaultMaxLine, LineStats? stats = null)
    {
        var chunk = new byte[64 * 1024];
        var line = new byte[maxLine];
        var len = 0;
        var overlong = false;
        int n;
        while ((n = stream.Read(chunk, 0, chunk.Length)) > 0)
        {
            for (var i = 0; i < n; i++)
            {
                var b = chunk[i];
                if (b == (byte)'\n')
                {
                    if (overlong) { if (stats is not null) stats.SkippedOverlong++; }
                    else yield return Decode(line, len, stats);
                    len = 0;
                    overlong = false;
                    continue;
                }
                if (overlong) continue;
                if (len == maxLine) { overlong = true; continue; }
                line[len++] = b;
            }
        }
        if (overlong) { if (stats is not null) stats.SkippedOverlong++; }
        else if (len > 0) yield return Decode(line, len, stats);
    }

    private static string Decode(byte[] line, int len, LineStats? stats)
    {
        if (stats is not null) stats.Lines++;
        var text = Encoding.UTF8.GetString(line, 0, len);
        // NULs and other C0 controls would only confuse the matchers; tabs survive.
        if (text.AsSpan().IndexOfAnyInRange('\0', '\u0008') < 0) return text.TrimEnd('\r');
        if (stats is not null) stats.Binary++;
        var sb = new StringBuilder(text.Length);
        foreach (var c in text) sb.Append(c < ' ' && c != '\t' ? ' ' : c);
        return sb.ToString().TrimEnd('\r');
    }
}

/// <summary>What the line reader skipped, for the probe's Detail.</summary>
public sealed class LineStats
{
    public long Lines { get; set; }
    public long SkippedOverlong { get; set; }
    public long Binary { get; set; }
}
