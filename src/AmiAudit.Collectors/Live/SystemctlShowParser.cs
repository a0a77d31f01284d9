using System.Globalization;

namespace AmiAudit.Collectors.Live;

/// <summary>The live properties of one unit, as one <c>systemctl show</c> block gives them.</summary>
public sealed record SystemdLiveUnit
{
    public string Id { get; init; } = "";
    /// <summary>Id plus aliases (property Names), so an alias asked for by name maps to its block.</summary>
    public IReadOnlyList<string> Names { get; init; } = [];
    public string? Description { get; init; }
    public string? LoadState { get; init; }
    public string? ActiveState { get; init; }
    public string? SubState { get; init; }
    public string? Result { get; init; }
    public long? NRestarts { get; init; }
    public int? ExecMainCode { get; init; }
    public int? ExecMainStatus { get; init; }
    public DateTimeOffset? ActiveEnterTimestamp { get; init; }
    public string? UnitFileState { get; init; }
    public string? FragmentPath { get; init; }
}

/// <summary>
/// Parses <c>systemctl show</c> output: <c>Key=Value</c> lines, units separated by a blank line
/// (node-facts 4.1). Property order inside a block is systemd's, not the <c>-p</c> order; keys
/// missing from a block (e.g. NRestarts on a target, or on systemd &lt; 235) stay null.
/// </summary>
public static class SystemctlShowParser
{
    /// <summary>The properties the live collector asks for, in one <c>-p</c> list.</summary>
    public const string Properties =
        "Id,Names,Description,LoadState,ActiveState,SubState,Result,NRestarts,ExecMainCode,ExecMainStatus,ActiveEnterTimestamp,UnitFileState,FragmentPath";

    public static IReadOnlyList<IReadOnlyDictionary<string, string>> ParseBlocks(string text)
    {
        var blocks = new List<IReadOnlyDictionary<string, string>>();
        var current = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length == 0)
            {
                if (current.Count > 0) { blocks.Add(current); current = new(StringComparer.Ordinal); }
                continue;
            }
            var eq = line.IndexOf('=');
            if (eq <= 0) continue; // not a property line (stray warning text): ignore rather than guess
            current[line[..eq]] = line[(eq + 1)..];
        }
        if (current.Count > 0) blocks.Add(current);
        return blocks;
    }

    public static IReadOnlyList<SystemdLiveUnit> Parse(string text) =>
        [.. ParseBlocks(text).Select(ToUnit).Where(u => u.Id.Length > 0)];

    public static SystemdLiveUnit ToUnit(IReadOnlyDictionary<string, string> p)
    {
        var id = Get(p, "Id") ?? "";
        var names = (Get(p, "Names") ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();
        if (id.Length > 0 && !names.Contains(id, StringComparer.Ordinal)) names.Insert(0, id);
        return new SystemdLiveUnit
        {
            Id = id,
            Names = names,
            Description = Get(p, "Description"),
            LoadState = Get(p, "LoadState"),
            ActiveState = Get(p, "ActiveState"),
            SubState = Get(p, "SubState"),
            Result = Get(p, "Result"),
            NRestarts = long.TryParse(Get(p, "NRestarts"), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null,
            ExecMainCode = int.TryParse(Get(p, "ExecMainCode"), NumberStyles.None, CultureInfo.InvariantCulture, out var c) ? c : null,
            ExecMainStatus = int.TryParse(Get(p, "ExecMainStatus"), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var s) ? s : null,
            ActiveEnterTimestamp = SystemdTimestamp.Parse(Get(p, "ActiveEnterTimestamp")),
            UnitFileState = Get(p, "UnitFileState"),
            FragmentPath = Get(p, "FragmentPath"),
        };
    }

    /// <summary>Empty and "n/a" both mean "unset" in systemctl output.</summary>
    private static string? Get(IReadOnlyDictionary<string, string> p, string key) =>
        p.TryGetValue(key, out var v) && v.Length > 0 && v != "n/a" ? v : null;
}
