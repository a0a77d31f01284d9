using System.Globalization;

namespace AmiAudit.Collectors.Probes.Memcg;

/// <summary>
/// cgroup v2 cgroup.stat: "key value" lines. Keys are optional and unknown keys accepted
/// (nr_subsys_* / nr_dying_subsys_* only exist on newer kernels); negative or non-numeric values are errors.
/// </summary>
public static class CgroupStatParser
{
    public static (SortedDictionary<string, long> Values, List<string> Errors) Parse(string text)
    {
        var values = new SortedDictionary<string, long>(StringComparer.Ordinal);
        var errors = new List<string>();
        var lineNo = 0;
        foreach (var raw in text.Split('\n'))
        {
            lineNo++;
            var line = raw.Trim();
            if (line.Length == 0) continue;
            var f = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (f.Length != 2 || !long.TryParse(f[1], NumberStyles.None, CultureInfo.InvariantCulture, out var v))
            {
                errors.Add($"cgroup.stat:{lineNo}: unexpected line '{ProcCgroupsParser.Clip(line)}'");
                continue;
            }
            values[f[0]] = v;
        }
        return (values, errors);
    }
}
