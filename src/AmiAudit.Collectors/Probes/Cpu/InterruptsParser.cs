using System.Globalization;
using System.Text.RegularExpressions;

namespace AmiAudit.Collectors.Probes.Cpu;

/// <summary>One /proc/interrupts row: IRQ, per-CPU counts, action name (may be empty).</summary>
public sealed record IrqRow(string Irq, SortedDictionary<int, long> Counts, string Name)
{
    public bool IsEna => InterruptsParser.IsEnaName(Name);

    /// <summary>The ENA interface a queue vector serves ("eth0" for eth0-Tx-Rx-3), or the PCI address of a
    /// management vector ("0000:00:05.0" for ena-mgmnt@pci:0000:00:05.0); null for other rows.</summary>
    public string? EnaOwner => InterruptsParser.EnaOwner(Name).Owner;

    /// <summary>The queue index of an "&lt;if&gt;-Tx-Rx-&lt;n&gt;" vector; null for the management vector and other rows.</summary>
    public int? EnaQueue => InterruptsParser.EnaOwner(Name).Queue;
}

/// <summary>
/// /proc/interrupts: header "CPU0 CPU1 …" (online CPUs only), rows "N: c0 c1 … chip hwirq-edge name".
/// ENA vectors are named "&lt;if&gt;-Tx-Rx-&lt;q&gt;" and "ena-mgmnt@pci:&lt;bdf&gt;" (README, node-facts 1.6).
/// </summary>
public static partial class InterruptsParser
{
    [GeneratedRegex(@"^(?:\S+-Tx-Rx-\d+|ena-mgmnt@\S+)$", RegexOptions.CultureInvariant)]
    private static partial Regex EnaName();

    public static bool IsEnaName(string name) => name.Length > 0 && EnaName().IsMatch(name);

    [GeneratedRegex(@"^(?:(?<if>\S+)-Tx-Rx-(?<q>\d+)|ena-mgmnt@(?:pci:)?(?<bdf>\S+))$", RegexOptions.CultureInvariant)]
    private static partial Regex EnaParts();

    internal static (string? Owner, int? Queue) EnaOwner(string name)
    {
        var m = name.Length > 0 ? EnaParts().Match(name) : Match.Empty;
        if (!m.Success) return (null, null);
        return m.Groups["if"].Success
            ? (m.Groups["if"].Value, int.TryParse(m.Groups["q"].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var q) ? q : null)
            : (m.Groups["bdf"].Value.ToLowerInvariant(), null);
    }

    public static List<int> ParseCpuHeader(string header)
    {
        var cpus = new List<int>();
        foreach (var tok in header.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            if (tok.StartsWith("CPU", StringComparison.Ordinal) && int.TryParse(tok.AsSpan(3), NumberStyles.None, CultureInfo.InvariantCulture, out var n))
                cpus.Add(n);
        return cpus;
    }

    /// <summary>Rows of the table. The "CPU0 CPU1 …" header names the online CPUs; a copy without it (cut from a
    /// report) is read as CPUs 0…n−1, n being the count columns of its widest row.</summary>
    public static List<IrqRow> Parse(string text)
    {
        var rows = new List<IrqRow>();
        var lines = text.Replace("\r", "", StringComparison.Ordinal).Split('\n');
        if (lines.Length == 0) return rows;
        var cpus = ParseCpuHeader(lines[0]);
        var body = lines.Skip(1);
        if (cpus.Count == 0)
        {
            body = lines;
            var widest = lines.Select(CountColumns).DefaultIfEmpty(0).Max();
            cpus = [.. Enumerable.Range(0, widest)];
        }
        foreach (var line in body)
        {
            var colon = line.IndexOf(':');
            if (colon <= 0) continue;
            var irq = line[..colon].Trim();
            var tokens = line[(colon + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var counts = new SortedDictionary<int, long>();
            var i = 0;
            for (; i < tokens.Length && i < cpus.Count; i++)
            {
                if (!long.TryParse(tokens[i], NumberStyles.None, CultureInfo.InvariantCulture, out var v)) break;
                counts[cpus[i]] = v;
            }
            // Numbered IRQs: "<chip...> <hwirq>-edge <name>". The name is the last token unless the
            // row ends at the "-edge"/"-fasteoi" type (blank action name, amzn-drivers#316).
            var name = "";
            if (i < tokens.Length && irq.Length > 0 && char.IsAsciiDigit(irq[0]))
            {
                var last = tokens[^1];
                var isType = last.EndsWith("-edge", StringComparison.Ordinal) || last.EndsWith("-fasteoi", StringComparison.Ordinal) || last.EndsWith("-level", StringComparison.Ordinal);
                if (tokens.Length - i >= 2 && !isType) name = last;
            }
            rows.Add(new IrqRow(irq, counts, name));
        }
        return rows;
    }
}

public static partial class InterruptsParser
{
    /// <summary>Leading count columns of one row ("  28:    9912233          0   PCI-MSI …" → 2).</summary>
    private static int CountColumns(string line)
    {
        var colon = line.IndexOf(':');
        if (colon <= 0) return 0;
        var n = 0;
        foreach (var tok in line[(colon + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!tok.All(char.IsAsciiDigit)) break;
            n++;
        }
        return n;
    }
}

/// <summary>Kernel CPU lists: "1", "0-3,8-11", "" (none).</summary>
public static class CpuListParser
{
    public static SortedSet<int>? Parse(string text)
    {
        var set = new SortedSet<int>();
        foreach (var part in text.Trim().Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var dash = part.IndexOf('-');
            if (dash < 0)
            {
                if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var one)) return null;
                set.Add(one);
                continue;
            }
            if (!int.TryParse(part.AsSpan(0, dash), NumberStyles.None, CultureInfo.InvariantCulture, out var a)
                || !int.TryParse(part.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var b)
                || b < a || b - a > 65536) return null;
            for (var c = a; c <= b; c++) set.Add(c);
        }
        return set;
    }
}
