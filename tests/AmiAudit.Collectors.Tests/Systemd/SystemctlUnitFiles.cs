using AmiAudit.Collectors.Tests.RealParts;

namespace AmiAudit.Collectors.Tests.Systemd;

/// <summary>The real `systemctl --root=DIR list-unit-files`, parsed: unit → (state, preset or "-").</summary>
internal static class SystemctlUnitFiles
{
    public static SortedDictionary<string, (string State, string Preset)> List(string root)
    {
        // Warnings about broken unit files go to stderr; only stdout is the table.
        var (code, output, stderr) = DebianRoot.RunSplit("systemctl", $"--root={root}", "list-unit-files", "--no-legend", "--no-pager", "--full");
        if (code != 0) throw new InvalidOperationException($"systemctl list-unit-files failed ({code}): {output}{stderr}");
        var result = new SortedDictionary<string, (string, string)>(StringComparer.Ordinal);
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var cols = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (cols.Length < 2) throw new InvalidOperationException($"unexpected systemctl line: '{line}'");
            result[cols[0]] = (cols[1], cols.Length > 2 ? cols[2] : "-");
        }
        return result;
    }

    public static void Systemctl(string root, params string[] args)
    {
        var (code, output) = DebianRoot.Run("systemctl", [$"--root={root}", .. args]);
        if (code != 0) throw new InvalidOperationException($"systemctl --root {string.Join(' ', args)} failed ({code}): {output}");
    }
}
