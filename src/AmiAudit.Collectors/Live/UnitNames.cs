namespace AmiAudit.Collectors.Live;

/// <summary>Which names <c>systemctl show</c> accepts: one invalid name (a template like
/// getty@.service) aborts the whole invocation with "neither a valid invocation ID nor unit name",
/// dropping every unit after it, so names are checked before they are batched.</summary>
public static class UnitNames
{
    private static readonly string[] Suffixes =
        [".service", ".socket", ".target", ".timer", ".mount", ".automount", ".swap", ".path", ".slice", ".scope", ".device"];

    public static bool IsValidInstanceName(string name)
    {
        if (name.Length is 0 or > 255) return false;
        var suffix = Suffixes.FirstOrDefault(s => name.EndsWith(s, StringComparison.Ordinal));
        if (suffix is null || name.Length == suffix.Length) return false;
        var stem = name[..^suffix.Length];
        if (stem.EndsWith('@')) return false; // template, not an instance
        foreach (var ch in stem)
            if (!(char.IsAsciiLetterOrDigit(ch) || ch is ':' or '-' or '_' or '.' or '\\' or '@')) return false;
        return true;
    }

    /// <summary>"ecs.service" → "service".</summary>
    public static string TypeOf(string name)
    {
        var dot = name.LastIndexOf('.');
        return dot < 0 ? "" : name[(dot + 1)..];
    }
}
