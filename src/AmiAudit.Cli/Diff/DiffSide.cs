using AmiAudit.Aws.Store;
using AmiAudit.Cli.Infrastructure;
using AmiAudit.Cli.Infrastructure.Io;

namespace AmiAudit.Cli.Diff;

/// <summary>One side of a diff: snapshot files to stream (from <see cref="Folder"/> when a directory was named),
/// an image root to collect, or the live host.</summary>
internal sealed record DiffSide(string Name, IReadOnlyList<string> Files, string? RootDir, bool Live = false)
{
    public string? Folder { get; init; }
    /// <summary><c>s3://bucket/prefix/</c> (every *.json / *.json.gz below it) or one object; listed when loading.</summary>
    public S3Uri? S3 { get; init; }
    /// <summary><c>ec2:&lt;az&gt;</c>: the zone's instances, inventoried from the EC2 API when loading.</summary>
    public string? Ec2Zone { get; init; }

    /// <summary>True when loading this side calls AWS.</summary>
    public bool NeedsAws => S3 is not null || Ec2Zone is not null;

    /// <summary>The prefix that names an EC2 zone as a side: <c>ec2:us-east-1a</c>.</summary>
    public const string Ec2Prefix = "ec2:";

    /// <summary>What this side reads, for <see cref="InputsAndOutput"/>: its snapshot files, and its folder's *.json.</summary>
    public IEnumerable<InputRef> Inputs(string option) =>
        Folder is { } folder ? [InputRef.Folder(option, folder, InputRef.Json)] : Files.Where(f => !S3Uri.Looks(f)).Select(f => new InputRef(option, f));

    /// <summary>The word that names the running host as a side (<c>amiaudit diff live zone-b/</c>). It wins over a
    /// file or directory called "live" in the working directory; write <c>./live</c> for that.</summary>
    public const string LiveKeyword = "live";

    public static DiffSide Root(string dir, string name) => new(name, [], dir);

    public static DiffSide LiveHost() => new(LiveKeyword, [], null, Live: true);

    public static DiffSide Resolve(string arg, DiffEnvironments env)
    {
        if (string.Equals(arg, LiveKeyword, StringComparison.Ordinal)) return LiveHost();
        if (arg.StartsWith(Ec2Prefix, StringComparison.Ordinal) && !File.Exists(arg) && !Directory.Exists(arg))
        {
            var zone = arg[Ec2Prefix.Length..];
            if (zone.Length == 0) throw new UsageException($"'{arg}': name the availability zone, e.g. ec2:us-east-1a");
            return new DiffSide(zone, [], null) { Ec2Zone = zone };
        }
        if (S3Uri.Looks(arg))
        {
            S3Uri uri;
            try
            {
                uri = S3Uri.Parse(arg);
            }
            catch (FormatException e)
            {
                throw new UsageException(e.Message);
            }
            // A key that is not a snapshot file name is a prefix: "…/us-east-1a" must not also match "…/us-east-1ab".
            if (!uri.IsPrefix && !uri.Key.EndsWith(".json", StringComparison.Ordinal) && !uri.Key.EndsWith(".json.gz", StringComparison.Ordinal))
                uri = uri with { Key = uri.Key + "/" };
            return new DiffSide(Label(uri.IsPrefix ? uri.Key.Length == 0 ? uri.Bucket : uri.Key : uri.Key), [], null) { S3 = uri };
        }
        if (File.Exists(arg)) return SingleFile(arg, Label(arg));
        if (Directory.Exists(arg)) return FromDirectory(arg, Label(arg));
        if (env.Named.TryGetValue(arg, out var target))
        {
            if (target.Live) return LiveHost() with { Name = arg };
            if (target.Root is { } root) return Root(root, arg);
            if (File.Exists(target.Snapshots)) return SingleFile(target.Snapshots!, arg);
            if (Directory.Exists(target.Snapshots)) return FromDirectory(target.Snapshots!, arg);
            throw new InvalidInputException($"amiaudit: environment '{arg}' ({env.Source}): snapshots path {target.Snapshots} does not exist");
        }
        var known = env.Named.Count == 0
            ? env.Source is null ? "no amiaudit.yaml was found (use --config)" : $"{env.Source} defines no environments"
            : $"known environments ({env.Source}): {string.Join(", ", env.Named.Keys.Order(StringComparer.Ordinal))}";
        throw new InvalidInputException($"amiaudit: '{arg}' is neither a snapshot file, a directory, 'live' nor a known environment; {known}");
    }

    /// <summary>A snapshot named directly: a FIFO or device is refused here (exit 3), before anything is loaded.
    /// (Files inside a folder are checked as they are read, and skipped with a message.)</summary>
    private static DiffSide SingleFile(string path, string name)
    {
        try
        {
            InputFile.Check(path, InputFile.SnapshotMaxBytes);
        }
        catch (InputFileException e)
        {
            throw new InvalidInputException($"{path}:1:1: {e.Reason}; not a snapshot");
        }
        return new DiffSide(name, [path], null);
    }

    /// <summary>A directory holding *.json is a group of snapshots; one holding etc/ or usr/ is an image root.</summary>
    private static DiffSide FromDirectory(string dir, string name)
    {
        var files = Directory.EnumerateFiles(dir, "*.json").Order(StringComparer.Ordinal).ToList();
        if (files.Count > 0) return new DiffSide(name, files, null) { Folder = dir };
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
