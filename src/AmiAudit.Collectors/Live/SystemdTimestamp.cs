using System.Globalization;
using System.Text.RegularExpressions;

namespace AmiAudit.Collectors.Live;

/// <summary>
/// Parses systemd's printed timestamps: <c>Sun 2026-09-27 07:00:59 UTC</c>, optionally with
/// microseconds (<c>--timestamp=us</c>) and without the weekday. The zone is an abbreviation in the
/// caller's TZ; the collector runs systemctl with TZ=UTC so it is UTC/GMT. A numeric zone
/// (+0100, +01:00) is accepted; any other abbreviation is ambiguous (CST is three zones) → null.
/// </summary>
public static partial class SystemdTimestamp
{
    [GeneratedRegex(@"^(?:[A-Za-z]{3}\s+)?(?<date>\d{4}-\d{2}-\d{2})\s+(?<time>\d{2}:\d{2}:\d{2})(?:\.(?<frac>\d{1,9}))?(?:\s+(?<zone>\S+))?$", RegexOptions.CultureInvariant)]
    private static partial Regex Shape();

    public static DateTimeOffset? Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text) || text == "n/a") return null;
        var m = Shape().Match(text.Trim());
        if (!m.Success) return null;
        if (!DateTime.TryParseExact(m.Groups["date"].Value + " " + m.Groups["time"].Value, "yyyy-MM-dd HH:mm:ss",
                CultureInfo.InvariantCulture, DateTimeStyles.None, out var local)) return null;
        if (m.Groups["frac"].Success)
        {
            var frac = m.Groups["frac"].Value.PadRight(7, '0')[..7]; // ticks are 100 ns
            local = local.AddTicks(long.Parse(frac, CultureInfo.InvariantCulture));
        }
        var offset = ZoneOffset(m.Groups["zone"].Success ? m.Groups["zone"].Value : "UTC");
        // 0001-01-01 00:00 +01:00 is before the first instant DateTimeOffset holds: no time, not an exception.
        return offset is TimeSpan o && local.Ticks - o.Ticks >= DateTime.MinValue.Ticks && local.Ticks - o.Ticks <= DateTime.MaxValue.Ticks
            ? new DateTimeOffset(local, o) : null;
    }

    private static TimeSpan? ZoneOffset(string zone)
    {
        if (zone is "UTC" or "GMT" or "Z" or "UCT") return TimeSpan.Zero;
        var z = zone.Replace(":", "", StringComparison.Ordinal);
        if (z.Length == 5 && (z[0] == '+' || z[0] == '-') && int.TryParse(z.AsSpan(1, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var h)
            && int.TryParse(z.AsSpan(3, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var mi) && h <= 14 && mi < 60)
        {
            var span = new TimeSpan(h, mi, 0);
            return z[0] == '-' ? -span : span;
        }
        return null;
    }
}
