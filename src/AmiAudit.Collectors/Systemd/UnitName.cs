namespace AmiAudit.Collectors.Systemd;

/// <summary>What kind of unit name a string is (systemd's UnitNameFlags).</summary>
internal enum UnitNameKind
{
    Invalid,
    Plain,
    Template,
    Instance,
}

/// <summary>
/// Unit-name rules ported from systemd's src/basic/unit-name.c, so that exactly the names systemd
/// accepts are listed and matched: valid characters, a known type suffix, the "@" template/instance
/// split and the 255-byte limit.
/// </summary>
internal static class UnitName
{
    private const int MaxLength = 255;

    private static readonly HashSet<string> Types = new(StringComparer.Ordinal)
    {
        "service", "mount", "swap", "socket", "target", "device", "automount", "timer", "path", "slice", "scope",
    };

    public static UnitNameKind Classify(string name)
    {
        if (name.Length == 0 || name.Length > MaxLength) return UnitNameKind.Invalid;
        var dot = name.LastIndexOf('.');
        if (dot <= 0) return UnitNameKind.Invalid;
        if (!Types.Contains(name[(dot + 1)..])) return UnitNameKind.Invalid;
        var at = name.IndexOf('@');
        if (at < 0 || at > dot)
            return AllValid(name, 0, dot, allowAt: false) ? UnitNameKind.Plain : UnitNameKind.Invalid;
        if (at == 0 || !AllValid(name, 0, at, allowAt: false)) return UnitNameKind.Invalid;
        if (at + 1 == dot) return UnitNameKind.Template;
        return AllValid(name, at + 1, dot, allowAt: true) ? UnitNameKind.Instance : UnitNameKind.Invalid;
    }

    public static bool IsValid(string name) => Classify(name) != UnitNameKind.Invalid;

    public static bool IsTemplate(string name) => Classify(name) == UnitNameKind.Template;

    public static bool IsInstance(string name) => Classify(name) == UnitNameKind.Instance;

    /// <summary>"service" for "foo.service" (no validation).</summary>
    public static string TypeOf(string name)
    {
        var dot = name.LastIndexOf('.');
        return dot < 0 ? "" : name[(dot + 1)..];
    }

    /// <summary>"foo@.service" for "foo@bar.service" or "foo@.service"; null otherwise (unit_name_template).</summary>
    public static string? Template(string name)
    {
        var kind = Classify(name);
        if (kind is not (UnitNameKind.Instance or UnitNameKind.Template)) return null;
        var at = name.IndexOf('@');
        var dot = name.LastIndexOf('.');
        return string.Concat(name.AsSpan(0, at + 1), name.AsSpan(dot));
    }

    /// <summary>"bar" for "foo@bar.service", "" for a template, null for a plain name.</summary>
    public static string? Instance(string name)
    {
        var kind = Classify(name);
        if (kind is not (UnitNameKind.Instance or UnitNameKind.Template)) return null;
        var at = name.IndexOf('@');
        var dot = name.LastIndexOf('.');
        return name[(at + 1)..dot];
    }

    /// <summary>"foo" for "foo@bar.service" or "foo.service".</summary>
    public static string Prefix(string name)
    {
        var at = name.IndexOf('@');
        if (at >= 0) return name[..at];
        var dot = name.LastIndexOf('.');
        return dot < 0 ? name : name[..dot];
    }

    /// <summary>"foo@x.service" from "foo@.service" or "foo@y.service" and "x" (unit_name_replace_instance).</summary>
    public static string? ReplaceInstance(string name, string instance)
    {
        var kind = Classify(name);
        if (kind is not (UnitNameKind.Instance or UnitNameKind.Template)) return null;
        var at = name.IndexOf('@');
        var dot = name.LastIndexOf('.');
        var result = string.Concat(name.AsSpan(0, at + 1), instance, name.AsSpan(dot));
        return IsValid(result) ? result : null;
    }

    /// <summary>unit_type_may_template: only these types can have templates and instances.</summary>
    public static bool TypeMayTemplate(string type) => type is "service" or "socket" or "target" or "timer" or "path";

    /// <summary>unit_type_may_alias: Alias= and alias symlinks are honoured only for these types.</summary>
    public static bool TypeMayAlias(string type) => type is "service" or "socket" or "target" or "device" or "timer" or "path";

    private static bool AllValid(string s, int start, int end, bool allowAt)
    {
        for (var i = start; i < end; i++)
        {
            var c = s[i];
            var ok = c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9' or ':' or '-' or '_' or '.' or '\\'
                     || (allowAt && c == '@');
            if (!ok) return false;
        }
        return true;
    }
}
