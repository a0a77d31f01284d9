namespace AmiAudit.Collectors.Systemd;

/// <summary>What a unit directory is, as systemd's LookupPaths names them.</summary>
internal enum UnitDirKind
{
    PersistentControl,
    RuntimeControl,
    Transient,
    GeneratorEarly,
    PersistentConfig,
    PersistentAttached,
    RuntimeConfig,
    RuntimeAttached,
    Generator,
    Vendor,
    GeneratorLate,
}

internal sealed record UnitDir(string Path, UnitDirKind Kind);

/// <summary>
/// The system manager's unit search path, in priority order, as lookup_paths_init() builds it for
/// <c>systemctl --root</c> (src/basic/path-lookup.c; `systemd-analyze unit-paths` on Debian 12 prints
/// exactly this list). /lib/systemd/system is kept even on merged-/usr roots because Debian's systemd
/// (built with split-usr) searches it there too; a file found through it is reported under /lib, as
/// systemctl does.
/// </summary>
internal static class UnitSearchPath
{
    public const string PersistentConfig = "/etc/systemd/system";

    public static readonly IReadOnlyList<UnitDir> System =
    [
        new("/etc/systemd/system.control", UnitDirKind.PersistentControl),
        new("/run/systemd/system.control", UnitDirKind.RuntimeControl),
        new("/run/systemd/transient", UnitDirKind.Transient),
        new("/run/systemd/generator.early", UnitDirKind.GeneratorEarly),
        new("/etc/systemd/system", UnitDirKind.PersistentConfig),
        new("/etc/systemd/system.attached", UnitDirKind.PersistentAttached),
        new("/run/systemd/system", UnitDirKind.RuntimeConfig),
        new("/run/systemd/system.attached", UnitDirKind.RuntimeAttached),
        new("/run/systemd/generator", UnitDirKind.Generator),
        new("/usr/local/lib/systemd/system", UnitDirKind.Vendor),
        new("/lib/systemd/system", UnitDirKind.Vendor),
        new("/usr/lib/systemd/system", UnitDirKind.Vendor),
        new("/run/systemd/generator.late", UnitDirKind.GeneratorLate),
    ];

    /// <summary>Preset directories (CONF_PATHS("systemd/system-preset") with split-usr).</summary>
    public static readonly IReadOnlyList<string> PresetDirs =
    [
        "/etc/systemd/system-preset",
        "/run/systemd/system-preset",
        "/usr/local/lib/systemd/system-preset",
        "/usr/lib/systemd/system-preset",
        "/lib/systemd/system-preset",
    ];

    /// <summary>path_is_generator: the file's parent is one of the generator directories.</summary>
    public static bool IsGeneratorFile(string path) => KindOfParent(path) is UnitDirKind.Generator or UnitDirKind.GeneratorEarly or UnitDirKind.GeneratorLate;

    /// <summary>path_is_transient.</summary>
    public static bool IsTransientFile(string path) => KindOfParent(path) == UnitDirKind.Transient;

    /// <summary>path_is_runtime: anything below /run, or a file/dir whose parent (or itself) is a runtime directory.</summary>
    public static bool IsRuntime(string path, bool checkParent)
    {
        if (PathStartsWith(path, "/run")) return true;
        var dir = checkParent ? Parent(path) : path;
        return Find(dir)?.Kind is UnitDirKind.RuntimeConfig or UnitDirKind.Generator or UnitDirKind.GeneratorEarly
            or UnitDirKind.GeneratorLate or UnitDirKind.Transient or UnitDirKind.RuntimeControl;
    }

    /// <summary>path_startswith_strv: the path lies at or below one of the search directories.</summary>
    public static bool IsUnderSearchPath(string path)
    {
        foreach (var d in System) if (PathStartsWith(path, d.Path)) return true;
        return false;
    }

    public static UnitDir? Find(string dir)
    {
        foreach (var d in System) if (d.Path == dir) return d;
        return null;
    }

    /// <summary>Component-wise prefix test (path_startswith), on normalized absolute paths.</summary>
    public static bool PathStartsWith(string path, string prefix) =>
        path == prefix || (path.Length > prefix.Length && path.StartsWith(prefix, StringComparison.Ordinal) && path[prefix.Length] == '/')
        || prefix == "/";

    public static string Parent(string path)
    {
        var i = path.LastIndexOf('/');
        return i <= 0 ? "/" : path[..i];
    }

    public static string BaseName(string path)
    {
        var i = path.LastIndexOf('/');
        return i < 0 ? path : path[(i + 1)..];
    }

    private static UnitDirKind? KindOfParent(string path) => Find(Parent(path))?.Kind;
}
