using System.Text.RegularExpressions;
using AmiAudit.Collectors.RootFs;

namespace AmiAudit.Collectors.Evidence;

/// <summary>
/// The dead node's time zone, for syslog stamps that carry none: <c>/etc/timezone</c> (Debian/Ubuntu),
/// else the zone the <c>/etc/localtime</c> link names (".../zoneinfo/America/New_York"), else
/// <c>ZONE=</c> in <c>/etc/sysconfig/clock</c> (older RHEL/Amazon Linux); the zone's rules come from this
/// host's tz database. Unknown or unreadable → UTC (the EC2 default), noted.
/// </summary>
public static partial class NodeTimeZone
{
    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9_+\-]*(?:/[A-Za-z0-9_+\-]+){0,3}$", RegexOptions.CultureInvariant)]
    private static partial Regex ZoneId();

    public static (TimeZoneInfo Zone, string Name) Read(RootFileSystem fs, string source)
    {
        string? id = fs.ReadText("/etc/timezone", 4096)?.Trim();
        if (string.IsNullOrEmpty(id) && fs.Lstat("/etc/localtime") is { Kind: EntryKind.Symlink, LinkTarget: { } target })
        {
            var at = target.IndexOf("zoneinfo/", StringComparison.Ordinal);
            if (at >= 0) id = target[(at + "zoneinfo/".Length)..];
        }
        if (string.IsNullOrEmpty(id) && fs.ReadText("/etc/sysconfig/clock", 4096) is { } clock)
        {
            foreach (var line in clock.Split('\n'))
            {
                var t = line.Trim();
                if (t.StartsWith("ZONE=", StringComparison.Ordinal)) id = t[5..].Trim('"', '\'', ' ');
            }
        }
        if (string.IsNullOrEmpty(id)) return (TimeZoneInfo.Utc, "UTC");
        id = id.Replace("posix/", "", StringComparison.Ordinal).Replace("right/", "", StringComparison.Ordinal);
        if (id is "UTC" or "Etc/UTC" or "Etc/UCT" or "UCT" or "Universal" or "Zulu" or "Etc/Zulu" or "Etc/Universal" or "GMT" or "Etc/GMT")
            return (TimeZoneInfo.Utc, "UTC");
        if (ZoneId().IsMatch(id))
        {
            try { return (TimeZoneInfo.FindSystemTimeZoneById(id), id); }
            catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException) { }
        }
        fs.Note(source, "time-zone-unknown", $"the root's time zone '{id}' is not known here; syslog times read as UTC", "/etc/timezone", "info");
        return (TimeZoneInfo.Utc, "UTC");
    }
}
