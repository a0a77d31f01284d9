using System.Globalization;

namespace AmiAudit.Collectors.Probes.Cpu;

/// <summary>
/// Per-CPU lines of /proc/stat ("cpuN user nice system idle iowait irq softirq steal guest guest_nice").
/// The aggregate "cpu " line is skipped; offline CPUs have no line; older kernels print fewer
/// columns (missing ones read as 0, like sysstat's sscanf). Garbled lines are reported, not fatal.
/// </summary>
public static class ProcStatParser
{
    public static (SortedDictionary<int, CpuTimes> Cpus, List<string> Errors) Parse(string text)
    {
        var cpus = new SortedDictionary<int, CpuTimes>();
        var errors = new List<string>();
        var lineNo = 0;
        foreach (var line in text.Split('\n'))
        {
            lineNo++;
            if (!line.StartsWith("cpu", StringComparison.Ordinal) || line.Length < 4 || !char.IsAsciiDigit(line[3])) continue;
            var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (!int.TryParse(f[0].AsSpan(3), NumberStyles.None, CultureInfo.InvariantCulture, out var cpu) || f.Length < 5)
            {
                errors.Add($"proc/stat:{lineNo}: unexpected cpu line '{Clip(line)}'");
                continue;
            }
            var v = new ulong[10];
            var ok = true;
            for (var i = 1; i < f.Length && i <= 10; i++)
                ok &= ulong.TryParse(f[i], NumberStyles.None, CultureInfo.InvariantCulture, out v[i - 1]);
            if (!ok)
            {
                errors.Add($"proc/stat:{lineNo}: non-numeric field in '{Clip(line)}'");
                continue;
            }
            cpus[cpu] = new CpuTimes(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9]);
        }
        return (cpus, errors);
    }

    internal static string Clip(string s) => s.Length <= 60 ? s : s[..60] + "…";
}
