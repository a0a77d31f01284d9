using AmiAudit.Cli.Infrastructure;

namespace AmiAudit.Cli.Diff;

/// <summary>One side of a diff: snapshot files to stream, an image root to collect, or the live host.</summary>
internal sealed record DiffSide(string Name, IReadOnlyList<string> Files, string? RootDir, bool Live = false)
{
    /// <summary>The word that names the running host as a side (<c>amiaudit diff live zone-b/</c>). It wins over a
    /// file or directory called "live" in the working directory; write <c>./live</c> for that.</summary>
    public const string LiveKeyword = "live";

    public static DiffSide Root(string dir, string name) => new(name, [], dir);

    public static DiffSide LiveHost() => new(LiveKeyword, [], null, Live: true);

    public static DiffSide Resolve(string arg, DiffEnvironments env)
    {
        if (string.Equals(arg, LiveKeyword, StringComparison.Ordinal)) return LiveHost();
        if (File.Exists(arg)) return new DiffSide(Label(arg), [arg], null);
        if (Directory.Exists(arg)) return FromDirectory(arg, Label(arg));
        if (env.Named.TryGetValue(arg, out var target))
        {
            if (target.Live) return LiveHost() with { Name = arg };
            if (target.Root is { } root) return Root(root, arg);
            if (File.Exists(target.Snapshots)) return new DiffSide(arg, [target.Snapshots!], null);
            if (Directory.Exists(target.Snapshots)) return FromDirectory(target.Snapshots!, arg);
            throw new InvalidInputException($"amiaudit: environment '{arg}' ({env.Source}): snapshots path {target.Snapshots} does not exist");
        }
        var known = env.Named.Count == 0
            ? env.Source is null ? "no amiaudit.yaml was found (use --config)" : $"{env.Source} defines no environments"
            : $"known environments ({env.Source}): {string.Join(", ", env.Named.Keys.Order(StringComparer.Ordinal))}";
        throw new InvalidInputException($"amiaudit: '{arg}' is neither a snapshot file, a directory, 'live' nor a known environment; {known}");
    }

    /// <summary>A directory holding *.json is a group of snapshots; one holding etc/ or usr/ is an image root.</summary>
    private static DiffSide FromDirectory(string dir, string name)
    {
        var files = Directory.EnumerateFiles(dir, "*.json").Order(StringComparer.Ordinal).ToList();
        if (files.Count > 0) return new DiffSide(name, files, null);
        if (Directory.Exists(Path.Combine(dir, "etc")) || Directory.Exists(Path.Combine(dir, "usr"))) return Root(dir, name);
        throw new InvalidInputException($"amiaudit: {dir}: no *.json snapshots in this directory (and it is not an image root)");
    }

    public static string Label(string path)
    {
        var trimmed = path.TrimEnd('/');
        var name = Path.GetFileName(trimmed);
        return name.Length > 0 ? name : path;
    }
}
