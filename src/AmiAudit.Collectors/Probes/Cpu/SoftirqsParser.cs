using System.Globalization;

namespace AmiAudit.Collectors.Probes.Cpu;

/// <summary>
/// /proc/softirqs: a header of "CPUn" columns (possible CPUs), then "NAME: v v v" rows. Counts are
/// events, not time; the probe uses NET_RX deltas per CPU.
/// </summary>
public static class SoftirqsParser
{
    /// <summary>Row name → (cpu → count). Missing or garbled cells are left out.</summary>
    public static SortedDictionary<string, SortedDictionary<int, long>> Parse(string text)
    {
        var result = new SortedDictionary<string, SortedDictionary<int, long>>(StringComparer.Ordinal);
        var lines = text.Split('\n');
        if (lines.Length == 0) return result;
        var cpus = InterruptsParser.ParseCpuHeader(lines[0]);
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':');
            if (colon <= 0) continue;
            var name = line[..colon].Trim();
            var cells = line[(colon + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var row = new SortedDictionary<int, long>();
            for (var i = 0; i < cells.Length && i < cpus.Count; i++)
                if (long.TryParse(cells[i], NumberStyles.None, CultureInfo.InvariantCulture, out var v)) row[cpus[i]] = v;
            result[name] = row;
        }
        return result;
    }
}
