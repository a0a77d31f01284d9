using AmiAudit.Core.Policies;

namespace AmiAudit.Cli.Infrastructure;

/// <summary>Finds and reads policy / waiver files for the pure loader, and turns load errors into exit 3.</summary>
public static class PolicyFiles
{
    /// <summary>Policy files are small; a cap keeps a mistaken --policy /var/log/huge from eating memory.</summary>
    public const long MaxBytes = 8 * 1024 * 1024;

    /// <summary>Built-in policies ship beside the binary (see the Cli csproj).</summary>
    public static string BuiltInDirectory(CliContext context) => Path.Combine(context.AppDirectory, "policies");

    public static IReadOnlyList<PolicySource> Read(IReadOnlyList<string> paths, CliContext context)
    {
        var files = new List<string>();
        var problems = new List<string>();
        foreach (var p in paths.Count == 0 ? [BuiltInDirectory(context)] : paths)
        {
            if (Directory.Exists(p))
                files.AddRange(Directory.EnumerateFiles(p).Where(f => f.EndsWith(".yaml", StringComparison.Ordinal) || f.EndsWith(".yml", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
            else if (File.Exists(p)) files.Add(p);
            else problems.Add($"{p}:1:1: no such policy file or directory");
        }
        var sources = new List<PolicySource>();
        var verified = PreverifiedDigests(context);
        var builtIn = Path.GetFullPath(BuiltInDirectory(context));
        foreach (var f in files.Distinct(StringComparer.Ordinal))
        {
            if (new FileInfo(f).Length > MaxBytes) { problems.Add($"{f}:1:1: larger than {MaxBytes / 1024 / 1024} MiB; not a policy file"); continue; }
            var bytes = File.ReadAllBytes(f);
            sources.Add(new PolicySource(DisplayName(f, builtIn), System.Text.Encoding.UTF8.GetString(bytes))
            {
                SchemaPreverified = verified.Contains(Digest(bytes)),
            });
        }
        if (problems.Count > 0) throw new InvalidInputException(problems);
        if (sources.Count == 0) throw new InvalidInputException($"{string.Join(", ", paths)}:1:1: no *.yaml policy files found");
        return sources;
    }

    /// <summary>File beside the built-in policies listing the sha256 of each policy text the test suite
    /// validated against policies.schema.json (PolicyDigestsTests keeps it current). Content-addressed:
    /// an edited file no longer matches and is fully validated.</summary>
    public const string DigestsFile = "SCHEMA-VALIDATED.sha256";

    public static string Digest(byte[] bytes) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));

    private static HashSet<string> PreverifiedDigests(CliContext context)
    {
        var path = Path.Combine(BuiltInDirectory(context), DigestsFile);
        if (!File.Exists(path)) return [];
        return [.. File.ReadAllLines(path).Select(l => l.Split(' ', 2)[0]).Where(d => d.Length == 64)];
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
        if (!File.Exists(path)) throw new InvalidInputException($"{path}:1:1: no such waivers file");
        var (set, errors) = WaiverLoader.Load(new PolicySource(Relative(path), File.ReadAllText(path)));
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
