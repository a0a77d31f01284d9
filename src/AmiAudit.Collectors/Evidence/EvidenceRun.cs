using AmiAudit.Collectors.RootFs;
using AmiAudit.Core.Model;

namespace AmiAudit.Collectors.Evidence;

/// <summary>
/// What every evidence collector of one collection shares: the confined root, the time bounds
/// (<c>--since/--until</c>), the limits, and the node's time zone (syslog stamps carry none); the byte budget over
/// a rotation set, and the row (<see cref="EvidenceSource"/>) every file read leaves, each cap a diagnostic.
/// </summary>
public sealed class EvidenceRun
{
    private EvidenceRun(RootFileSystem fs, string source, DateTimeOffset? since, DateTimeOffset? until, EvidenceLimits limits, TimeZoneInfo zone, string zoneName)
    {
        Fs = fs;
        Source = source;
        Since = since;
        Until = until;
        Limits = limits;
        Zone = zone;
        ZoneName = zoneName;
    }

    public RootFileSystem Fs { get; }
    /// <summary>The collector's name, for diagnostics.</summary>
    public string Source { get; }
    public DateTimeOffset? Since { get; }
    public DateTimeOffset? Until { get; }
    public EvidenceLimits Limits { get; }
    public TimeZoneInfo Zone { get; }
    public string ZoneName { get; }

    public static EvidenceRun For(CollectionContext context, string source)
    {
        var (zone, name) = NodeTimeZone.Read(context.Fs, source);
        return new EvidenceRun(context.Fs, source, context.Since, context.Until, context.EvidenceLimits ?? new EvidenceLimits(), zone, name);
    }

    /// <summary>For evidence outside a root (a copied journal directory, an export file).</summary>
    public static EvidenceRun ForDirectory(RootFileSystem fs, string source, DateTimeOffset? since, DateTimeOffset? until) =>
        new(fs, source, since, until, new EvidenceLimits(), TimeZoneInfo.Utc, "UTC");

    public bool InBounds(DateTimeOffset? t) => t is not { } v || ((Since is null || v >= Since) && (Until is null || v <= Until));

    /// <summary>The evidence section to add to (created with this run's bounds when the snapshot has none yet).</summary>
    public EvidenceFacts Current(Snapshot snapshot) =>
        snapshot.Evidence ?? new EvidenceFacts { Since = Since, Until = Until, TimeZone = ZoneName };

    /// <summary>Files of a rotation set to read within the byte budget: newest first count, read oldest first.</summary>
    public List<LogFile> WithinBudget(List<LogFile> files, string kind, List<EvidenceSource> sources)
    {
        var chosen = new List<LogFile>();
        long total = 0;
        for (var i = files.Count - 1; i >= 0; i--)
        {
            var f = files[i];
            var cost = Math.Min(f.Gzip ? Math.Max(f.Size * 8, f.Size) : f.Size, f.Gzip ? Limits.MaxGzipBytes : Limits.MaxBytesPerFile);
            if (total + cost > Limits.MaxBytesPerSource && chosen.Count > 0)
            {
                Fs.Note(Source, "budget-exhausted", $"read {total} bytes of {kind} logs; older rotations were not read", f.Path);
                sources.Add(new EvidenceSource { Path = f.Path, Kind = kind, Status = "skipped", Detail = "older than the byte budget" });
                continue;
            }
            total += cost;
            chosen.Add(f);
        }
        chosen.Reverse();
        return chosen;
    }

    public EvidenceSource Row(string path, string kind, LogStream stream, long lines, long overlong)
    {
        string? detail = null;
        if (stream.SkippedHead > 0)
        {
            detail = $"file is larger than {Limits.MaxBytesPerFile} bytes; its first {stream.SkippedHead} bytes were not read";
            Fs.Note(Source, "size-capped", detail, path);
        }
        else if (stream.Capped)
        {
            detail = $"decompressed past {Limits.MaxGzipBytes} bytes; the rest was not read (gzip bomb or huge rotation)";
            Fs.Note(Source, "gzip-capped", detail, path);
        }
        if (overlong > 0)
        {
            var note = $"{overlong} line(s) longer than {Limits.MaxLineChars} characters skipped";
            detail = detail is null ? note : detail + "; " + note;
        }
        return new EvidenceSource { Path = path, Kind = kind, Status = stream.Capped ? "capped" : "read", Bytes = stream.Bytes, Lines = lines, Detail = detail };
    }
}
