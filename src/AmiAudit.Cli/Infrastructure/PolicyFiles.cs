using AmiAudit.Cli.Infrastructure.Io;
using AmiAudit.Core.Policies;

namespace AmiAudit.Cli.Infrastructure;

/// <summary>Finds and reads policy / waiver files for the pure loader, and turns load errors into exit 3.</summary>
public static class PolicyFiles
{
    /// <summary>Policy files are small; a cap keeps a mistaken --policy /var/log/huge from eating memory.</summary>
    public const long MaxBytes = InputFile.PolicyMaxBytes;

    /// <summary>Built-in policies ship beside the binary (see the Cli csproj).</summary>
    public static string BuiltInDirectory(CliContext context) => Path.Combine(context.AppDirectory, "policies");

    /// <summary>Reads every policy file through <see cref="InputFile"/>. A file named directly that is not a
    /// regular file (a FIFO, /dev/zero) is a <c>file:1:1</c> problem; one found inside a folder is skipped with a
    /// diagnostic, so a stray socket in policies/ does not stop the gate.</summary>
    public static IReadOnlyList<PolicySource> Read(IReadOnlyList<string> paths, CliContext context)
    {
        var files = new List<(string Path, bool InFolder)>();
        var problems = new List<string>();
        foreach (var p in paths.Count == 0 ? [BuiltInDirectory(context)] : paths)
        {
            var status = Posix.StatPath(p);
            if (status.Kind == FileKind.Directory)
                files.AddRange(Directory.EnumerateFiles(p).Where(f => InputRef.Yaml(f)).Order(StringComparer.Ordinal).Select(f => (f, true)));
            else if (status.Kind != FileKind.Missing) files.Add((p, false));
            else problems.Add($"{p}:1:1: no such policy file or directory");
        }
        var sources = new List<PolicySource>();
        var verified = PreverifiedDigests(context);
        var builtIn = Path.GetFullPath(BuiltInDirectory(context));
        foreach (var (f, inFolder) in files.DistinctBy(f => f.Path, StringComparer.Ordinal))
        {
            context.Interruption.ThrowIfRequested();
            byte[] bytes;
            try
            {
                bytes = InputFile.ReadAllBytes(f, MaxBytes);
            }
            catch (InputFileException e)
            {
                if (inFolder && !e.Reason.StartsWith("larger than", StringComparison.Ordinal)) context.Diagnostic($"amiaudit: skipped {f}: {e.Reason}");
                else problems.Add($"{f}:1:1: {e.Reason}; not a policy file");
                continue;
            }
            sources.Add(new PolicySource(DisplayName(f, builtIn), System.Text.Encoding.UTF8.GetString(bytes))
            {
                SchemaPreverified = verified.Contains(Digest(bytes)),
            });
        }
        if (problems.Count > 0) throw new InvalidInputException(problems);
        if (sources.Count == 0) throw new InvalidInputException($"{string.Join(", ", paths)}:1:1: no *.yaml policy files found");
        return sources;
    }

    /// <summary>What a verb reading <paramref name="paths"/> (or the built-in policies) reads, for <see cref="InputsAndOutput"/>.</summary>
    public static IEnumerable<InputRef> Inputs(IReadOnlyList<string> paths, string option) =>
        paths.Select(p => Directory.Exists(p) ? InputRef.Folder(option, p, InputRef.Yaml) : new InputRef(option, p));

    /// <summary>File beside the built-in policies listing the sha256 of each policy text the test suite
    /// validated against policies.schema.json (PolicyDigestsTests keeps it current). Content-addressed:
    /// an edited file no longer matches and is fully validated.</summary>
    public const string DigestsFile = "SCHEMA-VALIDATED.sha256";

    public static string Digest(byte[] bytes) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));

    private static HashSet<string> PreverifiedDigests(CliContext context)
    {
        var path = Path.Combine(BuiltInDirectory(context), DigestsFile);
        try
        {
            return [.. InputFile.ReadAllText(path, InputFile.SmallMaxBytes).Split('\n').Select(l => l.Split(' ', 2)[0]).Where(d => d.Length == 64)];
        }
        catch (InputFileException)
        {
            return []; // no list: every policy is fully validated
        }
    }

    public static PolicyLoadResult Load(IReadOnlyList<string> paths, IReadOnlyList<string> vars, CliContext context)
    {
        var overrides = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var v in vars)
        {
            var eq = v.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0) throw new UsageException($"--var '{v}': expected NAME=VALUE[,VALUE…]");
            overrides[v[..eq]] = v[(eq + 1)..];
        }
        var result = PolicyLoader.Load(Read(paths, context), overrides);
        if (!result.Ok) throw new InvalidInputException([.. result.Errors.Select(e => e.ToString())]);
        return result;
    }

    public static WaiverSet? LoadWaivers(string? path)
    {
        if (path is null) return null;
        string text;
        try
        {
            text = InputFile.ReadAllText(path, InputFile.PolicyMaxBytes);
        }
        catch (InputFileException e)
        {
            throw new InvalidInputException($"{path}:1:1: {(e.Reason == "no such file" ? "no such waivers file" : e.Reason + "; not a waivers file")}");
        }
        var (set, errors) = WaiverLoader.Load(new PolicySource(Relative(path), text));
        if (errors.Count > 0) throw new InvalidInputException([.. errors.Select(e => e.ToString())]);
        return set;
    }

    /// <summary>Prefix naming a policy shipped with amiaudit, in reports and messages.</summary>
    public const string BuiltInPrefix = "builtin:";

    /// <summary>A built-in policy is named <c>builtin:FILE</c>, not by where the binary happens to be
    /// installed: reports stay the same whether amiaudit runs from a package, a NativeAOT publish or
    /// <c>dotnet run</c>, and the name says the rule came with the tool rather than from the user.</summary>
    private static string DisplayName(string file, string builtInDirectory)
    {
        var full = Path.GetFullPath(file);
        return string.Equals(Path.GetDirectoryName(full), builtInDirectory, StringComparison.Ordinal)
            ? BuiltInPrefix + Path.GetFileName(full)
            : Relative(file);
    }

    /// <summary>Paths in messages are relative to the working directory when inside it (shorter, and stable in CI logs).</summary>
    private static string Relative(string path)
    {
        var full = Path.GetFullPath(path);
        var rel = Path.GetRelativePath(Directory.GetCurrentDirectory(), full);
        return rel.StartsWith("..", StringComparison.Ordinal) ? full : rel;
    }
}
