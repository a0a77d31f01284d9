using System.Globalization;
using System.Text.RegularExpressions;
using AmiAudit.Collectors.RootFs;

namespace AmiAudit.Collectors.Evidence;

/// <summary>One log file of a rotation set, as found in the root.</summary>
public sealed record LogFile(string Path, string Name, bool Gzip, long Size);

/// <summary>
/// A log and its rotations, oldest first: <c>kern.log.4.gz … kern.log.2.gz kern.log.1 kern.log</c> (logrotate's
/// numbered scheme, higher = older) and <c>messages-20260301[.gz] … messages</c> (dateext, earlier date = older).
/// Only regular files (symlinks re-rooted and followed by the reader; FIFOs/devices never opened). A name is
/// recognised as gzip by its ".gz" suffix; the reader also checks the magic bytes.
/// </summary>
public static partial class LogFiles
{
    [GeneratedRegex(@"^(?<base>.+?)(?:\.(?<n>\d{1,4})|-(?<d>\d{8}(?:\d{2})?)|\.(?<h>\d{4}-\d{2}-\d{2}(?:-\d{2})?))?(?<gz>\.gz)?$", RegexOptions.CultureInvariant)]
    private static partial Regex Rotated();

    public static List<LogFile> Find(RootFileSystem fs, string dir, string baseName)
    {
        var found = new List<(LogFile File, int Rank, long Key)>();
        foreach (var entry in fs.List(dir))
        {
            if (!entry.Name.StartsWith(baseName, StringComparison.Ordinal)) continue;
            var m = Rotated().Match(entry.Name);
            if (!m.Success || m.Groups["base"].Value != baseName) continue;
            var stat = entry.Kind == EntryKind.Symlink ? fs.Stat(entry.Path) : entry;
            if (stat.Kind != EntryKind.File) continue;
            var gz = m.Groups["gz"].Success;
            // Rank: current file last (newest); numbered rotations by number descending; dateext by date ascending.
            var (rank, key) = m.Groups["n"].Success ? (0, -long.Parse(m.Groups["n"].ValueSpan, CultureInfo.InvariantCulture))
                : m.Groups["h"].Success ? (0, long.Parse(m.Groups["h"].Value.Replace("-", "", StringComparison.Ordinal).PadRight(10, '0'), CultureInfo.InvariantCulture) - long.MaxValue / 2)
                : m.Groups["d"].Success ? (0, long.Parse(m.Groups["d"].ValueSpan, CultureInfo.InvariantCulture) * (m.Groups["d"].Length == 8 ? 100 : 1) - long.MaxValue / 2)
                : gz ? (0, 1) : (1, 0);
            found.Add((new LogFile(entry.Path, entry.Name, gz, stat.Size), rank, key));
        }
        return [.. found.OrderBy(f => f.Rank).ThenBy(f => f.Key).ThenBy(f => f.File.Name, StringComparer.Ordinal).Select(f => f.File)];
    }
}
