using System.Globalization;

namespace AmiAudit.Collectors.Probes.Memcg;

/// <summary>One row of /proc/cgroups: subsys, hierarchy id, num_cgroups, enabled.</summary>
public sealed record CgroupsRow(string Subsys, int Hierarchy, long NumCgroups, bool Enabled);

/// <summary>
/// /proc/cgroups (kernel/cgroup/cgroup-v1.c proc_cgroupstats_show). Tabs in kernel output, spaces in
/// docs: split on any whitespace. The memory row may be absent (CONFIG_MEMCG_V1=n on v2 hosts).
/// </summary>
public static class ProcCgroupsParser
{
    public static (List<CgroupsRow> Rows, List<string> Errors) Parse(string text)
    {
        var rows = new List<CgroupsRow>();
        var errors = new List<string>();
        var lineNo = 0;
        foreach (var raw in text.Split('\n'))
        {
            lineNo++;
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#') continue;
            var f = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (f.Length < 4
                || !int.TryParse(f[1], NumberStyles.None, CultureInfo.InvariantCulture, out var h)
                || !long.TryParse(f[2], NumberStyles.None, CultureInfo.InvariantCulture, out var n)
                || f[3] is not ("0" or "1"))
            {
                errors.Add($"proc/cgroups:{lineNo}: unexpected row '{Clip(line)}'");
                continue;
            }
            rows.Add(new CgroupsRow(f[0], h, n, f[3] == "1"));
        }
        return (rows, errors);
    }

    internal static string Clip(string s) => s.Length <= 60 ? s : s[..60] + "…";
}
