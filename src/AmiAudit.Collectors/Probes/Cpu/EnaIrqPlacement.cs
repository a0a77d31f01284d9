using AmiAudit.Collectors.Probes.Io;

namespace AmiAudit.Collectors.Probes.Cpu;

/// <summary>
/// Which core serves which ENA vector. Preference: /proc/irq/N/effective_affinity_list (the CPU the
/// kernel actually uses), then smp_affinity_list when it names one CPU, else the CPU with the most
/// interrupts in /proc/interrupts (a wide "0-63" mask says nothing about where it fired).
/// </summary>
public static class EnaIrqPlacement
{
    public static Dictionary<int, List<string>> Read(HostPaths host)
    {
        var result = new Dictionary<int, List<string>>();
        var text = BoundedReader.ReadText(host.Resolve("proc/interrupts"), "proc/interrupts");
        if (!text.Ok) return result;
        foreach (var row in InterruptsParser.Parse(text.Text!).Where(r => r.IsEna))
        {
            foreach (var cpu in CpusOf(host, row))
            {
                if (!result.TryGetValue(cpu, out var list)) result[cpu] = list = [];
                if (!list.Contains(row.Name)) list.Add(row.Name);
            }
        }
        foreach (var list in result.Values) list.Sort(StringComparer.Ordinal);
        return result;
    }

    internal static IEnumerable<int> CpusOf(HostPaths host, IrqRow row)
    {
        var effective = ReadList(host, $"proc/irq/{row.Irq}/effective_affinity_list");
        if (effective is { Count: > 0 }) return effective;
        var allowed = ReadList(host, $"proc/irq/{row.Irq}/smp_affinity_list");
        if (allowed is { Count: 1 }) return allowed;
        var max = row.Counts.Where(kv => kv.Value > 0).OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key).Select(kv => kv.Key).Take(1);
        return max;
    }

    private static SortedSet<int>? ReadList(HostPaths host, string relative)
    {
        var text = BoundedReader.ReadText(host.Resolve(relative), relative, 4096);
        return text.Ok ? CpuListParser.Parse(text.Text!) : null;
    }
}
