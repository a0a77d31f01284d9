using System.Globalization;

namespace AmiAudit.Collectors.Probes.Cpu;

/// <summary>The fields of /proc/[pid]/stat (or task/[tid]/stat) the CPU probe needs.</summary>
public readonly record struct TaskStat(int Id, string Comm, ulong Utime, ulong Stime, ulong StartTime, int Processor);

/// <summary>
/// proc(5) /proc/[pid]/stat: comm is in parentheses and may itself contain spaces and ')', so the
/// line is split at the LAST ')'. Fields counted from 1: (14) utime (15) stime (22) starttime (39) processor.
/// </summary>
public static class TaskStatParser
{
    public static TaskStat? Parse(string line)
    {
        var open = line.IndexOf('(');
        var close = line.LastIndexOf(')');
        if (open <= 0 || close < open) return null;
        if (!int.TryParse(line.AsSpan(0, open).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var id)) return null;
        var comm = line[(open + 1)..close];
        // After ") " comes field 3 (state); field n is at index n-3.
        var rest = line[(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (rest.Length < 37) return null;
        if (!ulong.TryParse(rest[11], NumberStyles.None, CultureInfo.InvariantCulture, out var ut)
            || !ulong.TryParse(rest[12], NumberStyles.None, CultureInfo.InvariantCulture, out var st)
            || !ulong.TryParse(rest[19], NumberStyles.None, CultureInfo.InvariantCulture, out var start)
            || !int.TryParse(rest[36], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var cpu))
            return null;
        return new TaskStat(id, comm, ut, st, start, cpu);
    }
}
